"""Every write to an account goes through here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coopilote.accounts.avatars import delete_avatar, store_avatar
from coopilote.accounts.models import Tag, User

logger = logging.getLogger(__name__)

# Apps that keep data about people declare, without accounts importing them, what blocks a
# deletion (a list of reasons shown to the person) and what to erase with the account.
DeletionCheck = Callable[[User], list[str]]
DeletionHook = Callable[[User], None]
_deletion_checks: list[DeletionCheck] = []
_deletion_hooks: list[DeletionHook] = []


def register_deletion(
    *, check: DeletionCheck | None = None, hook: DeletionHook | None = None
) -> None:
    if check is not None and check not in _deletion_checks:
        _deletion_checks.append(check)
    if hook is not None and hook not in _deletion_hooks:
        _deletion_hooks.append(hook)


def deletion_blockers(user: User) -> list[str]:
    return [reason for check in _deletion_checks for reason in check(user)]


def profile_update(
    *,
    actor: User,
    fields: dict[str, object],
    skills: list[str],
    interests: list[str],
    avatar: bytes | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save a person's own profile; the new avatar file is removed again if the write fails."""
    new_avatar = store_avatar(avatar) if avatar else ""
    old_avatar = actor.avatar
    try:
        with transaction.atomic():
            for name, value in fields.items():
                setattr(actor, name, value)
            if new_avatar:
                actor.avatar = new_avatar
            elif remove_avatar:
                actor.avatar = ""
            actor.save()
            actor.skills.set(Tag.from_names(skills))
            actor.interests.set(Tag.from_names(interests))
            if old_avatar and old_avatar != actor.avatar:
                transaction.on_commit(lambda: delete_avatar(old_avatar))
    except Exception:
        if new_avatar:
            delete_avatar(new_avatar)
        raise
    return actor


def display_name_offer(*, user: User, name: str) -> bool:
    """Give a display name to someone who has none yet (e.g. the name an inviter typed);
    a name the person chose is never replaced."""
    name = " ".join(name.split())[: User._meta.get_field("display_name").max_length]
    if not name:
        return False
    return bool(User.objects.filter(pk=user.pk, display_name="").update(display_name=name))


def account_delete(*, actor: User) -> None:
    """Erase a person's personal data; what they wrote stays, signed "former member".

    The row is kept (so authorship links stay valid) but everything personal goes, in one
    transaction: addresses, second factors, sessions, preferences, pending mail, the avatar.
    """
    from coopilote.mail.models import EmailSubscription, OutboxMessage

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        blockers = deletion_blockers(user)
        if blockers:
            raise ValidationError(blockers, code="deletion_blocked")
        for hook in _deletion_hooks:
            hook(user)
        avatar = user.avatar
        for session in UserSession.objects.filter(user=user):
            session.end()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        EmailSubscription.objects.filter(user=user).delete()
        OutboxMessage.objects.filter(recipient_user=user).delete()
        user.skills.clear()
        user.interests.clear()
        user.email = f"former-member-{user.pk}@deleted.invalid"
        user.display_name = ""
        user.bio = ""
        user.organisation = ""
        user.place_name = ""
        user.place_latitude = None
        user.place_longitude = None
        user.digital_comfort = None
        user.avatar = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.last_login = None
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        transaction.on_commit(lambda: delete_avatar(avatar))
    logger.info("Account %s deleted and anonymised", actor.pk)


def purge_unverified_accounts(now: datetime) -> int:
    """Erase sign-ups whose address was never verified nor used, once their grace period ends."""
    cutoff = now - timedelta(days=settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS)
    stale = User.objects.filter(
        date_joined__lt=cutoff,
        last_login__isnull=True,
        is_staff=False,
        deleted_at__isnull=True,
    ).exclude(emailaddress__verified=True)
    # Count people, not the rows (addresses, sessions...) deleted along with them.
    return stale.delete()[1].get(User._meta.label, 0)
