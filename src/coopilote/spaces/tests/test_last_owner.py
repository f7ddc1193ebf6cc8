"""A space never ends without an owner: not by a role change, a removal or a departure,
and not when two owners step back at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from coopilote.accounts.tests.helpers import in_french
from coopilote.activity.models import ActivityEvent
from coopilote.spaces import actions
from coopilote.spaces.access import access_for, load_space
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.policies import Role

LAST_OWNER = (
    "A space always keeps at least one owner. Make someone else owner first, then try again."
)


def roles(space: Space) -> dict[str, str]:
    return dict(Membership.objects.filter(space=space).values_list("user__email", "role"))


def membership_of(space: Space, user) -> Membership:
    return Membership.objects.get(space=space, user=user)


# The rule through the pages -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_only_owner_cannot_step_down_even_after_confirming(personas):
    space, clients = personas("members")
    owner = clients.users["owner"]
    url = reverse("spaces:change_role", args=[space.slug, membership_of(space, owner).pk])
    before = roles(space)

    asked = clients["owner"].post(url, {"role": "member"})
    assert asked.status_code == 200  # the confirmation page, nothing changed yet
    assert roles(space) == before

    response = clients["owner"].post(url, {"role": "member", "confirm": "1"})
    assert response.status_code == 400
    assert in_french(LAST_OWNER) in response.content.decode()
    assert roles(space) == before
    assert not ActivityEvent.objects.filter(kind="spaces.member.role_changed").exists()


@pytest.mark.django_db
def test_the_only_owner_cannot_leave(personas):
    space, clients = personas("public")
    response = clients["owner"].post(reverse("spaces:leave", args=[space.slug]))
    assert response.status_code == 400
    assert in_french(LAST_OWNER) in response.content.decode()
    assert roles(space)["owner@example.org"] == Role.OWNER
    space.refresh_from_db()
    assert space.member_count == 4


@pytest.mark.django_db
def test_the_only_owner_cannot_be_removed_by_the_remove_action(personas):
    # The remove page sends people to "leave" for themselves and facilitators may not touch
    # owners, so the action itself must hold the rule.
    space, clients = personas("members")
    owner = clients.users["owner"]
    access = access_for(load_space(space.slug), owner)
    with pytest.raises(ValidationError) as error:
        actions.membership_remove(access=access, membership_id=membership_of(space, owner).pk)
    assert error.value.code == "last_owner"
    assert roles(space)["owner@example.org"] == Role.OWNER


@pytest.mark.django_db
def test_a_facilitator_cannot_remove_or_demote_the_only_owner(personas):
    space, clients = personas("members")
    target = membership_of(space, clients.users["owner"]).pk
    before = roles(space)
    for url, data in [
        (reverse("spaces:change_role", args=[space.slug, target]), {"role": "member"}),
        (
            reverse("spaces:change_role", args=[space.slug, target]),
            {"role": "member", "confirm": "1"},
        ),
        (reverse("spaces:remove_member", args=[space.slug, target]), {}),
    ]:
        assert clients["facilitator"].post(url, data).status_code == 403
    assert roles(space) == before


@pytest.mark.django_db
def test_with_two_owners_one_may_step_down_then_the_other_may_not(personas):
    space, clients = personas("members")
    second = clients.users["facilitator"]
    clients["owner"].post(
        reverse("spaces:change_role", args=[space.slug, membership_of(space, second).pk]),
        {"role": "owner"},
    )
    assert roles(space)["facilitator@example.org"] == Role.OWNER

    own = reverse(
        "spaces:change_role", args=[space.slug, membership_of(space, clients.users["owner"]).pk]
    )
    response = clients["owner"].post(own, {"role": "facilitator", "confirm": "1"})
    assert response.status_code == 302
    assert roles(space)["owner@example.org"] == Role.FACILITATOR

    own = reverse("spaces:change_role", args=[space.slug, membership_of(space, second).pk])
    response = clients["facilitator"].post(own, {"role": "facilitator", "confirm": "1"})
    assert response.status_code == 400
    assert in_french(LAST_OWNER) in response.content.decode()
    assert roles(space)["facilitator@example.org"] == Role.OWNER


# Two owners at the same moment, on real separate connections ---------------------------------


def race(*steps: Callable[[], Any]) -> list[Any]:
    """Run each step in its own thread (own database connection), all released together.

    Returns what each step returned, or the exception it raised.
    """
    barrier = threading.Barrier(len(steps))
    results: list[Any] = [None] * len(steps)

    def run(index: int, step: Callable[[], Any]) -> None:
        try:
            prepared = step()  # reads its access on its own connection, then waits
            barrier.wait(timeout=10)
            results[index] = prepared()
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def two_owners(make_user, make_space, add_member):
    first = make_user("first@example.org")
    second = make_user("second@example.org")
    space = make_space("Deux capitaines", owner=first)
    add_member(space, second, Role.OWNER)
    return space, first, second


def change_role(space: Space, actor, target, role: str) -> Callable[[], Callable[[], Any]]:
    def prepare() -> Callable[[], Any]:
        access = access_for(load_space(space.slug), actor)
        membership_id = Membership.objects.get(space=space, user=target).pk
        return lambda: actions.membership_change_role(
            access=access, membership_id=membership_id, role=role
        )

    return prepare


def remove(space: Space, actor, target) -> Callable[[], Callable[[], Any]]:
    def prepare() -> Callable[[], Any]:
        access = access_for(load_space(space.slug), actor)
        membership_id = Membership.objects.get(space=space, user=target).pk
        return lambda: actions.membership_remove(access=access, membership_id=membership_id)

    return prepare


def leave(space: Space, actor) -> Callable[[], Callable[[], Any]]:
    def prepare() -> Callable[[], Any]:
        access = access_for(load_space(space.slug), actor)
        return lambda: actions.membership_leave(access=access)

    return prepare


def assert_one_won(results: list[Any], space: Space, *, loser_errors: tuple[type, ...]) -> Any:
    failures = [result for result in results if isinstance(result, Exception)]
    assert len(failures) == 1, results
    assert isinstance(failures[0], loser_errors), repr(failures[0])
    assert Membership.objects.filter(space=space, role=Role.OWNER).count() == 1
    return failures[0]


@pytest.mark.django_db(transaction=True)
def test_two_owners_stepping_down_at_once_leave_exactly_one_owner(two_owners):
    space, first, second = two_owners
    results = race(
        change_role(space, first, first, Role.MEMBER),
        change_role(space, second, second, Role.MEMBER),
    )
    failure = assert_one_won(results, space, loser_errors=(ValidationError,))
    assert failure.code == "last_owner"
    assert ActivityEvent.objects.filter(kind="spaces.member.role_changed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_owners_leaving_at_once_leave_exactly_one_owner(two_owners):
    space, first, second = two_owners
    results = race(leave(space, first), leave(space, second))
    failure = assert_one_won(results, space, loser_errors=(ValidationError,))
    assert failure.code == "last_owner"
    space.refresh_from_db()
    assert space.member_count == 1
    assert Membership.objects.filter(space=space).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_exactly_one_owner(two_owners):
    space, first, second = two_owners
    results = race(
        change_role(space, first, second, Role.FACILITATOR),
        change_role(space, second, first, Role.FACILITATOR),
    )
    # The loser is either refused as the last owner, or no longer an owner at all (its rights
    # are read again once the space is locked): in both cases nothing more changes.
    assert_one_won(results, space, loser_errors=(ValidationError, PermissionDenied))
    assert Membership.objects.filter(space=space, role=Role.FACILITATOR).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_owners_removing_each_other_at_once_leave_exactly_one_owner(two_owners):
    space, first, second = two_owners
    results = race(remove(space, first, second), remove(space, second, first))
    assert_one_won(results, space, loser_errors=(ValidationError, PermissionDenied))
    assert Membership.objects.filter(space=space).count() == 1
    space.refresh_from_db()
    assert space.member_count == 1


# An archived space is frozen, but its sole owner can still hand over and leave -----------------


@pytest.mark.django_db
def test_the_sole_owner_of_an_archived_space_hands_ownership_over_then_leaves(personas):
    space, clients = personas("members")
    Space.objects.filter(pk=space.pk).update(status="archived")
    listing = clients["owner"].get(reverse("spaces:manage_members", args=[space.slug]))
    assert listing.status_code == 200
    content = listing.content.decode()
    target = membership_of(space, clients.users["member"])
    assert reverse("spaces:change_role", args=[space.slug, target.pk]) in content
    assert reverse("spaces:remove_member", args=[space.slug, target.pk]) not in content

    before = roles(space)
    url = reverse("spaces:change_role", args=[space.slug, target.pk])
    # Roles other than owner stay frozen, and nobody is removed.
    assert clients["owner"].post(url, {"role": "observer"}).status_code == 403
    assert clients["owner"].post(url, {"role": "facilitator"}).status_code == 403
    remove_url = reverse("spaces:remove_member", args=[space.slug, target.pk])
    assert clients["owner"].post(remove_url).status_code == 403
    assert roles(space) == before

    assert clients["owner"].post(url, {"role": "owner"}).status_code == 302
    assert roles(space)["member@example.org"] == Role.OWNER
    response = clients["owner"].post(reverse("spaces:leave", args=[space.slug]))
    assert response.status_code == 302
    assert "owner@example.org" not in roles(space)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["observer", "member", "facilitator"])
def test_in_an_archived_space_nobody_but_owners_changes_roles(personas, persona):
    space, clients = personas("members")
    Space.objects.filter(pk=space.pk).update(status="archived")
    target = membership_of(space, clients.users["member"])
    before = roles(space)
    assert (
        clients[persona].get(reverse("spaces:manage_members", args=[space.slug])).status_code == 403
    )
    url = reverse("spaces:change_role", args=[space.slug, target.pk])
    assert clients[persona].post(url, {"role": "owner"}).status_code == 403
    assert roles(space) == before
