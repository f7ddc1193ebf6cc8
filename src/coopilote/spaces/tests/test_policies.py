"""The role matrix, checked against tables written here by hand, and every route of the app.

The tables below are the specification, written from the issue and the design (not copied from
``policies.py``): if the code and the tables disagree, one of them is wrong. A verb added to the
matrix, or a route added to ``spaces.urls``, without a row here makes this suite fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coopilote.activity.models import ActivityEvent
from coopilote.spaces import policies
from coopilote.spaces.models import Invitation, JoinRequest, Membership, SlugRedirect, Space
from coopilote.spaces.policies import Role
from coopilote.spaces.tests.conftest import PERSONAS

# Who asks. Visitors (no role) depend on the visibility; people with a role do not.
COLUMNS = [
    "anon/public", "anon/members", "anon/secret",
    "outsider/public", "outsider/members", "outsider/secret",
    "observer", "member", "facilitator", "owner",
]  # fmt: skip

# Y: allowed. ".": refused. One grid per status of the space.
OPEN = """
                      anon         outsider
                      pub mem sec  pub mem sec  obs mbr fac own
space.see_card         Y   Y   .    Y   Y   .    Y   Y   Y   Y
space.read             Y   .   .    Y   .   .    Y   Y   Y   Y
space.edit             .   .   .    .   .   .    .   .   Y   Y
space.configure        .   .   .    .   .   .    .   .   .   Y
space.set_status       .   .   .    .   .   .    .   .   .   Y
space.create_child     .   .   .    .   .   .    .   .   Y   Y
space.ask_to_join      .   .   .    Y   Y   .    .   .   .   .
space.leave            .   .   .    .   .   .    Y   Y   Y   Y
members.see_directory  .   .   .    .   .   .    Y   Y   Y   Y
members.invite         .   .   .    .   .   .    .   .   Y   Y
members.manage         .   .   .    .   .   .    .   .   Y   Y
members.manage_owners  .   .   .    .   .   .    .   .   .   Y
space.manage_tools     .   .   .    .   .   .    .   .   Y   Y
"""

# Read-only and kept: reading and leaving go on; owners may only change the status, and hand
# ownership over (a sole owner must be able to do so before deleting their account).
ARCHIVED = """
                      anon         outsider
                      pub mem sec  pub mem sec  obs mbr fac own
space.see_card         Y   Y   .    Y   Y   .    Y   Y   Y   Y
space.read             Y   .   .    Y   .   .    Y   Y   Y   Y
space.edit             .   .   .    .   .   .    .   .   .   .
space.configure        .   .   .    .   .   .    .   .   .   .
space.set_status       .   .   .    .   .   .    .   .   .   Y
space.create_child     .   .   .    .   .   .    .   .   .   .
space.ask_to_join      .   .   .    .   .   .    .   .   .   .
space.leave            .   .   .    .   .   .    Y   Y   Y   Y
members.see_directory  .   .   .    .   .   .    Y   Y   Y   Y
members.invite         .   .   .    .   .   .    .   .   .   .
members.manage         .   .   .    .   .   .    .   .   .   .
members.manage_owners  .   .   .    .   .   .    .   .   .   Y
space.manage_tools     .   .   .    .   .   .    .   .   .   .
"""

# Hidden from all but its owners, who may look at it and reopen it.
CLOSED = """
                      anon         outsider
                      pub mem sec  pub mem sec  obs mbr fac own
