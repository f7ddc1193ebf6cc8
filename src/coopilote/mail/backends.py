"""Django email backends: the outbox that every message enters, and the local mailbox transport."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

KIND_HEADER = "X-Coopilote-Kind"


class OutboxBackend(BaseEmailBackend):
    """Store each message in the outbox and enqueue its delivery in the same transaction.

    Nothing talks to a mail server during a request: if the request's transaction rolls back,
    the message and its delivery task vanish with it; if it commits, the worker delivers it.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from coopilote.accounts.models import User
        from coopilote.mail.models import OutboxMessage
        from coopilote.mail.tasks import deliver_mail

        count = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            headers = {str(k): str(v) for k, v in (message.extra_headers or {}).items()}
            kind = headers.get(KIND_HEADER, "account")
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                for alternative in message.alternatives:
                    content, mimetype = alternative[0], alternative[1]
                    if mimetype == "text/html":
                        html = str(content)
            recipient_user = (
                User.objects.filter(email__iexact=message.to[0]).first() if message.to else None
            )
            with transaction.atomic():
                row = OutboxMessage.objects.create(
                    kind=kind,
                    recipient_user=recipient_user,
                    from_email=str(message.from_email),
                    to=list(message.to),
                    cc=list(message.cc),
                    bcc=list(message.bcc),
                    reply_to=list(message.reply_to),
                    subject=str(message.subject)[:500],
                    body_text=str(message.body),
                    body_html=html,
                    headers=headers,
                )
                deliver_mail.enqueue(row.pk)
            count += 1
        return count


class MailboxTransport(BaseEmailBackend):
    """The embedded default's transport: delivery means "kept in the outbox, readable by staff"."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        return len(email_messages)
