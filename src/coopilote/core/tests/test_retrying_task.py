"""A retrying task is enqueued again, later, when it raises, until max_attempts."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coopilote.core.models import ScheduledRun
from coopilote.core.tests.tasks_for_tests import BACKOFF, MAX_ATTEMPTS, flaky

# The worker and streamed files close connections as in production: run on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

SECOND = timedelta(seconds=1)


def test_failed_first_attempt_is_enqueued_again_later_and_succeeds(worker):
    first = flaky.enqueue("once", failures=1)

    before = timezone.now()
    worker()
    after = timezone.now()

    assert DBTaskResult.objects.get(id=first.id).status == "FAILED"
    retry = DBTaskResult.objects.exclude(id=first.id).get()
    assert retry.status == "READY"
    assert retry.task_path == "coopilote.core.tests.tasks_for_tests.flaky"
    assert retry.args_kwargs == {"args": ["once"], "kwargs": {"failures": 1, "attempt": 2}}
    delay = timedelta(seconds=BACKOFF[0])
    assert before + delay <= retry.run_after <= after + delay

    # Not due yet: the worker leaves it alone.
    worker()
    retry.refresh_from_db()
    assert retry.status == "READY"
    assert ScheduledRun.objects.filter(job="once").count() == 1

    with time_machine.travel(retry.run_after + SECOND):
        worker()
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert retry.return_value == "succeeded on run 2"
    assert DBTaskResult.objects.count() == 2  # nothing enqueued after the success


def test_task_stops_being_enqueued_again_after_max_attempts(worker):
    flaky.enqueue("always", failures=100)

    worker()
    for _ in range(MAX_ATTEMPTS + 2):
        pending = DBTaskResult.objects.filter(status="READY").first()
        if pending is None:
            break
        with time_machine.travel(pending.run_after + SECOND):
            worker()

    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert len(results) == MAX_ATTEMPTS
    assert all(result.status == "FAILED" for result in results)
    attempts = [result.args_kwargs["kwargs"].get("attempt", 1) for result in results]
    assert attempts == list(range(1, MAX_ATTEMPTS + 1))
    assert ScheduledRun.objects.filter(job="always").count() == MAX_ATTEMPTS
    # The second retry waited longer than the first.
    gaps = [
        (later.run_after - earlier.finished_at).total_seconds()
        for earlier, later in pairwise(results)
    ]
    assert [round(gap) for gap in gaps] == [BACKOFF[0], BACKOFF[1]]


def test_task_succeeding_first_time_is_not_enqueued_again(worker):
    result = flaky.enqueue("fine", failures=0)

    worker()

    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.count() == 1
