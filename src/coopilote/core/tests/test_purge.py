"""The daily housekeeping job deletes exactly what has expired, and nothing on a second run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coopilote.accounts.models import User
from coopilote.core.models import RateCounter
from coopilote.core.tasks import purge_expired_data
from coopilote.mail.models import OutboxMessage
from coopilote.mail.tasks import deliver_due_mail

# The worker and streamed files close connections as in production: run on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LATER = START + timedelta(days=40)


def mail(subject: str) -> OutboxMessage:
    send_mail(subject, "body", None, ["someone@example.org"])
    return OutboxMessage.objects.get(subject=subject)


def task_ids() -> set[str]:
    return {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}


def snapshot() -> dict[str, set]:
    return {
        "sessions": set(Session.objects.values_list("session_key", flat=True)),
        "mail": set(OutboxMessage.objects.values_list("subject", flat=True)),
        "users": set(User.objects.values_list("email", flat=True)),
        "tasks": task_ids(),
    }


def test_purge_deletes_only_expired_data_and_is_idempotent(settings, make_user, worker):
    settings.MAIL_TRANSPORT = "mailbox"
    assert timedelta(days=settings.MAIL_RETENTION_DAYS) < LATER - START
    assert timedelta(days=settings.TASK_RESULT_RETENTION_DAYS) < LATER - START

    with time_machine.travel(START, tick=False):
        old_session = SessionStore()
        old_session.create()
        for subject in ("old sent", "old failed", "old pending"):
            mail(subject)
        worker()  # delivers the three: their task results finish at START
        old_task_results = task_ids()
        assert len(old_task_results) == 3
        OutboxMessage.objects.filter(subject="old failed").update(status="failed", sent_at=None)
        OutboxMessage.objects.filter(subject="old pending").update(status="pending", sent_at=None)
        never_run = deliver_due_mail.using(run_after=START + timedelta(days=400)).enqueue()
        make_user("stale@example.org", verified=False)
        make_user("no-address@example.org").emailaddress_set.all().delete()
        make_user("verified@example.org", verified=True)
        make_user("staff@example.org", verified=False, is_staff=True)
        make_user("logged-in@example.org", verified=False, last_login=START)
        RateCounter.objects.create(key="old window", count=3, expires_at=START + timedelta(hours=1))

    with time_machine.travel(LATER, tick=False):
        now = timezone.now()
        live_session = SessionStore()
        live_session.create()
        expired_today = SessionStore()
        expired_today.create()
        Session.objects.filter(session_key=expired_today.session_key).update(
            expire_date=now - timedelta(seconds=1)
        )
        with time_machine.travel(now - timedelta(days=settings.MAIL_RETENTION_DAYS - 1)):
            mail("sent within retention")
            worker()  # its task result finishes after TASK_RESULT_RETENTION_DAYS: deleted
        old_task_results = task_ids() - {never_run.id}
        assert len(old_task_results) == 4
        with time_machine.travel(now - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS - 1)):
            deliver_due_mail.enqueue()
            worker()
        recent_task_results = task_ids() - (old_task_results | {never_run.id})
        assert len(recent_task_results) == 1
        RateCounter.objects.create(key="this window", count=1, expires_at=now + timedelta(hours=1))
        recent = make_user("recent@example.org", verified=False)
        User.objects.filter(pk=recent.pk).update(
            date_joined=now - timedelta(days=settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS - 1)
        )

        purge = purge_expired_data.enqueue()
        worker()
        result = DBTaskResult.objects.get(id=purge.id)
        assert result.status == "SUCCESSFUL", result.traceback
        assert result.return_value == {
            "sessions": 2,
            "mail": 1,
            "task_results": 4,
            "unverified_accounts": 2,
            "invitations": 0,
            "rate_counters": 1,
        }
        assert list(RateCounter.objects.values_list("key", flat=True)) == ["this window"]
        state = snapshot()
        assert state["sessions"] == {live_session.session_key}
        assert state["mail"] == {"old failed", "old pending", "sent within retention"}
        assert state["users"] == {
            "verified@example.org",
            "staff@example.org",
            "logged-in@example.org",
            "recent@example.org",
        }
        assert not state["tasks"] & old_task_results
        assert recent_task_results | {never_run.id, purge.id} <= state["tasks"]

        # A second run finds nothing more to delete.
        assert purge_expired_data.call() == {
            "sessions": 0,
            "mail": 0,
            "task_results": 0,
            "unverified_accounts": 0,
            "invitations": 0,
            "rate_counters": 0,
        }
        assert snapshot() == state
