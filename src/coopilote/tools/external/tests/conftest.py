"""The spaces fixtures (six personas), and a space with the external tools enabled."""

from __future__ import annotations

from typing import Any

import pytest

from coopilote.spaces.tests.conftest import *  # noqa: F403


@pytest.fixture
def tool_space(personas):
    """``(space, clients)`` with the external tools enabled by the owner, through the action."""
    from coopilote.spaces import actions
    from coopilote.spaces.access import access_for

    def build(visibility: str = "members", **space_fields: Any):
        space, clients = personas(visibility, **space_fields)
        actions.space_tool_enable(
            access=access_for(space, clients.users["owner"]), tool_key="external"
        )
        return space, clients

    return build


@pytest.fixture
def add_card():
    """Add a card through the real action, as ``user`` (the space's owner in most tests)."""
    from coopilote.tools.external import actions
    from coopilote.tools.external.tests.helpers import tool_access_for

    def add(space, user, **fields: Any):
        fields.setdefault("name", "Pad du groupe eau")
        fields.setdefault("url", "https://pad.example.org/p/eau")
        fields.setdefault("category", "pad")
        return actions.external_tool_add(access=tool_access_for(space, user), **fields)

    return add
