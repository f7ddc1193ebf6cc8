import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from coopilote.core import scheduling


class Command(BaseCommand):
    help = "Enqueue periodic jobs once per period (rollups, digests, housekeeping)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=20.0, help="Seconds between two checks (default 20)."
        )
        parser.add_argument("--once", action="store_true", help="Check once, then exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        for job in scheduling.jobs():
            self.stdout.write(f"Periodic job {job.key}: every {job.every}")
        while True:
            close_old_connections()
            for key in scheduling.enqueue_due_jobs(timezone.now()):
                self.stdout.write(f"Enqueued {key}")
            if once:
                return
            time.sleep(interval)
