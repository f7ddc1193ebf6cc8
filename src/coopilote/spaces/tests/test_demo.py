"""The demo network `make run` loads: realistic, consistent with the rules, loaded once."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.test import Client
from django.urls import reverse

from coopilote.accounts.demo import DEMO_PASSWORD
from coopilote.accounts.models import User
from coopilote.activity.models import ActivityEvent, DailyActivity, RolledDay, ViewCount
from coopilote.activity.recording import declared_participation
from coopilote.activity.rollups import local_today, local_zone
from coopilote.spaces.demo import CAMILLE, LUCAS, NETWORK_SLUG
from coopilote.spaces.models import JoinRequest, Membership, Space, SpaceTool
from coopilote.spaces.policies import Role
from coopilote.tools.external.models import ExternalTool

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    load_demo()
    return Space.objects.get(slug=NETWORK_SLUG)


def snapshot() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "spaces": Space.objects.count(),
        "memberships": Membership.objects.count(),
        "events": ActivityEvent.objects.count(),
        "rollups": DailyActivity.objects.count(),
        "view_counts": ViewCount.objects.count(),
        "cards": ExternalTool.objects.count(),
        "join_requests": JoinRequest.objects.count(),
    }


def test_loading_the_demo_twice_changes_nothing_the_second_time():
    first = load_demo()
    assert "30 members" in first
    before = snapshot()
    second = load_demo()
    assert "already there" in second
    assert snapshot() == before


def test_the_network_has_about_thirty_members_with_every_role(demo):
    roles = Counter(demo.memberships.values_list("role", flat=True))
    assert demo.member_count == sum(roles.values()) == 30
    assert roles[Role.OWNER] == 1
    assert 2 <= roles[Role.FACILITATOR] <= 3
    assert roles[Role.OBSERVER] >= 4
    assert roles[Role.MEMBER] >= 15
    owner = demo.memberships.get(role=Role.OWNER).user
    assert owner.email == CAMILLE
    assert demo.memberships.get(user__email=LUCAS).role == Role.MEMBER
    # People of many organisations, with places, skills and interests.
    people = User.objects.filter(memberships__space=demo)
    assert people.values("organisation").distinct().count() >= 25
    assert not people.filter(place_name="").exists()
    assert not people.filter(skills=None).exists()
    assert not people.filter(interests=None).exists()
    for kind in ("Association", "Commune", "Syndicat", "Université", "GAEC"):
        assert people.filter(organisation__contains=kind).exists(), kind
    # Everyone can log in with the demo password.
    assert all(person.check_password(DEMO_PASSWORD) for person in people)


def test_two_working_groups_and_a_public_consultation_hang_from_the_network(demo):
    children = {child.kind + ":" + child.visibility for child in demo.children.all()}
    assert children == {"working_group:members", "working_group:public", "consultation:public"}
    for child in demo.children.all():
        assert child.member_count == child.memberships.count() >= 5
        assert child.memberships.filter(role=Role.FACILITATOR).exists(), child
        # Members of a group are members of the network.
        outside = child.memberships.exclude(user__memberships__space=demo)
        assert not outside.exists(), child
    assert JoinRequest.objects.filter(space__parent=demo, status="pending").count() == 1


def test_external_tools_cards_carry_agreements_and_a_member_to_ask(demo):
    tool = SpaceTool.objects.get(space=demo, tool_key="external")
    assert tool.enabled
    cards = ExternalTool.objects.filter(space__in=[demo, *demo.children.all()])
    assert cards.count() >= 4
    for card in cards:
        assert card.url.startswith("https://")
        assert card.agreed_uses.startswith("On l'utilise pour"), card
        assert card.avoid.startswith("On évite"), card
        assert card.help_contact.space_id == card.space_id, card
        assert SpaceTool.objects.filter(space=card.space, tool_key="external").exists()
    added = ActivityEvent.objects.filter(kind="external.tool.added")
    assert set(added.values_list("target_id", flat=True)) == set(cards.values_list("pk", flat=True))


def test_the_gare_centrale_blocks_are_written(demo):
    assert demo.welcome and demo.welcome_html
    assert "<strong>qui sait quoi</strong>" in demo.start_here_html
    assert demo.message and demo.message_at is not None
    assert ActivityEvent.objects.filter(space=demo, kind="spaces.message.posted").exists()


def test_every_event_is_of_a_declared_kind_with_its_declared_class(demo):
    kinds = ActivityEvent.objects.values_list("kind", "participation").distinct()
    assert len(kinds) >= 10
    for kind, participation in kinds:
        assert declared_participation(kind) == participation, kind
        assert kind.split(".")[0] in {"spaces", "external", "wiki", "library"}


def test_six_months_of_history_shaped_like_a_real_network(demo):
    spaces = [demo, *demo.children.all()]
    events = ActivityEvent.objects.filter(space__in=spaces)
    bounds = events.aggregate(first=Min("created_at"), last=Max("created_at"))
    today = local_today()
    assert (today - bounds["first"].astimezone(local_zone()).date()).days >= 175
    # Every month has activity.
    months = {when.strftime("%Y-%m") for when in events.values_list("created_at", flat=True)}
    assert len(months) >= 6
    # Reading by name only where the space measures it, never for those who opted out.
    views = events.filter(participation="view")
    assert views.exists()
    assert not views.exclude(space__reading_measurement=True).exists()
    opted_out = Membership.objects.filter(reading_opt_out=True)
    assert opted_out.exists()
    for membership in opted_out:
        assert not views.filter(space=membership.space, actor=membership.user).exists()
    # A few proactive members read much more than observers.
    per_person = Counter(views.filter(space=demo).values_list("actor_id", flat=True))
    top = [count for _actor, count in per_person.most_common(4)]
    observers = demo.memberships.filter(role=Role.OBSERVER, reading_opt_out=False)
    observed = [per_person[m.user_id] for m in observers]
    assert min(top) > 3 * max(observed)
    # Newcomers joined in the last three weeks; some joined early and went quiet.
    recent = demo.memberships.filter(joined_at__gte=bounds["last"] - timedelta(days=21))
    assert recent.count() >= 3
    quiet = [
        m
        for m in demo.memberships.filter(joined_at__lte=bounds["last"] - timedelta(days=110))
        if per_person[m.user_id]
        and not views.filter(actor=m.user, created_at__gte=bounds["last"] - timedelta(days=60))
    ]
    assert len(quiet) >= 2
    # Someone left: their past is still in the log.
    assert events.filter(kind="spaces.member.left").exists()
    # Where reading is not measured, views are anonymous daily counts.
    assert ViewCount.objects.filter(space__in=spaces).aggregate(n=Sum("count"))["n"] > 0


def test_the_rollups_match_the_log_up_to_yesterday(demo):
    yesterday = local_today() - timedelta(days=1)
    assert RolledDay.objects.aggregate(last=Max("day"))["last"] == yesterday
    logged = {
        (row["day"], row["space_id"], row["actor_id"], row["tool_key"], row["participation"]): row[
            "n"
        ]
        for row in ActivityEvent.objects.annotate(day=TruncDate("created_at", tzinfo=local_zone()))
        .filter(day__lte=yesterday)
        .values("day", "space_id", "actor_id", "tool_key", "participation")
        .annotate(n=Count("id"))
    }
    rolled = {
        (row.day, row.space_id, row.user_id, row.tool_key, row.participation): row.count
        for row in DailyActivity.objects.all()
    }
    assert rolled == logged
    assert len(rolled) > 100


def test_a_facilitator_and_a_member_find_their_way_in(demo):
    camille, lucas = User.objects.get(email=CAMILLE), User.objects.get(email=LUCAS)
    wetlands = demo.children.get(visibility="members")
    for person in (camille, lucas):
        client = Client()
        client.force_login(person)
        assert client.get(reverse("spaces:detail", args=[demo.slug])).status_code == 200
        assert client.get(reverse("external:index", args=[demo.slug])).status_code == 200
        assert client.get(reverse("spaces:detail", args=[wetlands.slug])).status_code == 200
    facilitator = Client()
    facilitator.force_login(camille)
    assert facilitator.get(reverse("spaces:tools", args=[demo.slug])).status_code == 200
    member = Client()
    member.force_login(lucas)
    assert member.get(reverse("spaces:tools", args=[demo.slug])).status_code == 403
