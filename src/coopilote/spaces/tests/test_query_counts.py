"""Exact query counts of the directory, the platform home and the space page.

Each page is measured on small and larger data seeded by the benchmark's own seeder
(``bench/django_side.py``), which also keeps that seeder working in CI at a tiny scale.
"""

from __future__ import annotations

import pytest
from bench.django_side import seed_spaces
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopilote.accounts.models import Tag, User
from coopilote.spaces.models import Invitation, Membership, Space
from coopilote.spaces.policies import Role

# Both sizes have a second page of members (50 a page) and of spaces (24 a page).
SIZES = [(60, 30), (160, 80)]


def queries(client: Client, url: str) -> int:
    client.get(url)  # first-request effects (session refresh, caches) do not count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def seeded(make_user):
    """A logged-in member of a seeded network of ``members`` people and ``spaces`` spaces."""

    def seed(members: int, spaces: int, role: str = Role.MEMBER):
        viewer = make_user("lecteur@example.org", display_name="Lecteur")
        facts = seed_spaces(members=members, spaces=spaces, joined_by=viewer)
        # Tags and a place the viewer has, so that the filters always find someone.
        viewer.skills.set(Tag.from_names(["Facilitation"]))
        viewer.interests.set(Tag.from_names(["Communs"]))
        User.objects.filter(pk=viewer.pk).update(place_name="Tours (37)", organisation="Bocage")
        Membership.objects.filter(space__slug=facts["network_slug"], user=viewer).update(role=role)
        client = Client()
        client.force_login(viewer)
        return client, facts

    return seed


@pytest.mark.parametrize(("members", "spaces"), [(3, 2), *SIZES])
@pytest.mark.parametrize(
    "params",
    ["", "?role=member", "?skill=facilitation", "?q=Bocage", "?place=Tours&interest=communs"],
)
def test_a_directory_page_runs_eight_queries_whatever_the_number_of_members(
    seeded, members, spaces, params
):
    client, facts = seeded(members, spaces)
    url = reverse("spaces:directory", args=[facts["network_slug"]]) + params
    # session, user, space with its ancestors, the viewer's memberships there, the filter
    # lists (organisations, skills and interests: one UNION kept a minute in the cache, so here
    # one read of the database cache, none with Redis), the page of members with their users
    # and the total (a window function), the page's skills and interests (one UNION), the
    # space's enabled tools for the menu.
    assert queries(client, url) == 8


@pytest.mark.parametrize(("members", "spaces"), [(3, 2), *SIZES])
@pytest.mark.parametrize("params", ["?q=personne-de-ce-nom", "?page=999"])
def test_an_empty_search_or_a_page_past_the_end_costs_a_count_more(seeded, members, spaces, params):
    client, facts = seeded(members, spaces)
    url = reverse("spaces:directory", args=[facts["network_slug"]]) + params
    # session, user, space, memberships, filter lists (cached), the (empty) page, COUNT, tools;
    # then, for a page past the end, the last page and its tags (nobody matching needs neither)
    assert queries(client, url) == (10 if "page" in params else 8)


@pytest.mark.parametrize(("members", "spaces"), SIZES)
@pytest.mark.parametrize("params", ["?page=2", "?role=member&page=2"])
def test_the_second_page_of_the_directory_runs_the_same_eight_queries(
    seeded, members, spaces, params
):
    client, facts = seeded(members, spaces)
    url = reverse("spaces:directory", args=[facts["network_slug"]]) + params
    response = client.get(url)
    assert 'rel="prev"' in response.content.decode()  # a real second page
    # as on the first page: session, user, space, memberships, filter lists (cached), page
    # with its total, tags, tools
    assert queries(client, url) == 8


@pytest.mark.parametrize(("members", "spaces"), [(3, 2), *SIZES])
def test_a_member_page_runs_eight_queries(seeded, members, spaces):
    client, facts = seeded(members, spaces)
    network = Space.objects.get(slug=facts["network_slug"])
    person = Membership.objects.filter(space=network).exclude(role=Role.OWNER).last()
    url = reverse("spaces:member", args=[network.slug, person.user_id])
    # session, user, space, the viewer's memberships, the member with their user, their
    # skills and interests (one UNION), the other spaces both belong to, the space's tools
    assert queries(client, url) == 8


