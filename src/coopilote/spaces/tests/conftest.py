"""Spaces and the six personas every permission test is written against."""

from __future__ import annotations

import pytest
from django.test import Client

from coopilote.spaces import actions
from coopilote.spaces.models import Space
from coopilote.spaces.policies import Role

# Ordered from no access at all to full access.
PERSONAS = ["anonymous", "outsider", "observer", "member", "facilitator", "owner"]
ROLE_OF = {
    "observer": Role.OBSERVER,
    "member": Role.MEMBER,
    "facilitator": Role.FACILITATOR,
    "owner": Role.OWNER,
}


@pytest.fixture
def make_space(db, make_user):
    """A space opened by ``owner`` (made on the fly when not given) through the real action."""
    counter = {"n": 0}

    def make(name: str = "Réseau Eau", *, owner=None, **fields) -> Space:
        counter["n"] += 1
        owner = owner or make_user(f"owner{counter['n']}@example.org")
        fields.setdefault("kind", "network")
        fields.setdefault("field", "environment")
        return actions.space_create(actor=owner, name=name, **fields)

    return make


@pytest.fixture
def add_member():
    """Add someone with a role directly (tests of other features need members, not the flow)."""
    from django.db.models import F

    from coopilote.spaces.models import Membership

    def add(space: Space, user, role: str = Role.MEMBER) -> Membership:
        membership = Membership.objects.create(space=space, user=user, role=role)
        Space.objects.filter(pk=space.pk).update(member_count=F("member_count") + 1)
        return membership

    return add


class Personas(dict):
    """persona name → logged-in ``Client`` (anonymous: a fresh client); ``.users`` by name."""

    users: dict


@pytest.fixture
def personas(make_user, make_space, add_member):
    """One user per persona around a space; call with the space's visibility."""

    def build(visibility: str = "members", **space_fields) -> tuple[Space, Personas]:
        users = {name: make_user(f"{name}@example.org") for name in PERSONAS[1:]}
        space = make_space(owner=users["owner"], visibility=visibility, **space_fields)
        for name, role in ROLE_OF.items():
            if name != "owner":
                add_member(space, users[name], role)
        space.refresh_from_db()
        clients = Personas()
        clients.users = users
        clients["anonymous"] = Client()
        for name, user in users.items():
            client = Client()
            client.force_login(user)
            clients[name] = client
        return space, clients

    return build


@pytest.fixture
def more_tools():
    """Two more registered tools with an event kind each (no target resolver); removed after."""
    from coopilote.spaces import registry
    from coopilote.spaces.registry import EVERY_ROLE, EventKind, ToolManifest

    extra = [
        ToolManifest(
            key=key,
            verbose_name=name,
            description=f"{name} du réseau",
            slug=slug,
            urls="coopilote.tools.external.urls",
            verbs={"read": EVERY_ROLE},
            event_kinds=(EventKind(f"{key}.note.written", "initiative", "wrote a note"),),
            usages=("share",),
        )
        for key, name, slug in [("notes", "Notes", "notes"), ("agenda_test", "Agenda", "agenda")]
    ]
    for manifest in extra:
        registry.register(manifest)
    yield extra
    for manifest in extra:
        registry.unregister(manifest.key)
