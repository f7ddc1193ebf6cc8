"""Glue with accounts: deletion checks, and invitations followed by people signing up."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from coopilote.accounts.models import User

# Set when someone opens an invitation link: after signing up, they land in the space.
SESSION_KEY = "spaces.invitation_token"


def sole_owner_blockers(user: User) -> list[str]:
    from coopilote.spaces.actions import sole_owned_spaces

    return [
        _("You are the only owner of “%(space)s”: make someone else owner of it first.")
        % {"space": space.name}
        for space in sole_owned_spaces(user)
    ]


def accept_invitation_after_signup(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """The invitation link proved the address; joining is what the person came for."""
    from django.core.exceptions import ValidationError

    from coopilote.accounts.actions import display_name_offer
    from coopilote.spaces.actions import (
        InvitationUnusable,
        invitation_accept,
        invitation_by_token,
    )

    token = request.session.pop(SESSION_KEY, None) if request is not None else None
    if not token:
        return
    # The sign-up's "next" is the invitation page, which then shows the outcome.
    try:
        invitation = invitation_by_token(token)
        invitation_accept(actor=user, invitation=invitation)
    except (InvitationUnusable, ValidationError):
        return
    # The facilitator typed the newcomer's name: a better start than part of their address.
    display_name_offer(user=user, name=invitation.name)


def connect() -> None:
    from allauth.account.signals import user_signed_up

    user_signed_up.connect(accept_invitation_after_signup, dispatch_uid="spaces.invitation")