@pytest.mark.parametrize(("members", "spaces"), [(3, 2), *SIZES])
@pytest.mark.parametrize("params", ["", "?page=2", "?q=Réseau"])
def test_the_home_page_runs_two_queries_for_an_anonymous_visitor(db, members, spaces, params):
    seed_spaces(members=members, spaces=spaces)
    # COUNT of the listed spaces, the page of spaces with their parents
    assert queries(Client(), reverse("home") + params) == 2


@pytest.mark.parametrize(("members", "spaces"), [(3, 2), *SIZES])
@pytest.mark.parametrize("params", ["", "?page=2"])
def test_the_home_page_runs_seven_queries_for_a_logged_in_member(seeded, members, spaces, params):
    client, _facts = seeded(members, spaces)
    # session, user, COUNT of the listed spaces, the person's memberships with their spaces and
    # parents, the pending invitations with their spaces and inviters, whether they may open
    # a space (a verified address), the page of listed spaces with their parents
    assert queries(client, reverse("home") + params) == 7


@pytest.mark.parametrize(("members", "spaces"), [(3, 2), *SIZES])
def test_the_space_page_runs_nine_queries_for_a_member(seeded, members, spaces):
    client, facts = seeded(members, spaces)
    url = reverse("spaces:detail", args=[facts["network_slug"]])
    # session, user, space with its ancestors, the viewer's memberships, the space's enabled
    # tools (menu and tool cards), the visible children, the last ten events with their actors,
    # the COUNT of new things, the newest members (members named in the events and objects of
    # tools cost one query each when there are some: see test_gare_centrale.py)
    assert queries(client, url) == 9


@pytest.mark.parametrize(("members", "spaces"), [(3, 2), *SIZES])
def test_the_space_page_runs_eleven_queries_for_a_facilitator(seeded, members, spaces):
    client, facts = seeded(members, spaces, role=Role.FACILITATOR)
    url = reverse("spaces:detail", args=[facts["network_slug"]])
    # as for a member, plus the COUNT of the pending join requests and of pending invitations
    assert queries(client, url) == 11


# The benchmark's seeder, at a tiny scale ------------------------------------------------------


def test_the_bench_seeder_builds_a_consistent_network_with_full_profiles(db, make_user):
    from allauth.account.models import EmailAddress

    from coopilote.accounts.demo import DEMO_PASSWORD

    camille = make_user("camille.seed@example.org")
    facts = seed_spaces(members=30, spaces=5, joined_by=camille)
    network = Space.objects.get(slug=facts["network_slug"])
    seeded_users = User.objects.filter(email__endswith="@bench.example.org")
    assert seeded_users.count() == 30
    assert facts["network_members"] == network.member_count == 31
    assert facts["spaces"] == 5
    # Every space's counter matches its memberships, and every space has an owner.
    for space in Space.objects.all():
        assert space.member_count == space.memberships.count(), space
        assert space.memberships.filter(role=Role.OWNER).exists(), space
    # One hash for everyone, and it is the demo password's.
    assert seeded_users.values("password").distinct().count() == 1
    assert seeded_users.first().check_password(DEMO_PASSWORD)
    assert EmailAddress.objects.filter(user__in=seeded_users, verified=True).count() == 30
    # Profiles look real: organisations, places, skills and interests.
    assert seeded_users.exclude(organisation="").count() >= 15
    assert seeded_users.exclude(place_name="").count() >= 15
    assert User.skills.through.objects.filter(user__in=seeded_users).count() >= 30
    assert User.interests.through.objects.filter(user__in=seeded_users).count() >= 15
    assert facts["skill_members"] == (
        User.skills.through.objects.filter(tag__slug=facts["skill_slug"]).count()
    )
    # The bench member belongs to the network and some spaces, with invitations waiting.
    assert Membership.objects.filter(user=camille).count() >= 2
    assert Invitation.objects.filter(email=camille.email, status="pending").exists()
    # The pages the bench measures answer.
    client = Client()
    client.force_login(camille)
    directory = client.get(reverse("spaces:directory", args=[network.slug]))
    assert directory.status_code == 200
    assert "member-card" in directory.content.decode()
    skill = client.get(
        reverse("spaces:directory", args=[network.slug]) + f"?skill={facts['skill_slug']}"
    )
    assert skill.status_code == 200
    assert client.get(reverse("home")).status_code == 200
