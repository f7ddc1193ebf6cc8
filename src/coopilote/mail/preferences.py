"""Kinds of email a person may receive, and their choices about them.

Essential kinds (address verification, password reset, security notices) cannot be turned off.
Every other kind carries a one-click unsubscribe link that works without logging in; the link is
signed with the site secret and names one person and one kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coopilote.accounts.models import User

UNSUBSCRIBE_SALT = "coopilote.mail.unsubscribe"


@dataclass(frozen=True)
class EmailKind:
    key: str
    label: str | Promise
    description: str | Promise
    essential: bool = False
    default: bool = True


_kinds: dict[str, EmailKind] = {}


def register_kind(kind: EmailKind) -> None:
    if kind.key in _kinds and _kinds[kind.key] != kind:
        raise ValueError(f"Email kind {kind.key!r} is already registered.")
    _kinds[kind.key] = kind


def get_kind(key: str) -> EmailKind:
    return _kinds[key]


def kinds() -> list[EmailKind]:
    return sorted(_kinds.values(), key=lambda kind: (not kind.essential, kind.key))


register_kind(
    EmailKind(
        key="account",
        label=_("Your account and its security"),
        description=_(
            "Address verification, password reset, sign-in and security notices. "
            "These are needed to use your account and cannot be turned off."
        ),
        essential=True,
    )
)
register_kind(
    EmailKind(
        key="tips",
        label=_("Getting started tips"),
        description=_("A few messages to help you make the most of Coopilote after you join."),
        default=True,
    )
)


@dataclass(frozen=True)
class Preference:
    kind: EmailKind
    subscribed: bool


def preferences_for(user: User) -> list[Preference]:
    from coopilote.mail.models import EmailSubscription

    chosen = dict(EmailSubscription.objects.filter(user=user).values_list("kind", "subscribed"))
    return [
        Preference(
            kind=kind, subscribed=True if kind.essential else chosen.get(kind.key, kind.default)
        )
        for kind in kinds()
    ]


def is_subscribed(user: User, key: str) -> bool:
    from coopilote.mail.models import EmailSubscription

    kind = get_kind(key)
    if kind.essential:
        return True
    row = EmailSubscription.objects.filter(user=user, kind=key).values_list("subscribed", flat=True)
    return row[0] if row else kind.default


def unsubscribe_token(user: User, key: str) -> str:
    return signing.dumps({"u": user.pk, "k": key}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("k") not in _kinds
        or not isinstance(data.get("u"), int)
    ):
        return None
    if _kinds[data["k"]].essential:
        # Essential mail cannot be turned off: such a link would only claim a change it never makes.
        return None
    return data["u"], data["k"]
