"""The door into a space: secret spaces look exactly like missing ones, and roles in a parent
space carry into its children as facilitation rights."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coopilote.accounts.tests.helpers import normalise
from coopilote.spaces import actions, policies
from coopilote.spaces.access import access_for, effective_role, load_space
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.policies import Role

pytestmark = pytest.mark.django_db

MISSING = "nulle-part-ici"
# Pages of the space app whose answer must not tell a secret space from a missing one.
PAGES = [
    ("detail", ()),
    ("edit", ()),
    ("settings", ()),
    ("change_status", ("archived",)),
    ("change_status", ("closed",)),
    ("leave", ()),
    ("directory", ()),
    ("manage_members", ()),
    ("invitations", ()),
    ("join", ()),
]


def page(name: str, slug: str, args: tuple[str, ...]) -> str:
    return reverse(f"spaces:{name}", args=[slug, *args])


def same_answer(first: Any, second: Any, first_slug: str, second_slug: str) -> None:
    if first.status_code == 302:
        # Pages for logged-in people only may send anyone anonymous to log in first, as long as
        # they do it for a missing space too.
        assert second.status_code == 302
        assert first["Location"].startswith(reverse("account_login"))
        assert first["Location"].replace(first_slug, "X") == second["Location"].replace(
            second_slug, "X"
        )
        return
    assert first.status_code == second.status_code == 404
    assert "Location" not in first and "Location" not in second
    body = normalise(first.content.decode(), first_slug)
    other = normalise(second.content.decode(), second_slug)
    assert body == other
    assert sorted(k for k in first.headers if k.lower() != "content-security-policy") == sorted(
        k for k in second.headers if k.lower() != "content-security-policy"
    )


@pytest.mark.parametrize(("name", "args"), PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_secret_space_answers_an_outsider_exactly_as_a_missing_one(personas, name, args, method):
    space, clients = personas("secret")
    for persona in ("outsider", "anonymous"):
        client = clients[persona]
        secret = getattr(client, method)(page(name, space.slug, args))
        missing = getattr(client, method)(page(name, MISSING, args))
        same_answer(secret, missing, space.slug, MISSING)


@pytest.mark.parametrize(("name", "args"), PAGES[:6])
def test_a_closed_space_answers_its_members_exactly_as_a_missing_one(personas, name, args):
    space, clients = personas("members")
    actions.space_set_status(access=access_for(space, clients.users["owner"]), status="closed")
    for persona in ("member", "facilitator", "observer"):
        client = clients[persona]
        closed = client.get(page(name, space.slug, args))
        missing = client.get(page(name, MISSING, args))
        same_answer(closed, missing, space.slug, MISSING)


def test_members_of_a_secret_space_see_it(personas):
    space, clients = personas("secret")
    for persona in ("observer", "member", "facilitator", "owner"):
        response = clients[persona].get(page("detail", space.slug, ()))
        assert response.status_code == 200, persona
        assert "Réseau Eau" in response.content.decode()


def test_the_content_of_a_members_space_is_not_shown_to_outsiders(personas):
    space, clients = personas("members", description="Compte rendu **confidentiel**")
    Space.objects.filter(pk=space.pk).update(description_html="")
    child = actions.space_create(
        actor=clients.users["owner"],
        name="Groupe interne",
        kind="working_group",
        field="other",
        visibility="members",
        parent=space,
    )
    for persona in ("anonymous", "outsider"):
        html = clients[persona].get(page("detail", space.slug, ())).content.decode()
        # The card (name) is listed; the sub-spaces, which are content, are not.
        assert "Réseau Eau" in html
        assert child.name not in html
    assert child.name in clients["observer"].get(page("detail", space.slug, ())).content.decode()


# Rights inherited from a parent space ---------------------------------------------------------


@pytest.fixture
def network(make_user, make_space, add_member):
    """A network with a secret working group inside, whose own owner is someone else."""
    people = {
        name: make_user(f"{name}@example.org")
        for name in ("network_owner", "network_facilitator", "network_member", "group_owner")
    }
    network = make_space("Réseau", owner=people["network_owner"], visibility="members")
    add_member(network, people["network_facilitator"], Role.FACILITATOR)
    add_member(network, people["network_member"], Role.MEMBER)
    group = actions.space_create(
        actor=people["network_owner"],
        name="Groupe secret",
        kind="working_group",
        field="other",
        visibility="secret",
        parent=network,
    )
    # The network's owner opened it; hand it over so that they keep only the inherited role.
    Membership.objects.filter(space=group).update(user=people["group_owner"])
    return people, network, load_space(group.slug)


@pytest.mark.parametrize("who", ["network_owner", "network_facilitator"])
def test_parent_owners_and_facilitators_facilitate_the_children(network, who):
    people, _network, group = network
    access = access_for(group, people[who])
    assert access.membership is None
    assert access.role == Role.FACILITATOR
    for verb in (
        policies.SEE_CARD,
        policies.READ,
        policies.EDIT,
        policies.MANAGE_MEMBERS,
        policies.INVITE,
        policies.CREATE_CHILD,
        policies.SEE_DIRECTORY,
    ):
        assert access.can(verb), verb
    for verb in (policies.CONFIGURE, policies.SET_STATUS, policies.MANAGE_OWNERS):
        assert not access.can(verb), verb
    assert not access.may_grant(Role.OWNER)
    assert access.may_grant(Role.FACILITATOR)
    client = Client()
    client.force_login(people[who])
    assert client.get(page("detail", group.slug, ())).status_code == 200
    assert client.get(page("edit", group.slug, ())).status_code == 200
    response = client.post(
        page("edit", group.slug, ()),
        {"name": "Groupe renommé", "kind": "project", "field": "other", "description": ""},
    )
    assert response.status_code == 302
    assert Space.objects.get(pk=group.pk).name == "Groupe renommé"
    assert client.get(page("settings", group.slug, ())).status_code == 403
    assert client.post(page("change_status", group.slug, ("closed",))).status_code == 403
    assert Space.objects.get(pk=group.pk).status == "open"
    # Not a member: nothing to leave.
    assert client.post(page("leave", group.slug, ())).status_code == 403


def test_parent_members_get_nothing_in_a_secret_child(network):
    people, _network, group = network
    access = access_for(group, people["network_member"])
    assert access.role is None
    assert not access.can(policies.SEE_CARD)
    client = Client()
    client.force_login(people["network_member"])
    assert client.get(page("detail", group.slug, ())).status_code == 404


def test_rights_carry_down_through_every_level(network, make_user):
    people, _network, group = network
    project = actions.space_create(
        actor=people["group_owner"],
        name="Projet",
        kind="project",
        field="other",
        visibility="secret",
        parent=group,
    )
    project = load_space(project.slug)
    assert access_for(project, people["network_owner"]).role == Role.FACILITATOR
    assert access_for(project, people["network_facilitator"]).can(policies.MANAGE_MEMBERS)
    assert access_for(project, people["network_member"]).role is None


@pytest.mark.parametrize(
    ("own", "in_parent", "effective"),
    [
        (Role.OWNER, Role.OWNER, Role.OWNER),
        (Role.OWNER, Role.MEMBER, Role.OWNER),
        (Role.OWNER, None, Role.OWNER),
        (Role.FACILITATOR, Role.OWNER, Role.FACILITATOR),
        (Role.MEMBER, Role.OWNER, Role.FACILITATOR),
        (Role.OBSERVER, Role.FACILITATOR, Role.FACILITATOR),
        (Role.OBSERVER, Role.MEMBER, Role.OBSERVER),
        (Role.MEMBER, Role.OBSERVER, Role.MEMBER),
        (None, Role.MEMBER, None),
        (None, Role.OBSERVER, None),
        (None, Role.OWNER, Role.FACILITATOR),
    ],
)
def test_the_effective_role_is_never_below_ones_own(
    make_user, make_space, add_member, own, in_parent, effective
):
    person = make_user("camille@example.org")
    founder = make_user("fondatrice@example.org")
    parent = make_space("Réseau", owner=founder, visibility="members")
    child = make_space("Groupe", owner=founder, visibility="members", parent=parent)
    if in_parent:
        add_member(parent, person, in_parent)
    if own:
        add_member(child, person, own)
    child = load_space(child.slug)
    assert access_for(child, person).role == effective
    memberships = {
        space.pk: role for space, role in ((parent, in_parent), (child, own)) if role is not None
    }
    assert effective_role(child, memberships) == effective


def test_an_own_owner_role_in_a_child_keeps_owner_verbs_even_with_a_parent_role(
    make_user, make_space, add_member
):
    person = make_user("camille@example.org")
    parent = make_space("Réseau", owner=person, visibility="members")
    child = make_space("Groupe", owner=person, visibility="members", parent=parent)
    client = Client()
    client.force_login(person)
    assert client.get(page("settings", child.slug, ())).status_code == 200


def test_the_door_loads_a_space_and_its_role_in_two_queries(network, django_assert_num_queries):
    people, _network, group = network
    with django_assert_num_queries(2):
        access = access_for(load_space(group.slug), people["network_facilitator"])
        assert access.can(policies.EDIT)
