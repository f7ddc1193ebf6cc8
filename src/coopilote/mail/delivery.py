"""Delivering outbox messages: claim, send through the configured transport, record the result."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from coopilote.mail.models import OutboxMessage

logger = logging.getLogger(__name__)

# A message claimed this long ago and still "sending" belonged to a worker that died.
STALE_CLAIM = timedelta(minutes=10)


def transport_connection():  # type: ignore[no-untyped-def]
    if settings.MAIL_TRANSPORT == "smtp":
        return get_connection("django.core.mail.backends.smtp.EmailBackend", fail_silently=False)
    return get_connection("coopilote.mail.backends.MailboxTransport", fail_silently=False)


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=message.reply_to,
        headers=message.headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def next_attempt_delay(attempts: int) -> int | None:
    """Seconds to wait after ``attempts`` failures, or None when the message should fail."""
    backoff = settings.MAIL_RETRY_BACKOFF
    if attempts > len(backoff):
        return None
    return backoff[attempts - 1]


def deliver(message_id: int, *, now: datetime | None = None) -> str:
    """Send one due message at most once; return what happened (sent, retry, failed, skipped).

    The claim is a conditional UPDATE, so two workers given the same id cannot both send it.
    """
    now = now or timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).update(status=OutboxMessage.Status.SENDING, claimed_at=now)
    if not claimed:
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    message.attempts += 1
    try:
        with transport_connection() as connection:
            connection.send_messages([build_email(message)])
    except Exception as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        delay = next_attempt_delay(message.attempts)
        if delay is None:
            message.status = OutboxMessage.Status.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            logger.error("Mail %s failed for good: %s", message_id, message.last_error)
            return "failed"
        message.status = OutboxMessage.Status.PENDING
        message.next_attempt_at = now + timedelta(seconds=delay)
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning("Mail %s not sent (%s); retrying in %ss", message_id, exc, delay)
        return "retry"
    message.status = OutboxMessage.Status.SENT
    message.sent_at = now
    message.save(update_fields=["attempts", "status", "sent_at"])
    return "sent"


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send every due message (up to ``limit``) and release claims of dead workers."""
    now = now or timezone.now()
    OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutboxMessage.Status.PENDING, next_attempt_at=now)
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    outcomes: dict[str, int] = {}
    for pk in due:
        outcome = deliver(pk, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def purge_sent_mail(now: datetime) -> int:
    """Sent messages are kept MAIL_RETENTION_DAYS, then erased; pending and failed ones stay."""
    cutoff = now - timedelta(days=settings.MAIL_RETENTION_DAYS)
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=cutoff
    ).delete()[0]
