from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min

from coopilote.activity.models import ActivityEvent
from coopilote.activity.rollups import local_today, local_zone, roll_up
from coopilote.core.progress import Progress


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (expected YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Recompute the daily activity rollups for a range of days (default: from the first "
        "event to yesterday). Safe to run at any time: each chunk of days is replaced at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=parse_day, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", type=parse_day, help="last day, YYYY-MM-DD")

    def handle(self, *args, first=None, last=None, **options):
        if first is None or last is None:
            bounds = ActivityEvent.objects.aggregate(
                first=Min("created_at"), last=Max("created_at")
            )
            if bounds["first"] is None:
                self.stdout.write("No activity recorded yet: nothing to roll up.")
                return
            first = first or bounds["first"].astimezone(local_zone()).date()
            last = last or min(
                bounds["last"].astimezone(local_zone()).date(), local_today() - timedelta(days=1)
            )
        if last < first:
            raise CommandError("The last day comes before the first one.")
        progress = Progress((last - first).days + 1, "Rolling up days", stream=self.stderr._out)
        counted = roll_up(first, last, lambda days, day: progress.advance(days, str(day)))
        elapsed = progress.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rolled up {(last - first).days + 1} days ({first} to {last}): "
                f"{counted} events in {elapsed:.1f} s."
            )
        )
