"""Facilitators manage members: the list, role changes, removals, and the membership log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from coopilote.accounts.models import User
from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.accounts.tests.helpers import mails_to
from coopilote.activity.models import ActivityEvent
from coopilote.spaces import actions
from coopilote.spaces.access import access_for, load_space
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.policies import Role

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]


def state() -> tuple:
    return (
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role")),
        list(Space.objects.order_by("pk").values_list("pk", "member_count")),
        ActivityEvent.objects.count(),
    )


def membership(space: Space, user) -> Membership:
    return Membership.objects.get(space=space, user=user)


def role_of(space: Space, user) -> str:
    return membership(space, user).role


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def label(role: str) -> str:
    with translation.override("fr"):
        return str(Role(role).label)


def expected_for_managers(visibility: str) -> dict[str, int]:
    """The answer of every persona to a facilitators' page that works."""
    return {
        "anonymous": 302,
        "outsider": 404 if visibility == "secret" else 403,
        "observer": 403,
        "member": 403,
        "facilitator": 200,
        "owner": 200,
    }


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


# The member list ------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_only_facilitators_and_owners_open_the_member_list(personas, visibility):
    space, clients = personas(visibility)
    url = reverse("spaces:manage_members", args=[space.slug])
    for persona, status in expected_for_managers(visibility).items():
        response = clients[persona].get(url)
        assert response.status_code == status, persona
        if status == 302:
            assert_login_redirect(response)
        if status == 200:
            assert "observer@example.org" in response.content.decode()
        else:
            assert "observer@example.org" not in response.content.decode()


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_member_list_answers_get_only(personas, visibility):
    space, clients = personas(visibility)
    before = state()
    response = clients["owner"].post(reverse("spaces:manage_members", args=[space.slug]))
    assert response.status_code == 405
    assert state() == before


def test_the_member_list_shows_roles_counts_and_links(personas, make_user):
    space, clients = personas("members")
    asker = make_user("asker@example.org")
    actions.join_request_create(access=access_for(load_space(space.slug), asker))
    content = (
        clients["facilitator"]
        .get(reverse("spaces:manage_members", args=[space.slug]))
        .content.decode()
    )
    with translation.override("fr"):
        requests = translation.ngettext(
            "%(counter)s request to join", "%(counter)s requests to join", 1
        ) % {"counter": 1}
    assert requests in content
    assert reverse("spaces:join_requests", args=[space.slug]) in content
    assert reverse("spaces:invitations", args=[space.slug]) in content
    assert reverse("spaces:membership_log", args=[space.slug]) in content
    # A facilitator may change everyone but the owner, and never offers "owner".
    for persona in ["observer", "member", "facilitator"]:
        pk = membership(space, clients.users[persona]).pk
        assert reverse("spaces:change_role", args=[space.slug, pk]) in content
    owner_pk = membership(space, clients.users["owner"]).pk
    assert reverse("spaces:change_role", args=[space.slug, owner_pk]) not in content
    assert reverse("spaces:remove_member", args=[space.slug, owner_pk]) not in content
    assert 'value="owner"' not in content.split("<table", 1)[1]

    content = (
        clients["owner"].get(reverse("spaces:manage_members", args=[space.slug])).content.decode()
    )
    assert 'value="owner"' in content.split("<table", 1)[1]


def test_the_member_list_searches_by_name_or_email_and_filters_by_role(
    personas, make_user, add_member
):
    space, clients = personas("members")
    add_member(space, make_user("lea@coop.example", display_name="Léa Martin"))
    add_member(space, make_user("sam@autre.example", display_name="Sam Durand"), Role.OBSERVER)
    url = reverse("spaces:manage_members", args=[space.slug])

    def names(**query) -> set[str]:
        response = clients["owner"].get(url, query)
        return {row.membership.user.email for row in response.context["rows"]}

    assert names(q="Léa") == {"lea@coop.example"}
    assert names(q="autre.example") == {"sam@autre.example"}
    assert names(role="observer") == {"sam@autre.example", "observer@example.org"}
    assert names(q="sam", role="member") == set()
    assert len(names(role="not-a-role")) == 6  # an unknown filter shows everyone


def test_the_member_list_is_paginated_by_fifty(personas, add_member):
    space, clients = personas("members")
    people = User.objects.bulk_create(
        [
            User(email=f"p{number:03d}@example.org", display_name=f"Personne {number:03d}")
            for number in range(60)
        ]
    )
    for person in people:
        add_member(space, person)
    url = reverse("spaces:manage_members", args=[space.slug])
    first = clients["owner"].get(url)
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 64
    second = clients["owner"].get(url, {"page": 2})
    assert len(second.context["rows"]) == 14


