"""Run the real django-tasks-db worker from a test."""

from __future__ import annotations

import io
import signal

from django.core.management import call_command

_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_worker() -> str:
    """Run ``db_worker --batch`` until no task is ready, then return what it printed.

    The worker installs its own signal handlers; they are put back afterwards so that Ctrl+C
    still stops the test run.
    """
    saved = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    out = io.StringIO()
    try:
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "*",
            "--no-startup-delay",
            "--no-reload",
            stdout=out,
            stderr=out,
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return out.getvalue()