space.see_card         .   .   .    .   .   .    .   .   .   Y
space.read             .   .   .    .   .   .    .   .   .   Y
space.edit             .   .   .    .   .   .    .   .   .   .
space.configure        .   .   .    .   .   .    .   .   .   .
space.set_status       .   .   .    .   .   .    .   .   .   Y
space.create_child     .   .   .    .   .   .    .   .   .   .
space.ask_to_join      .   .   .    .   .   .    .   .   .   .
space.leave            .   .   .    .   .   .    .   .   .   .
members.see_directory  .   .   .    .   .   .    .   .   .   .
members.invite         .   .   .    .   .   .    .   .   .   .
members.manage         .   .   .    .   .   .    .   .   .   .
members.manage_owners  .   .   .    .   .   .    .   .   .   .
space.manage_tools     .   .   .    .   .   .    .   .   .   .
"""

GRIDS = {"open": OPEN, "archived": ARCHIVED, "closed": CLOSED}

# The space setting "directory for facilitators only" takes the directory from these roles.
DIRECTORY_FOR_FACILITATORS_REMOVES = {"observer", "member"}


def parse(grid: str) -> dict[str, dict[str, bool]]:
    rows: dict[str, dict[str, bool]] = {}
    for line in grid.strip().splitlines()[2:]:
        verb, *cells = line.split()
        assert len(cells) == len(COLUMNS), line
        assert set(cells) <= {"Y", "."}, line
        rows[verb] = {column: cell == "Y" for column, cell in zip(COLUMNS, cells, strict=True)}
    return rows


TABLES = {status: parse(grid) for status, grid in GRIDS.items()}
VERBS = list(TABLES["open"])


def expected(verb: str, who: str, visibility: str, status: str, directory: str = "members") -> bool:
    """The table's answer for a persona (``anonymous``, ``outsider`` or a role)."""
    if who in ("anonymous", "outsider"):
        column = f"{'anon' if who == 'anonymous' else 'outsider'}/{visibility}"
    else:
        column = who
    answer = TABLES[status][verb][column]
    if (
        verb == policies.SEE_DIRECTORY
        and directory == "facilitators"
        and who in DIRECTORY_FOR_FACILITATORS_REMOVES
    ):
        return False
    return answer


def test_the_tables_name_every_verb_of_the_matrix_and_nothing_else():
    for status, table in TABLES.items():
        assert set(table) == set(policies.MATRIX), status


@pytest.mark.parametrize("directory", ["members", "facilitators"])
@pytest.mark.parametrize("status", ["open", "archived", "closed"])
def test_the_matrix_answers_as_the_tables_for_every_verb_role_visibility_and_status(
    status, directory
):
    wrong = []
    checked = 0
    for verb in VERBS:
        for visibility in ("public", "members", "secret"):
            for who in PERSONAS:
                role = Role(who) if who in {r.value for r in Role} else None
                got = policies.allowed(
                    verb=verb,
                    role=role,
                    visibility=visibility,
                    status=status,
                    directory_visibility=directory,
                    authenticated=who != "anonymous",
                )
                want = expected(verb, who, visibility, status, directory)
                checked += 1
                if got != want:
                    wrong.append(f"{verb} {who} {visibility}: code says {got}, table {want}")
    assert checked == len(VERBS) * 3 * len(PERSONAS)
    assert not wrong, "\n".join(wrong)


def test_an_unknown_verb_is_refused_loudly_rather_than_allowed():
    with pytest.raises(KeyError):
        policies.allowed(verb="space.fly", role=Role.OWNER, visibility="public", status="open")


@pytest.mark.parametrize(
    ("actor", "granted", "allowed"),
    [
        (Role.OWNER, Role.OWNER, True),
        (Role.OWNER, Role.FACILITATOR, True),
        (Role.OWNER, Role.OBSERVER, True),
        (Role.FACILITATOR, Role.OWNER, False),
        (Role.FACILITATOR, Role.FACILITATOR, True),
        (Role.FACILITATOR, Role.MEMBER, True),
        (Role.MEMBER, Role.MEMBER, False),
        (Role.MEMBER, Role.OBSERVER, False),
        (Role.OBSERVER, Role.OBSERVER, False),
        (None, Role.OBSERVER, False),
    ],
)
def test_facilitators_hand_out_roles_up_to_facilitator_and_only_owners_make_owners(
    actor, granted, allowed
):
    assert policies.may_grant(actor, granted) is allowed
    # Changing someone's current role follows the same rule: facilitators cannot touch owners.
    assert policies.may_change(actor, granted) is allowed


