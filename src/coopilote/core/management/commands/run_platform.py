import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from coopilote.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Start the web server, the task worker and the scheduler together; Ctrl+C stops all."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, host: str, port: int, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = {
            "web": [*manage, "runserver", "--noreload", f"{host}:{port}"],
            "worker": [*manage, "db_worker", "--queue-name", "*", "--no-reload", "--interval", "1"],
            "scheduler": [*manage, "run_scheduler"],
        }
        # Fixed argument lists built from this interpreter and manage.py, never a shell string.
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        local = host in {"127.0.0.1", "0.0.0.0"}  # noqa: S104 (a comparison, not a bind)
        address = f"http://{'localhost' if local else host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nCoopilote is running at {address}"))
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:40} {account.description}")
        self.stdout.write(f"Mail sent by the platform: {address}mail/mailbox/ (staff only)")
        self.stdout.write("Press Ctrl+C to stop.\n")
        try:
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"The {name} process stopped; stopping the others.")
                        return
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
