"""Every write of a person's email choices goes through here."""

from __future__ import annotations

from django.db import transaction

from coopilote.accounts.models import User
from coopilote.mail.models import EmailSubscription
from coopilote.mail.preferences import get_kind


def subscription_set(*, actor: User, kind: str, subscribed: bool) -> None:
    """Record one choice; essential kinds cannot be turned off, so they are left alone."""
    if get_kind(kind).essential:
        return
    EmailSubscription.objects.update_or_create(
        user=actor, kind=kind, defaults={"subscribed": subscribed}
    )


def preferences_save(*, actor: User, choices: dict[str, bool]) -> None:
    """Save the whole preferences page at once: all choices or none."""
    with transaction.atomic():
        for kind, subscribed in choices.items():
            subscription_set(actor=actor, kind=kind, subscribed=subscribed)