# Routes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    verb: str | None  # what the door requires on GET; None: not inside a space's address
    mine: bool  # True: tested here for every persona; False: owned by another part of issue 3
    why: str = ""


ROUTES: dict[str, Route] = {
    "create": Route(None, True, "opening a space: verified people, not a space verb"),
    "detail": Route(policies.SEE_CARD, True),
    "edit": Route(policies.EDIT, True),
    "settings": Route(policies.SET_STATUS, True, "POST needs space.configure"),
    "change_status": Route(policies.SET_STATUS, True),
    "leave": Route(policies.LEAVE, True, "and an own membership"),
    "join": Route(policies.ASK_TO_JOIN, False),
    "join_withdraw": Route(policies.SEE_CARD, False),
    "join_requests": Route(policies.MANAGE_MEMBERS, False),
    "join_request_decide": Route(policies.MANAGE_MEMBERS, False),
    "manage_members": Route(policies.MANAGE_MEMBERS, False),
    "change_role": Route(policies.MANAGE_MEMBERS, False),
    "remove_member": Route(policies.MANAGE_MEMBERS, False),
    "membership_log": Route(policies.MANAGE_MEMBERS, False),
    "directory": Route(policies.SEE_DIRECTORY, False),
    "member": Route(policies.SEE_DIRECTORY, False),
    "my_card": Route(policies.READ, False, "and an own membership"),
    "invitations": Route(policies.INVITE, False),
    "invite": Route(policies.INVITE, False),
    "invitation_resend": Route(policies.INVITE, False),
    "invitation_revoke": Route(policies.INVITE, False),
    "invitation": Route(None, False, "the link itself is the right to see the invitation"),
    "invitation_answer": Route(None, False, "invitations sent to the person's own addresses"),
    "tools": Route(policies.MANAGE_TOOLS, False),
    "tool_enable": Route(policies.MANAGE_TOOLS, False, "POST only"),
    "tool_disable": Route(policies.MANAGE_TOOLS, False, "POST only"),
    "tool_rename": Route(policies.MANAGE_TOOLS, False),
    "tool_move": Route(policies.MANAGE_TOOLS, False, "POST only"),
    # Issue 4: the gare centrale's blocks and feed (tested in test_home.py / test_activity_feed.py)
    "activity": Route(policies.READ, False),
    "home_block": Route(policies.READ, False, "htmx partial; a redirect without htmx"),
    "home_block_edit": Route(policies.EDIT, False),
    "reading_choice": Route(policies.READ, False, "POST only, and an own membership"),
}


def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((pattern.name, pattern))
    return found


def space_routes() -> list[tuple[str, URLPattern]]:
    _prefix, resolver = get_resolver().namespace_dict["spaces"]
    return walk(resolver.url_patterns)


ALL_ROUTES = space_routes()
SLUG_ROUTES = [name for name, pattern in ALL_ROUTES if "slug" in pattern.pattern.converters]


def test_every_route_of_the_spaces_app_has_a_row_in_the_permission_table():
    names = [name for name, _pattern in ALL_ROUTES]
    missing = sorted(set(names) - set(ROUTES))
    assert not missing, f"Routes without a permission row in test_policies.ROUTES: {missing}"
    stale = sorted(set(ROUTES) - set(names))
    assert not stale, f"Rows for routes that no longer exist: {stale}"
    assert len(names) == len(set(names)), "two routes share a name"
    for name, route in ROUTES.items():
        assert route.verb is None or route.verb in policies.MATRIX, name
    # Routes outside a space's address must say why they are not behind the door.
    assert all(route.why for route in ROUTES.values() if route.verb is None)
    assert set(SLUG_ROUTES) == {n for n, r in ROUTES.items() if r.verb}


