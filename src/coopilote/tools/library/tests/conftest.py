"""The spaces fixtures (six personas), a space with the library enabled, and resources."""

from __future__ import annotations

from typing import Any

import pytest

from coopilote.spaces.tests.conftest import *  # noqa: F403


@pytest.fixture
def library_space(personas):
    """``(space, clients)`` with the library enabled by the owner, through the action."""
    from coopilote.accounts.models import User
    from coopilote.tools.library.tests.helpers import enable_library

    def build(visibility: str = "members", **space_fields: Any):
        space, clients = personas(visibility, **space_fields)
        enable_library(space, clients.users["owner"])
        # Pages follow the reader's language; these tests read them in English.
        User.objects.filter(pk__in=[user.pk for user in clients.users.values()]).update(
            language="en"
        )
        return space, clients

    return build


@pytest.fixture
def add_resource():
    """Add a resource through the real action, as ``user`` (a note unless told otherwise)."""
    from coopilote.tools.library import actions
    from coopilote.tools.library.tests.helpers import library_access_for

    def add(space, user, kind: str = "note", upload: Any = None, **fields: Any):
        fields.setdefault("title", "Guide des mares")
        fields.setdefault("licence", "cc-by-sa")
        if kind == "note":
            fields.setdefault("body", "Creuser en **pente douce**.")
        if kind == "link":
            fields.setdefault("url", "https://eau.example.org/guide-des-mares")
        return actions.resource_add(
            access=library_access_for(space, user), kind=kind, upload=upload, **fields
        )

    return add
