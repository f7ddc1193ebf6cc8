"""Daily rollups sum the event log exactly, per local day, and can be rebuilt at any time."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Sum

from coopilote.activity.models import ActivityEvent, DailyActivity, Participation, RolledDay
from coopilote.activity.rollups import days_to_roll_up, roll_up, roll_up_past_days

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def event(space, actor, when: datetime, kind="wiki.page.edited", participation="reaction"):
    return ActivityEvent.objects.create(
        space=space,
        actor=actor,
        tool_key=kind.split(".")[0],
        kind=kind,
        participation=participation,
        created_at=when,
    )


@pytest.fixture
def space_and_people(make_user):
    from coopilote.spaces.models import Space

    space = Space.objects.create(name="Réseau", slug="reseau")
    return space, make_user("a@example.org"), make_user("b@example.org")


def counts():
    return {
        (row.day, row.user_id, row.tool_key, row.participation): row.count
        for row in DailyActivity.objects.all()
    }


def test_events_are_summed_per_member_local_day_tool_and_class(space_and_people, settings):
    settings.TIME_ZONE = "Europe/Paris"
    space, a, b = space_and_people
    # 23:30 in Paris on 3 March is 22:30 UTC: it belongs to the 3rd, not the 4th.
    event(space, a, datetime(2026, 3, 3, 23, 30, tzinfo=PARIS))
    event(space, a, datetime(2026, 3, 3, 9, 0, tzinfo=PARIS))
    event(space, a, datetime(2026, 3, 3, 9, 5, tzinfo=PARIS), "wiki.page.created", "initiative")
    event(space, b, datetime(2026, 3, 4, 0, 30, tzinfo=PARIS))
    event(space, None, datetime(2026, 3, 4, 8, 0, tzinfo=PARIS))

    assert roll_up(date(2026, 3, 1), date(2026, 3, 5)) == 5
    assert counts() == {
        (date(2026, 3, 3), a.pk, "wiki", "reaction"): 2,
        (date(2026, 3, 3), a.pk, "wiki", "initiative"): 1,
        (date(2026, 3, 4), b.pk, "wiki", "reaction"): 1,
        (date(2026, 3, 4), None, "wiki", "reaction"): 1,
    }
    assert dict(RolledDay.objects.values_list("day", "events")) == {
        date(2026, 3, 1): 0,
        date(2026, 3, 2): 0,
        date(2026, 3, 3): 3,
        date(2026, 3, 4): 2,
        date(2026, 3, 5): 0,
    }


def test_rolling_up_again_gives_the_same_rows_and_picks_up_late_events(space_and_people):
    space, a, _b = space_and_people
    event(space, a, datetime(2026, 3, 3, 12, 0, tzinfo=PARIS))
    roll_up(date(2026, 3, 3), date(2026, 3, 3))
    first = counts()
    roll_up(date(2026, 3, 3), date(2026, 3, 3))
    assert counts() == first
    event(space, a, datetime(2026, 3, 3, 13, 0, tzinfo=PARIS))
    roll_up(date(2026, 3, 3), date(2026, 3, 3))
    assert DailyActivity.objects.get().count == 2


def test_ranges_longer_than_a_chunk_match_the_log(space_and_people):
    space, a, b = space_and_people
    start = datetime(2025, 11, 20, 10, 0, tzinfo=PARIS)
    for n in range(100):
        event(space, a if n % 3 else b, start + timedelta(hours=n * 17))
    roll_up(date(2025, 11, 1), date(2026, 2, 28))
    assert DailyActivity.objects.aggregate(total=Sum("count"))["total"] == 100
    assert RolledDay.objects.count() == (date(2026, 2, 28) - date(2025, 11, 1)).days + 1


def test_the_hourly_job_rolls_up_missing_past_days_only(space_and_people, time_machine):
    space, a, _b = space_and_people
    time_machine.move_to(datetime(2026, 3, 10, 15, 0, tzinfo=PARIS), tick=False)
    event(space, a, datetime(2026, 3, 8, 12, 0, tzinfo=PARIS))
    event(space, a, datetime(2026, 3, 10, 9, 0, tzinfo=PARIS))  # today: read live, not rolled
    assert days_to_roll_up(date(2026, 3, 10)) == (date(2026, 3, 8), date(2026, 3, 9))
    assert roll_up_past_days.call() == 1
    assert days_to_roll_up(date(2026, 3, 10)) is None
    assert roll_up_past_days.call() == 0
    assert not RolledDay.objects.filter(day=date(2026, 3, 10)).exists()


def test_deleting_an_account_keeps_its_counts_without_the_person(space_and_people):
    space, a, _b = space_and_people
    event(space, a, datetime(2026, 3, 3, 12, 0, tzinfo=PARIS))
    roll_up(date(2026, 3, 3), date(2026, 3, 3))
    a.delete()
    row = DailyActivity.objects.get()
    assert (row.user_id, row.count) == (None, 1)


def test_rebuild_command_reports_progress_and_totals(space_and_people):
    space, a, _b = space_and_people
    event(space, a, datetime(2026, 1, 5, 12, 0, tzinfo=PARIS), participation=Participation.VIEW)
    event(space, a, datetime(2026, 1, 20, 12, 0, tzinfo=PARIS))
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_activity_rollups", "--from", "2026-01-01", "--to", "2026-01-31",
                 stdout=out, stderr=err)  # fmt: skip
    assert "Rolled up 31 days (2026-01-01 to 2026-01-31): 2 events" in out.getvalue()
    assert "100% (31/31)" in err.getvalue()
    assert DailyActivity.objects.aggregate(total=Sum("count"))["total"] == 2


def test_rebuild_command_refuses_bad_dates(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("rebuild_activity_rollups", "--from", "2026-13-01", "--to", "2026-01-31")
    with pytest.raises(CommandError, match="comes before"):
        call_command("rebuild_activity_rollups", "--from", "2026-02-01", "--to", "2026-01-31")
