"""Tasks used by the tests: module-level, so the worker can import them by path."""

from __future__ import annotations

from coopilote.core.models import ScheduledRun
from coopilote.core.tasks import retrying_task

MAX_ATTEMPTS = 3
BACKOFF = (60, 600)


@retrying_task(max_attempts=MAX_ATTEMPTS, backoff=BACKOFF)
def flaky(marker: str, failures: int) -> str:
    """Fail the first ``failures`` runs, then succeed; each run leaves a ScheduledRun row."""
    runs = ScheduledRun.objects.filter(job=marker).count() + 1
    ScheduledRun.objects.create(job=marker, period=runs)
    if runs <= failures:
        raise RuntimeError(f"planned failure of run {runs}")
    return f"succeeded on run {runs}"
