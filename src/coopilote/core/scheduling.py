"""A small scheduler: periodic jobs enqueued once per period, without cron.

Each job has a key, a task and a period. The period number is the count of whole periods since
the Unix epoch; a ``ScheduledRun`` row with a unique (job, period) pair is written in the same
transaction as the task row of the database backend, so two schedulers racing, or one restarted,
never enqueue a job twice for the same period.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.tasks import Task

logger = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class PeriodicJob:
    key: str
    task: Task
    every: timedelta

    def period_of(self, moment: datetime) -> int:
        return int(moment.timestamp() // self.every.total_seconds())


_jobs: dict[str, PeriodicJob] = {}


def register(key: str, task: Task, *, every: timedelta) -> None:
    if every < MINUTE:
        raise ValueError("A periodic job runs at most once a minute.")
    existing = _jobs.get(key)
    if existing is not None and existing.task.module_path != task.module_path:
        raise ValueError(f"Periodic job {key!r} is already registered for another task.")
    _jobs[key] = PeriodicJob(key=key, task=task, every=every)


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.key)


def enqueue_due_jobs(now: datetime) -> list[str]:
    """Enqueue every job not yet enqueued for the period containing ``now``; return their keys."""
    from coopilote.core.models import ScheduledRun

    enqueued = []
    for job in jobs():
        period = job.period_of(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.key, period=period)
                result = job.task.enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue
        logger.info("Enqueued periodic job %s for period %s", job.key, period)
        enqueued.append(job.key)
    return enqueued
