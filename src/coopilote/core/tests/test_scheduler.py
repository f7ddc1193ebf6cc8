"""Periodic jobs are enqueued once per period, however often the scheduler looks."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from coopilote.core import scheduling
from coopilote.core.models import ScheduledRun
from coopilote.core.scheduling import enqueue_due_jobs

# The worker and streamed files close connections as in production: run on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 10, 12, 0, 30, tzinfo=UTC)


def counts() -> tuple[int, int]:
    return DBTaskResult.objects.count(), ScheduledRun.objects.count()


def test_platform_registers_its_periodic_jobs():
    registered = {job.key: job for job in scheduling.jobs()}

    assert registered["purge-expired-data"].every == scheduling.DAY
    assert registered["purge-expired-data"].task.module_path == (
        "coopilote.core.tasks.purge_expired_data"
    )
    assert registered["deliver-due-mail"].every == scheduling.MINUTE


def test_each_job_is_enqueued_once_per_period():
    all_keys = sorted(job.key for job in scheduling.jobs())

    assert sorted(enqueue_due_jobs(NOW)) == all_keys
    assert counts() == (len(all_keys), len(all_keys))
    for run in ScheduledRun.objects.all():
        task = DBTaskResult.objects.get(id=run.task_result_id)
        job = next(job for job in scheduling.jobs() if job.key == run.job)
        assert task.task_path == job.task.module_path
        assert run.period == job.period_of(NOW)

    # Same moment, and later in the same minute: nothing more.
    assert enqueue_due_jobs(NOW) == []
    assert enqueue_due_jobs(NOW + timedelta(seconds=20)) == []
    assert counts() == (len(all_keys), len(all_keys))

    # Next minute: only the jobs whose period changed.
    next_minute = NOW + timedelta(minutes=1)
    expected = sorted(
        job.key for job in scheduling.jobs() if job.period_of(next_minute) != job.period_of(NOW)
    )
    assert "deliver-due-mail" in expected
    assert "purge-expired-data" not in expected
    assert sorted(enqueue_due_jobs(next_minute)) == expected
    assert enqueue_due_jobs(next_minute) == []

    # Next day: every job again, once.
    assert sorted(enqueue_due_jobs(NOW + timedelta(days=1))) == all_keys
    assert enqueue_due_jobs(NOW + timedelta(days=1)) == []
    total = 2 * len(all_keys) + len(expected)
    assert counts() == (total, total)


def test_run_scheduler_once_enqueues_due_jobs_and_the_worker_runs_them(worker):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("run_scheduler", "--once", stdout=out)
        first = out.getvalue()
        out = io.StringIO()
        call_command("run_scheduler", "--once", stdout=out)
        second = out.getvalue()

    assert "Enqueued purge-expired-data" in first
    assert "Enqueued deliver-due-mail" in first
    assert "Enqueued" not in second
    assert "Periodic job purge-expired-data: every 1 day" in second
    jobs = len(scheduling.jobs())
    assert counts() == (jobs, jobs)

    with time_machine.travel(NOW + timedelta(seconds=5)):
        worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
