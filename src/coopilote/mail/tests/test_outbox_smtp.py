"""The outbox delivers through a real SMTP server on loopback, retrying refusals."""

from __future__ import annotations

import math
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coopilote.mail.delivery import STALE_CLAIM, deliver, deliver_due
from coopilote.mail.models import OutboxMessage
from coopilote.mail.sending import send_to_user
from coopilote.mail.tests.smtp import RefusingHandler

# The worker and streamed files close connections as in production: run on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

SECOND = timedelta(seconds=1)


def queue_mail(subject: str = "Réunion de jeudi") -> OutboxMessage:
    send_mail(subject, "Bonjour,\nà jeudi.", None, ["dominique@example.org"])
    return OutboxMessage.objects.get(subject=subject)


def test_message_refused_twice_reaches_the_server_exactly_once_on_third_attempt(
    smtp_server, worker
):
    server = smtp_server(RefusingHandler(refusals=2))
    message = queue_mail()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 0)
    assert server.refused == 0  # nothing talks to the server while the request runs

    # First attempt: the delivery task queued with the message, run by the real worker.
    worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert "451" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert (server.refused, server.accepted) == (1, [])
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at
    assert retry.args_kwargs["args"] == [message.pk]

    # The worker leaves the retry alone until it is due, then runs it: second refusal.
    worker()
    assert server.refused == 1
    with time_machine.travel(message.next_attempt_at + SECOND):
        worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 2)
    assert (server.refused, server.accepted) == (2, [])

    # Third attempt through the safety net, once the message is due again.
    assert deliver_due(now=message.next_attempt_at - SECOND) == {}
    assert deliver_due(now=message.next_attempt_at + SECOND) == {"sent": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 3)
    assert message.sent_at is not None
    assert len(server.accepted) == 1
    envelope = server.accepted[0]
    assert envelope.rcpt_tos == ["dominique@example.org"]
    received = message_from_bytes(envelope.original_content, policy=policy.default)
    assert received["To"] == "dominique@example.org"
    assert received["Subject"] == "Réunion de jeudi"
    assert received.get_content().split() == ["Bonjour,", "à", "jeudi."]

    # The retry task still queued finds the message sent and does not send it again.
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        worker()
    assert len(server.accepted) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_message_always_refused_fails_after_every_retry_and_is_listed_in_admin(
    settings, smtp_server, make_user, client
):
    server = smtp_server(RefusingHandler(refusals=math.inf))
    message = queue_mail("Never delivered")
    now = timezone.now()
    outcomes = []
    for _ in range(len(settings.MAIL_RETRY_BACKOFF) + 1):
        outcomes.append(deliver(message.pk, now=now))
        message.refresh_from_db()
        now = message.next_attempt_at + SECOND

    assert outcomes == ["retry"] * len(settings.MAIL_RETRY_BACKOFF) + ["failed"]
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == len(settings.MAIL_RETRY_BACKOFF) + 1
    assert "451" in message.last_error
    assert "Try again later" in message.last_error
    assert server.refused == len(settings.MAIL_RETRY_BACKOFF) + 1
    assert server.accepted == []
    # A failed message is not picked up again.
    assert deliver(message.pk, now=now + timedelta(days=30)) == "skipped"
    assert deliver_due(now=now + timedelta(days=30)) == {}
    assert server.refused == len(settings.MAIL_RETRY_BACKOFF) + 1

    OutboxMessage.objects.create(
        subject="Delivered fine", body_text="ok", to=["a@example.org"], status="sent"
    )
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/mail/outboxmessage/?status__exact=failed")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Never delivered" in page
    assert "Delivered fine" not in page


def test_rolled_back_transaction_leaves_no_message_and_no_delivery_task(user):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Rolled back", "body", None, ["dominique@example.org"])
        send_to_user(user=user, kind="tips", template="mail/welcome_tips")
        assert OutboxMessage.objects.count() == 2
        assert DBTaskResult.objects.count() == 2
        raise RuntimeError("the change that caused the mail failed")

    assert OutboxMessage.objects.count() == 0
    assert DBTaskResult.objects.count() == 0

    with transaction.atomic():
        send_mail("Committed", "body", None, ["dominique@example.org"])
    message = OutboxMessage.objects.get()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [message.pk]
    assert task.task_path == "coopilote.mail.tasks.deliver_mail"


def test_delivering_the_same_message_twice_sends_it_once(smtp_server):
    server = smtp_server(RefusingHandler(refusals=0))
    message = queue_mail()
    now = timezone.now()

    assert deliver(message.pk, now=now) == "sent"
    assert deliver(message.pk, now=now) == "skipped"
    assert len(server.accepted) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_message_claimed_by_another_worker_is_not_sent_again(smtp_server):
    server = smtp_server(RefusingHandler(refusals=0))
    message = queue_mail()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", claimed_at=now)

    assert deliver(message.pk, now=now) == "skipped"
    assert deliver_due(now=now + STALE_CLAIM - SECOND) == {}
    assert server.accepted == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING


def test_stale_sending_claim_is_retried_by_deliver_due(smtp_server):
    server = smtp_server(RefusingHandler(refusals=0))
    message = queue_mail()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", claimed_at=now - timedelta(minutes=11)
    )

    assert deliver_due(now=now) == {"sent": 1}
    assert len(server.accepted) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
