from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed


def send_welcome_tips(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    from coopilote.mail.models import OutboxMessage
    from coopilote.mail.sending import send_to_user

    user = email_address.user
    if OutboxMessage.objects.filter(recipient_user=user, kind="tips").exists():
        return
    send_to_user(user=user, kind="tips", template="mail/welcome_tips")


def connect() -> None:
    email_confirmed.connect(send_welcome_tips, dispatch_uid="coopilote-welcome-tips")