def test_the_member_list_escapes_names(personas, add_member, make_user):
    space, clients = personas("members")
    add_member(space, make_user("x@example.org", display_name="<script>alert(1)</script>"))
    content = (
        clients["owner"].get(reverse("spaces:manage_members", args=[space.slug])).content.decode()
    )
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# Changing roles: who may ----------------------------------------------------------------------


def change_url(space: Space, target: Membership) -> str:
    return reverse("spaces:change_role", args=[space.slug, target.pk])


def remove_url(space: Space, target: Membership) -> str:
    return reverse("spaces:remove_member", args=[space.slug, target.pk])


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_lower_roles_and_visitors_cannot_change_roles_or_remove(personas, visibility, method):
    space, clients = personas(visibility)
    target = membership(space, clients.users["member"])
    before = state()
    expected = expected_for_managers(visibility)
    for persona in ["anonymous", "outsider", "observer", "member"]:
        for url in [change_url(space, target), remove_url(space, target)]:
            response = getattr(clients[persona], method)(url, {"role": "observer"})
            assert response.status_code == expected[persona], (persona, url)
    assert state() == before
    assert mails_to("member@example.org") == []


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", ["facilitator", "owner"])
def test_managers_change_a_role_at_once_and_the_person_is_told(personas, visibility, persona):
    space, clients = personas(visibility)
    target = membership(space, clients.users["member"])
    response = clients[persona].post(
        change_url(space, target), {"role": "facilitator"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("spaces:manage_members", args=[space.slug])
    assert fr("%(name)s is now %(role)s.", name="member", role=label("facilitator")) in messages_of(
        response
    )
    assert role_of(space, clients.users["member"]) == Role.FACILITATOR
    event = ActivityEvent.objects.get(kind="spaces.member.role_changed")
    assert event.actor == clients.users[persona]
    assert event.payload == {"user": target.user_id, "previous": "member", "role": "facilitator"}
    (mail,) = mails_to("member@example.org")
    assert mail.kind == "membership"


def test_the_role_page_shows_only_roles_the_actor_may_give(personas):
    space, clients = personas("members")
    target = membership(space, clients.users["member"])
    page = clients["facilitator"].get(change_url(space, target))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="facilitator"' in content
    assert 'value="owner"' not in content
    assert 'value="owner"' in clients["owner"].get(change_url(space, target)).content.decode()


def test_a_role_change_mail_uses_the_persons_language(personas):
    space, clients = personas("members")
    member = clients.users["member"]
    member.language = "en"
    member.save(update_fields=["language"])
    clients["owner"].post(change_url(space, membership(space, member)), {"role": "observer"})
    (mail,) = mails_to(member.email)
    assert mail.subject == f"Your role in “{space.name}” has changed"
    assert "made you observer of" in mail.body_text


def test_a_facilitator_cannot_make_owners_nor_touch_owners(personas):
    space, clients = personas("members")
    member = membership(space, clients.users["member"])
    owner = membership(space, clients.users["owner"])
    before = state()
    facilitator = clients["facilitator"]
    assert facilitator.post(change_url(space, member), {"role": "owner"}).status_code == 403
    assert (
        facilitator.post(change_url(space, member), {"role": "owner", "confirm": "1"}).status_code
        == 403
    )
    assert facilitator.get(change_url(space, owner)).status_code == 403
    assert (
        facilitator.post(change_url(space, owner), {"role": "observer", "confirm": "1"}).status_code
        == 403
    )
    assert facilitator.get(remove_url(space, owner)).status_code == 403
    assert facilitator.post(remove_url(space, owner)).status_code == 403
    assert state() == before


def test_a_member_cannot_promote_themselves(personas):
    space, clients = personas("members")
    own = membership(space, clients.users["member"])
    before = state()
    for data in [{"role": "owner"}, {"role": "owner", "confirm": "1"}, {"role": "facilitator"}]:
        assert clients["member"].post(change_url(space, own), data).status_code == 403
    assert state() == before


def test_an_unknown_role_is_refused_with_a_message(personas):
    space, clients = personas("members")
    target = membership(space, clients.users["member"])
    before = state()
    response = clients["owner"].post(change_url(space, target), {"role": "superadmin"})
    assert response.status_code == 400
    assert state() == before


def test_giving_the_same_role_changes_nothing(personas):
    space, clients = personas("members")
    target = membership(space, clients.users["member"])
    before = state()
    response = clients["owner"].post(change_url(space, target), {"role": "member"}, follow=True)
    assert fr("%(name)s is already %(role)s.", name="member", role=label("member")) in messages_of(
        response
    )
    assert state() == before


def test_memberships_of_another_space_are_missing(personas, make_space, make_user, add_member):
    space, clients = personas("members")
    other = make_space("Autre réseau")
    stranger = add_member(other, make_user("stranger@example.org"))
    before = state()
    for method in ["get", "post"]:
        for url in [change_url(space, stranger), remove_url(space, stranger)]:
            response = getattr(clients["owner"], method)(url, {"role": "observer", "confirm": "1"})
            assert response.status_code == 404
    missing = reverse("spaces:change_role", args=[space.slug, 999_999])
    assert clients["owner"].post(missing, {"role": "observer"}).status_code == 404
    assert state() == before


# Changing roles: confirmation of steps down ----------------------------------------------------


def test_taking_ownership_away_asks_for_confirmation_first(personas):
    space, clients = personas("members")
    second = clients.users["facilitator"]
    clients["owner"].post(change_url(space, membership(space, second)), {"role": "owner"})
    assert role_of(space, second) == Role.OWNER  # giving ownership applies at once

    before = state()
    page = clients["owner"].post(change_url(space, membership(space, second)), {"role": "member"})
    assert page.status_code == 200
    assert 'name="confirm" value="1"' in page.content.decode()
    assert state() == before

    response = clients["owner"].post(
        change_url(space, membership(space, second)), {"role": "member", "confirm": "1"}
    )
    assert response.status_code == 302
    assert role_of(space, second) == Role.MEMBER


def test_stepping_down_oneself_asks_for_confirmation_then_leaves_the_manager_pages(personas):
    space, clients = personas("members")
    own = membership(space, clients.users["facilitator"])
    before = state()
    page = clients["facilitator"].post(change_url(space, own), {"role": "member"})
    assert page.status_code == 200
    assert state() == before

    response = clients["facilitator"].post(
        change_url(space, own), {"role": "member", "confirm": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("spaces:detail", args=[space.slug])
    assert fr("You are now %(role)s.", role=label("member")) in messages_of(response)
    assert role_of(space, clients.users["facilitator"]) == Role.MEMBER


def test_an_owner_may_make_another_owner_without_confirmation(personas):
    space, clients = personas("public")
    target = membership(space, clients.users["member"])
    response = clients["owner"].post(change_url(space, target), {"role": "owner"})
    assert response.status_code == 302
    assert role_of(space, clients.users["member"]) == Role.OWNER


# Removing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["facilitator", "owner"])
def test_removing_shows_a_confirmation_then_removes_and_tells_the_person(personas, persona):
    space, clients = personas("members")
    member = clients.users["member"]
    member.language = "en"
    member.save(update_fields=["language"])
    target = membership(space, member)
    before = state()
    page = clients[persona].get(remove_url(space, target))
    assert page.status_code == 200
    assert state() == before

    response = clients[persona].post(remove_url(space, target), follow=True)
    assert response.redirect_chain[-1][0] == reverse("spaces:manage_members", args=[space.slug])
    assert not Membership.objects.filter(space=space, user=member).exists()
    space.refresh_from_db()
    assert space.member_count == 3
    event = ActivityEvent.objects.get(kind="spaces.member.removed")
    assert event.payload == {"user": member.pk, "role": "member"}
    (mail,) = mails_to(member.email)
    assert mail.subject == f"You are no longer a member of “{space.name}”"
    # The removed person no longer gets in.
    assert (
        clients["member"].get(reverse("spaces:manage_members", args=[space.slug])).status_code
        == 403
    )


def test_removing_oneself_goes_to_the_leave_page(personas):
    space, clients = personas("members")
    own = membership(space, clients.users["facilitator"])
    before = state()
    for method in ["get", "post"]:
        response = getattr(clients["facilitator"], method)(remove_url(space, own))
        assert response.status_code == 302
        assert response["Location"] == reverse("spaces:leave", args=[space.slug])
    assert state() == before


def test_a_facilitator_removes_another_facilitator(personas, make_user, add_member):
    space, clients = personas("members")
    other = add_member(space, make_user("other@example.org"), Role.FACILITATOR)
    assert clients["facilitator"].post(remove_url(space, other)).status_code == 302
    assert not Membership.objects.filter(pk=other.pk).exists()


# Parent managers ------------------------------------------------------------------------------


@pytest.fixture
def network_with_group(personas, make_space, make_user, add_member):
    """A members-only network; a group inside it owned by someone else, with a member."""
    network, clients = personas("members")
    group_owner = make_user("group-owner@example.org")
    # Only the network's facilitators open groups in it; this one is a plain member since.
    in_network = add_member(network, group_owner, Role.FACILITATOR)
    group = make_space("Groupe Rivières", owner=group_owner, parent=network, visibility="secret")
    Membership.objects.filter(pk=in_network.pk).update(role=Role.MEMBER)
    worker = add_member(group, make_user("worker@example.org"))
    return network, group, clients, worker


@pytest.mark.parametrize("persona", ["facilitator", "owner"])
def test_parent_managers_manage_the_members_of_a_child_space(network_with_group, persona):
    _network, group, clients, worker = network_with_group
    assert not Membership.objects.filter(space=group, user=clients.users[persona]).exists()
    listing = clients[persona].get(reverse("spaces:manage_members", args=[group.slug]))
    assert listing.status_code == 200
    assert "worker@example.org" in listing.content.decode()
    response = clients[persona].post(change_url(group, worker), {"role": "facilitator"})
    assert response.status_code == 302
    assert Membership.objects.get(pk=worker.pk).role == Role.FACILITATOR


@pytest.mark.parametrize("persona", ["facilitator", "owner"])
def test_parent_managers_cannot_make_or_touch_owners_of_a_child_space(network_with_group, persona):
    _network, group, clients, worker = network_with_group
    group_owner = Membership.objects.get(space=group, role=Role.OWNER)
    before = state()
    manager = clients[persona]
    assert manager.post(change_url(group, worker), {"role": "owner"}).status_code == 403
    assert (
        manager.post(change_url(group, group_owner), {"role": "member", "confirm": "1"}).status_code
        == 403
    )
    assert manager.post(remove_url(group, group_owner)).status_code == 403
    assert state() == before


@pytest.mark.parametrize("persona", ["observer", "member"])
def test_ordinary_members_of_the_parent_do_not_see_a_secret_child(network_with_group, persona):
    _network, group, clients, worker = network_with_group
    before = state()
    assert (
        clients[persona].get(reverse("spaces:manage_members", args=[group.slug])).status_code == 404
    )
    assert clients[persona].post(change_url(group, worker), {"role": "observer"}).status_code == 404
    assert state() == before


# The membership log ---------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_only_managers_read_the_membership_log(personas, visibility):
    space, clients = personas(visibility)
    url = reverse("spaces:membership_log", args=[space.slug])
    for persona, status in expected_for_managers(visibility).items():
        assert clients[persona].get(url).status_code == status, persona
    assert clients["owner"].post(url).status_code == 405


def test_the_log_tells_each_step_in_a_sentence(personas, make_user):
    space, clients = personas("members")
    users = clients.users
    users["owner"].display_name = "Alex <b>Chef</b>"
    users["owner"].save(update_fields=["display_name"])
    asker = make_user("asker@example.org", display_name="Dominique")
    join_request = actions.join_request_create(access=access_for(load_space(space.slug), asker))
    clients["owner"].post(
        reverse("spaces:join_request_decide", args=[space.slug, join_request.pk]),
        {f"request-{join_request.pk}-answer": "observer"},
    )
    clients["owner"].post(
        change_url(space, membership(space, users["member"])), {"role": "facilitator"}
    )
    clients["owner"].post(remove_url(space, membership(space, users["observer"])))
    actions.space_edit(
        access=access_for(load_space(space.slug), users["owner"]),
        name="Réseau Eau",
        kind="network",
        field="environment",
        description="Nouveau",
    )

    response = clients["facilitator"].get(reverse("spaces:membership_log", args=[space.slug]))
    content = response.content.decode()
    sentences = [sentence for _event, sentence in response.context["entries"]]
    owner = "Alex <b>Chef</b>"
    assert sentences == [
        fr(
            "%(actor)s removed %(subject)s (%(role)s) from the space.",
            actor=owner,
            subject="observer",
            role=label("observer"),
        ),
        fr(
            "%(actor)s changed the role of %(subject)s from %(previous)s to %(role)s.",
            actor=owner,
            subject="member",
            previous=label("member"),
            role=label("facilitator"),
        ),
        fr(
            "%(actor)s accepted the request of %(subject)s, now %(role)s.",
            actor=owner,
            subject="Dominique",
            role=label("observer"),
        ),
        fr("%(actor)s asked to join the space.", actor="Dominique"),
        fr("%(actor)s opened the space and became its owner.", actor=owner),
    ]
    assert "Alex &lt;b&gt;Chef&lt;/b&gt;" in content
    assert "<b>Chef</b>" not in content
