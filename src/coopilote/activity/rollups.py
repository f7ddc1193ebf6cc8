"""Daily rollups: member × day × tool × participation class, the table analytics read.

Days are local days (settings.TIME_ZONE): a facilitator's "Tuesday" is Tuesday in Tours, not in
UTC. Rolling up a range deletes its rows and sums the events again, in one transaction per chunk,
so it is idempotent and may be re-run after late events or a crash.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from coopilote.activity.models import ActivityEvent, DailyActivity, RolledDay
from coopilote.core.tasks import retrying_task

logger = logging.getLogger(__name__)

CHUNK_DAYS = 31
# On first start, or after a long stop, the automatic job catches up at most this far back;
# older days are the rebuild command's job.
CATCH_UP_DAYS = 62


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE or "UTC")


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def local_today() -> date:
    return timezone.localtime(timezone.now(), local_zone()).date()


def roll_up(first: date, last: date, progress: Callable[[int, date], None] | None = None) -> int:
    """Recompute the rollups of ``first``..``last`` inclusive; returns the events counted."""
    total = 0
    chunk_start = first
    while chunk_start <= last:
        chunk_end = min(chunk_start + timedelta(days=CHUNK_DAYS - 1), last)
        counted = _roll_up_chunk(chunk_start, chunk_end)
        total += counted
        if progress is not None:
            progress((chunk_end - chunk_start).days + 1, chunk_end)
        chunk_start = chunk_end + timedelta(days=1)
    return total


def _roll_up_chunk(first: date, last: date) -> int:
    start, end = day_start(first), day_start(last + timedelta(days=1))
    sums = (
        ActivityEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=local_zone()))
        .values("day", "space_id", "actor_id", "tool_key", "participation")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [
        DailyActivity(
            space_id=row["space_id"],
            user_id=row["actor_id"],
            day=row["day"],
            tool_key=row["tool_key"],
            participation=row["participation"],
            count=row["n"],
        )
        for row in sums.iterator(chunk_size=5000)
    ]
    per_day: dict[date, int] = {}
    for row in rows:
        per_day[row.day] = per_day.get(row.day, 0) + row.count
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    now = timezone.now()
    with transaction.atomic():
        DailyActivity.objects.filter(day__gte=first, day__lte=last).delete()
        DailyActivity.objects.bulk_create(rows, batch_size=2000)
        RolledDay.objects.filter(day__gte=first, day__lte=last).delete()
        RolledDay.objects.bulk_create(
            [RolledDay(day=day, events=per_day.get(day, 0), rolled_at=now) for day in days]
        )
    return sum(per_day.values())


def days_to_roll_up(today: date) -> tuple[date, date] | None:
    """The days before today that no rollup covers yet (bounded by CATCH_UP_DAYS)."""
    yesterday = today - timedelta(days=1)
    last_rolled = RolledDay.objects.aggregate(last=Max("day"))["last"]
    if last_rolled is not None:
        first = last_rolled + timedelta(days=1)
    else:
        oldest = ActivityEvent.objects.aggregate(first=Min("created_at"))["first"]
        if oldest is None:
            return None
        first = timezone.localtime(oldest, local_zone()).date()
    first = max(first, today - timedelta(days=CATCH_UP_DAYS))
    return (first, yesterday) if first <= yesterday else None


@retrying_task()
def roll_up_past_days() -> int:
    """Scheduled every hour: cheap when yesterday is already done."""
    pending = days_to_roll_up(local_today())
    if pending is None:
        return 0
    counted = roll_up(*pending)
    logger.info("Rolled up %s..%s: %s events", pending[0], pending[1], counted)
    return counted
