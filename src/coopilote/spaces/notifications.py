"""Mail about memberships, sent inside the action's transaction: the outbox row commits with it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coopilote.accounts.models import User
from coopilote.mail.backends import KIND_HEADER
from coopilote.mail.preferences import EmailKind, register_kind
from coopilote.mail.sending import send_to_user

MEMBERSHIP = "membership"
REQUESTS = "space_requests"

register_kind(
    EmailKind(
        key=MEMBERSHIP,
        label=_("Your memberships"),
        description=_(
            "Invitations, answers to your requests to join, and changes to your role. "
            "They concern your access to spaces and cannot be turned off."
        ),
        essential=True,
    )
)
register_kind(
    EmailKind(
        key=REQUESTS,
        label=_("Requests to join the spaces you facilitate"),
        description=_("A message when someone asks to join a space where you are facilitator."),
        default=True,
    )
)


def _space_url(space: Any) -> str:
    return settings.SITE_URL + reverse("spaces:detail", args=[space.slug])


def languages_of(emails: list[str]) -> dict[str, str]:
    """Address → language of the account that has it, for the addresses that have one."""
    rows = User.objects.filter(email__in=[email.lower() for email in emails])
    return {email.lower(): language for email, language in rows.values_list("email", "language")}


def invitation(invitation: Any, token: str, language: str | None = None) -> None:
    """The invitation goes to an address, in the language of the account that has it, if any
    (``language``, looked up once for a whole batch by the caller, or here for one)."""
    context = {
        "invitation": invitation,
        "space": invitation.space,
        "inviter": invitation.invited_by,
        "accept_url": settings.SITE_URL + reverse("spaces:invitation", args=[token]),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    if language is None:
        language = languages_of([invitation.email]).get(invitation.email.lower())
    with translation.override(language or translation.get_language()):
        subject = render_to_string("spaces/mail/invitation_subject.txt", context)
        body = render_to_string("spaces/mail/invitation.txt", context)
    EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[invitation.email],
        headers={KIND_HEADER: MEMBERSHIP},
    ).send()


def join_request_received(join_request: Any) -> None:
    from coopilote.spaces.models import Membership
    from coopilote.spaces.policies import Role

    space = join_request.space
    managers = Membership.objects.filter(
        space=space, role__in=[Role.OWNER, Role.FACILITATOR]
    ).select_related("user")
    url = settings.SITE_URL + reverse("spaces:join_requests", args=[space.slug])
    for manager in managers:
        send_to_user(
            user=manager.user,
            kind=REQUESTS,
            template="spaces/mail/join_request_received",
            context={"space": space, "join_request": join_request, "requests_url": url},
        )


def join_request_decided(join_request: Any, role: str = "member") -> None:
    from coopilote.spaces.policies import Role

    role_label = Role(role).label
    send_to_user(
        user=join_request.user,
        kind=MEMBERSHIP,
        template="spaces/mail/join_request_decided",
        context={
            "space": join_request.space,
            "join_request": join_request,
            "accepted": join_request.status == "accepted",
            "role_label": role_label,
            "space_url": _space_url(join_request.space),
        },
    )


def role_changed(membership: Any, *, actor: Any) -> None:
    send_to_user(
        user=membership.user,
        kind=MEMBERSHIP,
        template="spaces/mail/role_changed",
        context={
            "space": membership.space,
            "membership": membership,
            "actor": actor,
            "space_url": _space_url(membership.space),
        },
    )


def removed(membership: Any, *, actor: Any) -> None:
    send_to_user(
        user=membership.user,
        kind=MEMBERSHIP,
        template="spaces/mail/removed",
        context={"space": membership.space, "actor": actor},
    )
