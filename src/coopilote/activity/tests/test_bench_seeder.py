"""The benchmark's activity seeder (``bench/django_side.py``) at a tiny scale: it keeps working,
its log is realistic and declared, and the rollups rebuilt from it match it."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from bench.django_side import measure_rollups, seed_activity, seed_spaces
from django.db.models import Count, Max, Min, Sum
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coopilote.activity.models import ActivityEvent, DailyActivity, RolledDay
from coopilote.activity.recording import declared_participation
from coopilote.activity.rollups import local_today, local_zone
from coopilote.spaces.models import Membership, Space

EVENTS = 3000


@pytest.fixture
def seeded(db, make_user):
    viewer = make_user("lecteur.activite@example.org", display_name="Lecteur")
    spaces = seed_spaces(members=40, spaces=5, joined_by=viewer)
    facts = seed_activity(network_slug=spaces["network_slug"], events=EVENTS)
    return viewer, spaces, facts


def test_the_seeder_writes_exactly_the_events_asked_for_over_two_years(seeded):
    _viewer, _spaces, facts = seeded
    assert facts["activity_events"] == ActivityEvent.objects.count() == EVENTS
    bounds = ActivityEvent.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert bounds["last"] <= timezone.now()
    first_day = bounds["first"].astimezone(local_zone()).date()
    assert first_day >= local_today() - timedelta(days=731)
    # Activity in (almost) every month of the last twenty, not all of it on a few days.
    months = {
        when.strftime("%Y-%m")
        for when in ActivityEvent.objects.values_list("created_at", flat=True)
    }
    assert len(months) >= 20


def test_every_event_is_of_a_declared_kind_with_its_declared_class(seeded):
    for kind, participation in ActivityEvent.objects.values_list(
        "kind", "participation"
    ).distinct():
        assert declared_participation(kind) == participation, kind


def test_the_log_is_shaped_like_a_real_network(seeded):
    per_actor = Counter(ActivityEvent.objects.values_list("actor_id", flat=True))
    people = Membership.objects.values("user").distinct().count()
    ranked = [count for _actor, count in per_actor.most_common()]
    # A few people do most of it; many never act beyond joining.
    top = ranked[: max(1, people // 10)]
    assert sum(top) > 0.4 * EVENTS
    quiet = people - sum(1 for count in ranked if count > 3)
    assert quiet >= people // 4
    # Weekdays are busier than weekends, working hours than nights.
    local = [
        when.astimezone(local_zone())
        for when in ActivityEvent.objects.values_list("created_at", flat=True)
    ]
    weekdays = sum(1 for when in local if when.weekday() < 5)
    assert weekdays > 0.8 * len(local)
    assert sum(1 for when in local if 8 <= when.hour < 20) > 0.8 * len(local)
    # Everyone's joining is there, and reading is by name only where the space measures it.
    joined = ActivityEvent.objects.filter(kind="spaces.member.joined")
    # (seed_spaces has everyone join within the last two years)
    assert joined.count() == Membership.objects.filter(space__status="open").count()
    views = ActivityEvent.objects.filter(participation="view")
    assert views.count() > EVENTS / 2
    assert not views.exclude(space__reading_measurement=True).exists()
    # Most of it happens in the network, some in the other spaces.
    network_share = ActivityEvent.objects.filter(space__slug__startswith="reseau").count()
    assert 0.6 * EVENTS < network_share < EVENTS


def test_the_rebuilt_rollups_sum_the_log_up_to_yesterday(seeded):
    result = measure_rollups()
    yesterday = local_today() - timedelta(days=1)
    assert RolledDay.objects.aggregate(last=Max("day"))["last"] == yesterday
    before_today = ActivityEvent.objects.filter(
        created_at__lt=timezone.localtime(timezone.now(), local_zone()).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    ).count()
    assert DailyActivity.objects.aggregate(total=Sum("count"))["total"] == before_today
    assert result["rebuild_days"] == RolledDay.objects.count()
    assert result["day_events"] == (
        DailyActivity.objects.filter(day=result["day"]).aggregate(n=Sum("count"))["n"] or 0
    )
    assert result["rollup_rows"] == DailyActivity.objects.aggregate(n=Count("id"))["n"]


def test_the_pages_the_bench_measures_answer_for_the_member(seeded):
    viewer, spaces, _facts = seeded
    client = Client()
    client.force_login(viewer)
    network = Space.objects.get(slug=spaces["network_slug"])
    page = client.get(reverse("spaces:detail", args=[network.slug]))
    assert page.status_code == 200
    assert network.name in page.content.decode()
    try:
        feed = reverse("spaces:activity", args=[network.slug])
    except NoReverseMatch:  # the feed comes with the gare centrale
        return
    assert client.get(feed).status_code == 200
