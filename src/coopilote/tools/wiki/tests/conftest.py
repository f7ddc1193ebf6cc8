"""The spaces fixtures (six personas), and a space with the wiki enabled."""

from __future__ import annotations

from typing import Any

import pytest

from coopilote.spaces.tests.conftest import *  # noqa: F403


@pytest.fixture
def wiki_space(personas):
    """``(space, clients)`` with the wiki enabled by the owner, through the action."""
    from coopilote.spaces import actions
    from coopilote.spaces.access import access_for

    def build(visibility: str = "members", **space_fields: Any):
        space, clients = personas(visibility, **space_fields)
        actions.space_tool_enable(access=access_for(space, clients.users["owner"]), tool_key="wiki")
        return space, clients

    return build


@pytest.fixture
def add_page():
    """Create a page through the real action, as ``user``."""
    from coopilote.tools.wiki import actions
    from coopilote.tools.wiki.tests.helpers import wiki_access_for

    def add(space, user, title: str = "Charte de fonctionnement", body: str = "", **fields: Any):
        body = body or "# Nos valeurs\n\nCoopérer.\n\n# Nos règles\n\nDécider ensemble.\n"
        return actions.page_create(
            access=wiki_access_for(space, user), title=title, body=body, **fields
        )

    return add
