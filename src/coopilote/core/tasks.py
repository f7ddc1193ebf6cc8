"""Background work shared by the platform, and the retry helper every task uses."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFAULT_BACKOFF = (30, 120, 600, 3600)


def retrying_task(
    *, max_attempts: int = 4, backoff: tuple[int, ...] = DEFAULT_BACKOFF, **task_options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """Declare a task that is enqueued again, later, when it raises.

    The attempt number travels in the ``attempt`` keyword, so a retried task stays a plain
    function of ids. Tasks must be idempotent: a retry may follow a partial first run.
    """

    def decorator(func: Callable[..., Any]) -> Any:
        @functools.wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt >= max_attempts:
                    logger.exception("Task %s failed for good after %s attempts", func, attempt)
                    raise
                delay = backoff[min(attempt - 1, len(backoff) - 1)]
                later = timezone.now() + timedelta(seconds=delay)
                wrapped.using(run_after=later).enqueue(*args, attempt=attempt + 1, **kwargs)
                logger.warning("Task %s failed (attempt %s), retrying in %ss", func, attempt, delay)
                raise

        wrapped = task(**task_options)(run)
        return wrapped

    return decorator


Purger = Callable[[datetime], int]
_purgers: dict[str, Purger] = {}


def register_purger(key: str, purger: Purger) -> None:
    """Let an app declare what it deletes in the daily housekeeping (the kernel imports no app).

    A purger receives the current time and returns how many rows it removed; it must be
    idempotent, since a retry may follow a partial run.
    """
    _purgers[key] = purger


def purge_expired_sessions(now: datetime) -> int:
    return Session.objects.filter(expire_date__lt=now).delete()[0]


def purge_old_task_results(now: datetime) -> int:
    from django_tasks_db.models import DBTaskResult

    cutoff = now - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0]


@retrying_task()
def purge_expired_data() -> dict[str, int]:
    """Daily housekeeping: every registered purger runs once, with the same notion of "now"."""
    now = timezone.now()
    counts = {key: purger(now) for key, purger in _purgers.items()}
    logger.info("Purged expired data: %s", counts)
    return counts
