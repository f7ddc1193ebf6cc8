from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from coopilote.accounts.models import User
from coopilote.mail.backends import KIND_HEADER
from coopilote.mail.preferences import get_kind, is_subscribed, unsubscribe_token


def send_to_user(
    *, user: User, kind: str, template: str, context: dict[str, Any] | None = None
) -> bool:
    """Queue one email of a registered kind to a person, in their language.

    ``template`` names ``<template>_subject.txt`` and ``<template>.txt``. Non-essential kinds are
    skipped for people who unsubscribed and carry List-Unsubscribe headers (RFC 2369 and 8058).
    """
    email_kind = get_kind(kind)
    if user.is_deleted or not user.is_active:
        return False
    if not email_kind.essential and not is_subscribed(user, kind):
        return False
    headers = {KIND_HEADER: kind}
    ctx = {"user": user, "site_url": settings.SITE_URL, "site_name": settings.SITE_NAME}
    ctx.update(context or {})
    if not email_kind.essential:
        url = settings.SITE_URL + reverse("mail:unsubscribe", args=[unsubscribe_token(user, kind)])
        ctx["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with translation.override(user.language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        body = render_to_string(f"{template}.txt", ctx)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email], headers=headers)
    return message.send() == 1
