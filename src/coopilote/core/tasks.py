"""Background work shared by the platform, and the retry helper every task uses."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
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


@retrying_task()
def purge_expired_data() -> dict[str, int]:
    """Daily housekeeping: expired sessions, old sent mail, old task results, stale sign-ups."""
    from django_tasks_db.models import DBTaskResult

    from coopilote.accounts.models import User
    from coopilote.mail.models import OutboxMessage

    now = timezone.now()
    counts = {}
    counts["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    mail_cutoff = now - timedelta(days=settings.MAIL_RETENTION_DAYS)
    counts["mail"] = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=mail_cutoff
    ).delete()[0]
    task_cutoff = now - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    counts["task_results"] = (
        DBTaskResult.objects.finished().filter(finished_at__lt=task_cutoff).delete()[0]
    )
    signup_cutoff = now - timedelta(days=settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS)
    stale = User.objects.filter(
        date_joined__lt=signup_cutoff,
        last_login__isnull=True,
        is_staff=False,
        deleted_at__isnull=True,
    ).exclude(emailaddress__verified=True)
    # Count people, not the rows (addresses, sessions...) deleted along with them.
    counts["unverified_accounts"] = stale.delete()[1].get(User._meta.label, 0)
    logger.info("Purged expired data: %s", counts)
    return counts