@pytest.fixture
def secret_world(personas, make_user):
    """A secret space with one of everything a route may point at, and the URL of each route."""
    from coopilote.spaces import actions
    from coopilote.spaces.access import access_for

    space, clients = personas("secret")
    owner = clients.users["owner"]
    member = clients.users["member"]
    membership = Membership.objects.get(space=space, user=member)
    (invitation,) = actions.invitations_send(
        access=access_for(space, owner), rows=[actions.InvitationRow("new@example.org")]
    )
    join_request = JoinRequest.objects.create(space=space, user=make_user("asks@example.org"))
    values = {
        "slug": space.slug,
        "status": "archived",
        "request_id": join_request.pk,
        "membership_id": membership.pk,
        "user_id": member.pk,
        "invitation_id": invitation.pk,
        "tool_key": "external",
        "block": "bienvenue",
    }

    def url(name: str) -> str:
        pattern = dict(ALL_ROUTES)[name]
        return reverse(f"spaces:{name}", kwargs={k: values[k] for k in pattern.pattern.converters})

    return space, clients, url


def snapshot(space: Space) -> dict[str, Any]:
    def rows(model: type[Model], **lookup: Any) -> list[tuple[Any, ...]]:
        return sorted(tuple(row.values()) for row in model.objects.filter(**lookup).values())

    return {
        "space": rows(Space, pk=space.pk),
        "memberships": rows(Membership),
        "invitations": rows(Invitation),
        "requests": rows(JoinRequest),
        "slugs": rows(SlugRedirect),
        "events": ActivityEvent.objects.count(),
    }


def assert_hidden(response: Any, persona: str) -> None:
    if persona == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
        return
    assert response.status_code == 404, (persona, response.status_code)


@pytest.mark.parametrize("name", SLUG_ROUTES)
def test_a_secret_space_is_hidden_from_outsiders_and_anonymous_people_on_every_route(
    secret_world, name
):
    space, clients, url = secret_world
    before = snapshot(space)
    for persona in ("anonymous", "outsider"):
        client = clients[persona]
        assert_hidden(client.get(url(name)), persona)
        assert_hidden(client.post(url(name), {"answer": "accept", "role": "owner"}), persona)
    assert snapshot(space) == before


@pytest.mark.parametrize("name", SLUG_ROUTES)
def test_a_closed_space_is_hidden_from_everyone_but_its_owners_on_every_route(secret_world, name):
    from coopilote.spaces import actions
    from coopilote.spaces.access import access_for

    space, clients, url = secret_world
    actions.space_set_status(access=access_for(space, clients.users["owner"]), status="closed")
    before = snapshot(space)
    for persona in ("anonymous", "outsider", "observer", "member", "facilitator"):
        client = clients[persona]
        assert_hidden(client.get(url(name)), persona)
        assert_hidden(client.post(url(name), {"answer": "accept", "role": "owner"}), persona)
    assert snapshot(space) == before


# ``.get``: a route without a row fails the test above rather than the whole collection.
MY_SLUG_ROUTES = [name for name in SLUG_ROUTES if name in ROUTES and ROUTES[name].mine]


def expected_get_status(name: str, persona: str, visibility: str) -> int:
    route = ROUTES[name]
    assert route.verb is not None
    if expected(route.verb, persona, visibility, "open"):
        return 200
    if not expected(policies.SEE_CARD, persona, visibility, "open"):
        return 404
    return 302 if persona == "anonymous" else 403


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
@pytest.mark.parametrize("name", MY_SLUG_ROUTES)
def test_each_page_of_a_space_answers_every_persona_as_the_table_says(personas, name, visibility):
    space, clients = personas(visibility)
    kwargs: dict[str, str] = {"slug": space.slug}
    if name == "change_status":
        kwargs["status"] = "archived"
    url = reverse(f"spaces:{name}", kwargs=kwargs)
    answers = {persona: clients[persona].get(url).status_code for persona in PERSONAS}
    wanted = {persona: expected_get_status(name, persona, visibility) for persona in PERSONAS}
    assert answers == wanted


def test_a_page_refused_to_an_anonymous_visitor_who_may_know_the_space_asks_to_log_in(personas):
    space, clients = personas("members")
    url = reverse("spaces:edit", args=[space.slug])
    response = clients["anonymous"].get(url + "?x=1")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query) == {"next": [url + "?x=1"]}
    assert Client().get(reverse("spaces:create")).status_code == 302
