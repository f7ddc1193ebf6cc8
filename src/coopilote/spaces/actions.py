"""Every write to spaces, memberships, invitations and join requests goes through here.

Each action checks the role matrix through a ``SpaceAccess``, validates, writes in one
transaction that starts by locking the space row (so two role changes cannot both remove the
last owner), records one activity event and queues its mail in the same transaction (the
outbox), so that a failure leaves nothing half-written.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopilote.accounts.models import User
from coopilote.activity.recording import record
from coopilote.activity.rollups import local_today
from coopilote.core.markdown import render_markdown
from coopilote.spaces import events, notifications, policies
from coopilote.spaces.access import MAX_DEPTH, SpaceAccess, access_for
from coopilote.spaces.models import (
    MESSAGE_MAX,
    WELCOME_MAX,
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    SlugRedirect,
    Space,
    SpaceTool,
    Status,
    Visibility,
    hash_token,
)
from coopilote.spaces.policies import Role

logger = logging.getLogger(__name__)

RESERVED_SLUGS = frozenset({"nouveau", "new", "admin", "api", "static", "media"})


def _event(space: Space, actor: Any, kind: str, target: Any = None, **payload: Any) -> None:
    """One event of a kind declared in ``spaces/events.py`` (its class comes from there)."""
    declared = events.kind(f"spaces.{kind}")  # an undeclared kind is a programming error
    record(space=space, actor=actor, kind=declared.key, target=target, payload=payload)


def _lock(space: Space) -> Space:
    """Serialise membership changes of one space (PostgreSQL row lock; SQLite writes in turn)."""
    return Space.objects.select_for_update().get(pk=space.pk)


# Spaces ---------------------------------------------------------------------------------------


def may_create_spaces(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if settings.SPACES_CREATION == "staff":
        return bool(user.is_staff)
    from allauth.account.models import EmailAddress

    return bool(user.is_staff) or EmailAddress.objects.filter(user=user, verified=True).exists()


def slug_taken(slug: str, *, space: Space | None = None) -> bool:
    others = Space.objects.filter(slug=slug)
    redirects = SlugRedirect.objects.filter(slug=slug)
    if space is not None:
        others = others.exclude(pk=space.pk)
        redirects = redirects.exclude(space=space)
    return slug in RESERVED_SLUGS or others.exists() or redirects.exists()


def free_slug(name: str) -> str:
    """A free address derived from the name: ``eau``, then ``eau-2``, ``eau-3``..."""
    base = slugify(name)[:50].strip("-") or "espace"
    candidate, number = base, 1
    while slug_taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _check_slug(slug: str, space: Space | None = None) -> None:
    if slug_taken(slug, space=space):
        raise ValidationError(
            _("The address “%(slug)s” is already used by another space; please choose another.")
            % {"slug": slug},
            code="slug_taken",
        )


def _check_visibility(visibility: str, parent: Space | None, children: list[Space]) -> None:
    openness = Visibility(visibility).openness
    if parent is not None and openness > Visibility(parent.visibility).openness:
        raise ValidationError(
            _(
                "A sub-space cannot be more visible than its parent “%(parent)s”, which is "
                "%(visibility)s."
            )
            % {"parent": parent.name, "visibility": parent.get_visibility_display()},
            code="more_visible_than_parent",
        )
    wider = [child.name for child in children if Visibility(child.visibility).openness > openness]
    if wider:
        raise ValidationError(
            _(
                "These sub-spaces are more visible than that: %(names)s. "
                "Make them less visible first."
            )
            % {"names": ", ".join(wider)},
            code="children_more_visible",
        )


def space_create(
    *,
    actor: User,
    name: str,
    kind: str,
    field: str,
    description: str = "",
    visibility: str = Visibility.MEMBERS,
    directory_visibility: str = "members",
    parent: Space | None = None,
    slug: str = "",
) -> Space:
    if not may_create_spaces(actor):
        raise PermissionDenied
    if parent is not None:
        access_for(parent, actor).require(policies.CREATE_CHILD)
        if len(parent.ancestors()) + 2 > MAX_DEPTH:
            raise ValidationError(
                _("Spaces can be nested %(depth)d levels deep at most.") % {"depth": MAX_DEPTH},
                code="too_deep",
            )
    _check_visibility(visibility, parent, [])
    with transaction.atomic():
        if slug:
            _check_slug(slug)
        else:
            slug = free_slug(name)
        space = Space(
            name=name,
            slug=slug,
            kind=kind,
            field=field,
            description=description,
            description_html=render_markdown(description),
            visibility=visibility,
            directory_visibility=directory_visibility,
            parent=parent,
            created_by=actor,
            member_count=1,
        )
        try:
            with transaction.atomic():
                space.save()
        except IntegrityError:
            # Someone took the same address a moment ago.
            _check_slug(slug)
            raise
        Membership.objects.create(space=space, user=actor, role=Role.OWNER)
        _event(space, actor, "space.created", space)
    return space


def space_edit(*, access: SpaceAccess, name: str, kind: str, field: str, description: str) -> Space:
    access.require(policies.EDIT)
    with transaction.atomic():
        space = _lock(access.space)
        space.name = name
        space.kind = kind
        space.field = field
        space.description = description
        space.description_html = render_markdown(description)
        space.save(
            update_fields=["name", "kind", "field", "description", "description_html", "updated_at"]
        )
        _event(space, access.user, "space.edited", space)
    _refresh(access.space, space)
    return access.space


def space_configure(
    *,
    access: SpaceAccess,
    slug: str,
    visibility: str,
    directory_visibility: str,
    reading_measurement: bool | None = None,
) -> Space:
    """Owners' settings. A new address keeps the old one as a permanent redirect.

    Turning reading measurement on or off is recorded as its own event, shown to every reader
    of the space: members are told (DESIGN).
    """
    access.require(policies.CONFIGURE)
    with transaction.atomic():
        space = _lock(access.space)
        space.parent = access.space.parent
        _check_visibility(visibility, space.parent, list(space.children.all()))
        changes: dict[str, Any] = {}
        if slug != space.slug:
            _check_slug(slug, space)
            SlugRedirect.objects.filter(slug=slug, space=space).delete()
            SlugRedirect.objects.create(slug=space.slug, space=space)
            changes["slug"] = [space.slug, slug]
            space.slug = slug
        if visibility != space.visibility:
            changes["visibility"] = [space.visibility, visibility]
            space.visibility = visibility
        if directory_visibility != space.directory_visibility:
            changes["directory_visibility"] = [space.directory_visibility, directory_visibility]
            space.directory_visibility = directory_visibility
        measuring = space.reading_measurement
        if reading_measurement is not None and reading_measurement != measuring:
            space.reading_measurement = reading_measurement
        if changes or space.reading_measurement != measuring:
            space.save(
                update_fields=[
                    "slug",
                    "visibility",
                    "directory_visibility",
                    "reading_measurement",
                    "updated_at",
                ]
            )
        if changes:
            _event(space, access.user, "space.configured", space, changes=changes)
        if space.reading_measurement != measuring:
            turned = "reading.turned_on" if space.reading_measurement else "reading.turned_off"
            _event(space, access.user, turned, space)
    _refresh(access.space, space)
    return access.space


STATUS_EVENTS = {
    Status.OPEN: "space.reopened",
    Status.ARCHIVED: "space.archived",
    Status.CLOSED: "space.closed",
}


def space_set_status(*, access: SpaceAccess, status: str) -> Space:
    """Archive (read-only, kept), close (hidden from all but owners) or reopen a space."""
    access.require(policies.SET_STATUS)
    status = Status(status)
    with transaction.atomic():
        space = _lock(access.space)
        if space.status == status:
            return access.space
        previous = space.status
        space.status = status
        space.status_changed_at = timezone.now()
        space.save(update_fields=["status", "status_changed_at", "updated_at"])
        _event(space, access.user, STATUS_EVENTS[status], space, previous=previous)
    _refresh(access.space, space)
    return access.space


def _refresh(target: Space, source: Space) -> None:
    """Copy fresh column values onto the caller's instance, keeping its loaded ancestors."""
    for model_field in Space._meta.concrete_fields:
        if model_field.name != "parent":
            setattr(target, model_field.attname, getattr(source, model_field.attname))


# Memberships ----------------------------------------------------------------------------------


def _owner_count(space: Space) -> int:
    return Membership.objects.filter(space=space, role=Role.OWNER).count()


def _last_owner_error() -> ValidationError:
    return ValidationError(
        _(
            "A space always keeps at least one owner. "
            "Make someone else owner first, then try again."
        ),
        code="last_owner",
    )


def _add_member(
    space: Space, user: User, role: str, *, actor: Any, how: str, represents: str = ""
) -> Membership:
    """Inside a transaction holding the space lock."""
    if Membership.objects.filter(space=space, user=user).exists():
        raise ValidationError(
            _("%(name)s is already a member of this space.") % {"name": user.public_name},
            code="already_member",
        )
    membership = Membership.objects.create(
        space=space, user=user, role=role, represents=represents or user.organisation
    )
    Space.objects.filter(pk=space.pk).update(member_count=F("member_count") + 1)
    _event(space, actor, "member.joined", membership, user=user.pk, role=role, how=how)
    return membership


def _recheck(access: SpaceAccess, verb: str) -> SpaceAccess:
    """The actor's rights read again once the space is locked.

    A role lowered (or a membership removed) by a concurrent request must not still act.
    """
    fresh = access_for(access.space, access.user)
    fresh.require(verb)
    return fresh


def role_change_verb(access: SpaceAccess) -> str:
    """Facilitators manage roles; in an archived space only owners, to hand ownership over."""
    if not access.can(policies.MANAGE_MEMBERS) and access.can(policies.MANAGE_OWNERS):
        return policies.MANAGE_OWNERS
    return policies.MANAGE_MEMBERS


def may_change_role(access: SpaceAccess, current: Role, new_role: Role) -> bool:
    if access.can(policies.MANAGE_MEMBERS):
        return policies.may_change(access.role, current) and access.may_grant(new_role)
    # An archived space is frozen, but a sole owner must be able to hand over before leaving.
    return access.can(policies.MANAGE_OWNERS) and new_role == Role.OWNER


def membership_change_role(*, access: SpaceAccess, membership_id: int, role: str) -> Membership:
    access.require(role_change_verb(access))
    new_role = Role(role)
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, role_change_verb(access))
        membership = Membership.objects.select_related("user").get(pk=membership_id, space=space)
        current = Role(membership.role)
        if current == new_role:
            return membership
        if not may_change_role(access, current, new_role):
            raise PermissionDenied
        if current == Role.OWNER and _owner_count(space) <= 1:
            raise _last_owner_error()
        membership.role = new_role
        membership.save(update_fields=["role"])
        _event(
            space,
            access.user,
            "member.role_changed",
            membership,
            user=membership.user_id,
            previous=current.value,
            role=new_role.value,
        )
        notifications.role_changed(membership, actor=access.user)
    return membership


def membership_remove(*, access: SpaceAccess, membership_id: int) -> None:
    access.require(policies.MANAGE_MEMBERS)
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, policies.MANAGE_MEMBERS)
        membership = Membership.objects.select_related("user").get(pk=membership_id, space=space)
        if not policies.may_change(access.role, Role(membership.role)):
            raise PermissionDenied
        _remove(space, membership, actor=access.user, kind="member.removed")
        notifications.removed(membership, actor=access.user)


def membership_leave(*, access: SpaceAccess) -> None:
    if access.membership is None:
        raise PermissionDenied
    access.require(policies.LEAVE)
    with transaction.atomic():
        space = _lock(access.space)
        membership = Membership.objects.filter(pk=access.membership.pk).first()
        if membership is None:
            return
        _remove(space, membership, actor=access.user, kind="member.left")


def _remove(space: Space, membership: Membership, *, actor: Any, kind: str) -> None:
    if membership.role == Role.OWNER and _owner_count(space) <= 1:
        raise _last_owner_error()
    _event(space, actor, kind, membership, user=membership.user_id, role=membership.role)
    membership.delete()
    Space.objects.filter(pk=space.pk).update(member_count=F("member_count") - 1)


def membership_set_represents(*, access: SpaceAccess, represents: str) -> Membership:
    """A member states which organisation they speak for in this space."""
    from coopilote.core.text import clean_plain_text

    if access.membership is None or not access.space.is_open:
        raise PermissionDenied
    represents = clean_plain_text(represents)
    if len(represents) > Membership._meta.get_field("represents").max_length:  # type: ignore[operator]
        raise ValidationError(_("The organisation's name is too long."), code="max_length")
    with transaction.atomic():
        Membership.objects.filter(pk=access.membership.pk).update(represents=represents)
    access.membership.represents = represents
    return access.membership


def sole_owned_spaces(user: User) -> list[Space]:
    """Spaces where this person is the only owner: they must hand over before leaving for good."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("space_id")
    others = (
        Membership.objects.filter(space_id__in=owned, role=Role.OWNER)
        .exclude(user=user)
        .values("space_id")
    )
    # Closed spaces count too: without an owner nobody could ever reopen them.
    return list(Space.objects.filter(pk__in=owned).exclude(pk__in=others))


def forget_member(user: User) -> None:
    """Account deletion: memberships and join requests lose the person.

    The spaces the person owns are locked (as for role changes) and checked again, so that an
    owner leaving one of them at the same moment cannot leave it without an owner.
    """
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("space_id")
    list(Space.objects.select_for_update().filter(pk__in=owned).order_by("pk"))
    if sole_owned_spaces(user):
        from coopilote.spaces.handlers import sole_owner_blockers

        raise ValidationError(sole_owner_blockers(user), code="sole_owner")
    for membership in Membership.objects.filter(user=user).select_related("space"):
        Space.objects.filter(pk=membership.space_id).update(member_count=F("member_count") - 1)
        _event(membership.space, None, "member.left", membership, role=membership.role)
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    # Pending invitations to the person's addresses would keep those addresses for a month.
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user).values("email")
    Invitation.objects.filter(email__in=addresses, status=InvitationStatus.PENDING).delete()


# Invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    email: str
    name: str = ""
    role: str = Role.MEMBER


def invitations_left_today(actor: User) -> int:
    since = timezone.now() - timedelta(days=1)
    used = Invitation.objects.filter(invited_by=actor, created_at__gte=since).count()
    return max(settings.SPACES_INVITATIONS_PER_DAY - used, 0)


def invitation_problems(access: SpaceAccess, rows: list[InvitationRow]) -> dict[int, str]:
    """Per-row reasons why an invitation cannot be sent (row index → message)."""
    from allauth.account.models import EmailAddress

    emails = [row.email.lower() for row in rows]
    # Account addresses keep the case people typed; a member may also own a second address.
    members = set(
        Membership.objects.filter(space=access.space)
        .annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    ) | set(
        EmailAddress.objects.filter(user__memberships__space=access.space, verified=True)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    pending = set(
        Invitation.objects.filter(
            space=access.space, email__in=emails, status=InvitationStatus.PENDING
        ).values_list("email", flat=True)
    )
    problems: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        email = row.email.lower()
        if email in seen:
            problems[index] = _("Same address as line %(line)d.") % {"line": seen[email] + 1}
        elif email in members:
            problems[index] = _("Already a member of this space.")
        elif email in pending:
            problems[index] = _("Already invited: resend the invitation from the pending list.")
        elif not access.may_grant(Role(row.role)):
            problems[index] = _("You cannot give the role “%(role)s”.") % {
                "role": Role(row.role).label
            }
        seen.setdefault(email, index)
    return problems


def invitations_send(
    *, access: SpaceAccess, rows: list[InvitationRow], message: str = ""
) -> list[Invitation]:
    """Create and mail invitations; all or nothing, so a failed batch can simply be sent again."""
    access.require(policies.INVITE)
    if not rows:
        raise ValidationError(_("There is nobody to invite."), code="empty")
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, policies.INVITE)
        left = invitations_left_today(access.user)
        if len(rows) > left:
            raise ValidationError(
                ngettext(
                    "You can send %(left)d more invitation today (%(limit)d a day); "
                    "this list has %(count)d.",
                    "You can send %(left)d more invitations today (%(limit)d a day); "
                    "this list has %(count)d.",
                    left,
                )
                % {
                    "left": left,
                    "limit": settings.SPACES_INVITATIONS_PER_DAY,
                    "count": len(rows),
                },
                code="quota",
            )
        problems = invitation_problems(access, rows)
        if problems:
            raise ValidationError(
                _("Some lines cannot be sent; correct or remove them first."), code="rows"
            )
        now = timezone.now()
        expires = now + timedelta(days=settings.SPACES_INVITATION_DAYS)
        invitations = []
        # One query for the languages of the whole batch, not one per address.
        languages = notifications.languages_of([row.email for row in rows])
        for row in rows:
            token = secrets.token_urlsafe(32)
            invitation = Invitation.objects.create(
                space=space,
                email=row.email.lower(),
                name=row.name,
                role=row.role,
                message=message,
                token_hash=hash_token(token),
                invited_by=access.user,
                created_at=now,
                sent_at=now,
                expires_at=expires,
            )
            notifications.invitation(
                invitation, token, languages.get(invitation.email) or translation.get_language()
            )
            invitations.append(invitation)
        _event(space, access.user, "invitation.sent", count=len(invitations))
    return invitations


def _pending_invitation(access: SpaceAccess, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(
        pk=invitation_id, space=access.space, status=InvitationStatus.PENDING
    ).first()
    if invitation is None:
        raise ValidationError(
            _("This invitation was already answered or revoked."), code="not_pending"
        )
    if not access.may_grant(Role(invitation.role)):
        raise PermissionDenied
    return invitation


def invitation_resend(*, access: SpaceAccess, invitation_id: int) -> Invitation:
    """Send again with a fresh link and a new deadline; the previous link stops working."""
    access.require(policies.INVITE)
    with transaction.atomic():
        _lock(access.space)
        access = _recheck(access, policies.INVITE)
        invitation = _pending_invitation(access, invitation_id)
        if invitation.send_count >= settings.SPACES_INVITATION_MAX_SENDS:
            raise ValidationError(
                _("This invitation was already sent %(count)d times.")
                % {"count": invitation.send_count},
                code="too_many_sends",
            )
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation.token_hash = hash_token(token)
        invitation.sent_at = now
        invitation.send_count += 1
        invitation.expires_at = now + timedelta(days=settings.SPACES_INVITATION_DAYS)
        invitation.save(update_fields=["token_hash", "sent_at", "send_count", "expires_at"])
        notifications.invitation(invitation, token)
        _event(access.space, access.user, "invitation.resent", invitation)
    return invitation


def invitation_revoke(*, access: SpaceAccess, invitation_id: int) -> Invitation:
    access.require(policies.INVITE)
    with transaction.atomic():
        _lock(access.space)
        access = _recheck(access, policies.INVITE)
        invitation = _pending_invitation(access, invitation_id)
        invitation.status = InvitationStatus.REVOKED
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at"])
        _event(access.space, access.user, "invitation.revoked", invitation)
    return invitation


class InvitationUnusable(Exception):  # carries the reason shown to the person
    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def _usable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.status == InvitationStatus.ACCEPTED:
        raise InvitationUnusable("used", invitation)
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationUnusable(invitation.status, invitation)
    if invitation.is_expired:
        raise InvitationUnusable("expired", invitation)
    if invitation.space.status != Status.OPEN:
        raise InvitationUnusable("space_not_open", invitation)
    return invitation


def invitation_by_token(token: str) -> Invitation:
    """The invitation a link names, or why it cannot be used (``InvitationUnusable``)."""
    return _usable(
        Invitation.objects.select_related("space", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_for_user(user: User, invitation_id: int) -> Invitation:
    """An invitation listed on the person's home page (sent to one of their verified addresses)."""
    invitation = (
        Invitation.objects.select_related("space", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not user_owns_address(user, invitation.email):
        raise InvitationUnusable("unknown")
    return _usable(invitation)


def user_owns_address(user: User, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def invitation_accept(*, actor: User, invitation: Invitation) -> Membership:
    """Join with an invitation sent to one of the person's verified addresses; single use.

    The invitation comes from ``invitation_by_token`` or ``invitation_for_user``; it is
    checked again here, and claimed with a conditional update so that it works only once.
    """
    _usable(invitation)
    if not user_owns_address(actor, invitation.email):
        raise InvitationUnusable("other_address", invitation)
    with transaction.atomic():
        space = _lock(invitation.space)
        now = timezone.now()
        claimed = Invitation.objects.filter(
            pk=invitation.pk, status=InvitationStatus.PENDING, expires_at__gt=now
        ).update(status=InvitationStatus.ACCEPTED, answered_at=now, accepted_by=actor)
        if not claimed:
            raise InvitationUnusable("used", invitation)
        membership = _add_member(space, actor, invitation.role, actor=actor, how="invitation")
        JoinRequest.objects.filter(
            space=space, user=actor, status=JoinRequestStatus.PENDING
        ).update(status=JoinRequestStatus.WITHDRAWN, decided_at=now)
    return membership


def invitation_decline(*, actor: User, invitation: Invitation) -> Invitation:
    _usable(invitation)
    if not user_owns_address(actor, invitation.email):
        raise InvitationUnusable("other_address", invitation)
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
            status=InvitationStatus.DECLINED, answered_at=timezone.now()
        )
        _event(invitation.space, actor, "invitation.declined", invitation)
    return invitation


def purge_old_invitations(now: Any) -> int:
    """Addresses of invitations nobody uses any more are not kept (retention: 30 days)."""
    cutoff = now - timedelta(days=settings.SPACES_INVITATION_RETENTION_DAYS)
    stale = Invitation.objects.exclude(status=InvitationStatus.ACCEPTED).filter(
        expires_at__lt=cutoff
    )
    answered = Invitation.objects.filter(
        status__in=[InvitationStatus.REVOKED, InvitationStatus.DECLINED], answered_at__lt=cutoff
    )
    return stale.delete()[0] + answered.delete()[0]


# Join requests --------------------------------------------------------------------------------


def join_request_create(*, access: SpaceAccess, message: str = "") -> JoinRequest:
    access.require(policies.SEE_CARD)
    if access.is_member:
        raise ValidationError(_("You are already a member of this space."), code="already_member")
    if not access.can(policies.ASK_TO_JOIN):
        raise PermissionDenied
    with transaction.atomic():
        space = _lock(access.space)
        if Membership.objects.filter(space=space, user=access.user).exists():
            raise ValidationError(
                _("You are already a member of this space."), code="already_member"
            )
        if JoinRequest.objects.filter(
            space=space, user=access.user, status=JoinRequestStatus.PENDING
        ).exists():
            raise ValidationError(
                _("You already asked to join this space; the facilitators will answer soon."),
                code="already_asked",
            )
        join_request = JoinRequest.objects.create(space=space, user=access.user, message=message)
        _event(space, access.user, "join_request.created", join_request)
        notifications.join_request_received(join_request)
    return join_request


def join_request_withdraw(*, access: SpaceAccess) -> bool:
    """Withdraw the person's pending request; False when there was none."""
    if not access.is_authenticated:
        raise PermissionDenied
    access.require(policies.SEE_CARD)
    with transaction.atomic():
        join_request = (
            JoinRequest.objects.select_for_update()
            .filter(space=access.space, user=access.user, status=JoinRequestStatus.PENDING)
            .first()
        )
        if join_request is None:
            return False
        join_request.status = JoinRequestStatus.WITHDRAWN
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "decided_at"])
        _event(access.space, access.user, "join_request.withdrawn", join_request)
    return True


def join_request_decide(
    *, access: SpaceAccess, join_request_id: int, accept: bool, reason: str = "", role: str = ""
) -> JoinRequest:
    access.require(policies.MANAGE_MEMBERS)
    granted = Role(role or Role.MEMBER)
    if accept and not access.may_grant(granted):
        raise PermissionDenied
    with transaction.atomic():
        space = _lock(access.space)
        join_request = (
            JoinRequest.objects.select_related("user")
            .filter(pk=join_request_id, space=space)
            .first()
        )
        if join_request is None:
            raise ValidationError(_("This request no longer exists."), code="missing")
        if join_request.status != JoinRequestStatus.PENDING:
            raise ValidationError(
                _("This request was already answered or withdrawn."), code="not_pending"
            )
        join_request.status = JoinRequestStatus.ACCEPTED if accept else JoinRequestStatus.REFUSED
        join_request.reason = reason
        join_request.decided_by = access.user
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        if accept:
            _add_member(space, join_request.user, granted, actor=access.user, how="request")
        else:
            _event(
                space, access.user, "join_request.refused", join_request, user=join_request.user_id
            )
        notifications.join_request_decided(join_request, role=granted)
    return join_request


# Tools ----------------------------------------------------------------------------------------
# A tool is enabled in a space by a SpaceTool row; disabling keeps the row (and the tool's
# content) and only hides it. Every change holds the space lock, so positions stay consistent.

TOOL_MOVES = ("up", "down")


def _manifest(tool_key: str) -> Any:
    from coopilote.spaces import registry

    manifest = registry.get(tool_key)
    if manifest is None:
        raise ValidationError(_("There is no tool called “%(key)s”.") % {"key": tool_key})
    return manifest


def _space_tool(space: Space, tool_key: str) -> SpaceTool:
    tool = SpaceTool.objects.filter(space=space, tool_key=tool_key).first()
    if tool is None:
        raise ValidationError(_("This tool is not enabled in the space."), code="tool_not_enabled")
    return tool


def space_tool_enable(*, access: SpaceAccess, tool_key: str) -> SpaceTool:
    """Enable a registered tool: a new one goes last, a disabled one comes back where it was."""
    access.require(policies.MANAGE_TOOLS)
    manifest = _manifest(tool_key)
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, policies.MANAGE_TOOLS)
        tool = SpaceTool.objects.filter(space=space, tool_key=tool_key).first()
        if tool is not None and tool.enabled:
            return tool
        if tool is None:
            last = SpaceTool.objects.filter(space=space).aggregate(last=Max("position"))["last"]
            tool = SpaceTool.objects.create(
                space=space,
                tool_key=manifest.key,
                slug=manifest.slug,
                title=str(manifest.verbose_name)[: SpaceTool._meta.get_field("title").max_length],  # type: ignore[index]
                position=0 if last is None else last + 1,
            )
        else:
            tool.enabled = True
            tool.save(update_fields=["enabled"])
        _event(space, access.user, "tool.enabled", tool, tool=tool_key)
    return tool


def space_tool_disable(*, access: SpaceAccess, tool_key: str) -> SpaceTool:
    """Hide a tool: its pages answer 404, its content is kept for when it is enabled again."""
    access.require(policies.MANAGE_TOOLS)
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, policies.MANAGE_TOOLS)
        tool = _space_tool(space, tool_key)
        if not tool.enabled:
            return tool
        tool.enabled = False
        tool.save(update_fields=["enabled"])
        _event(space, access.user, "tool.disabled", tool, tool=tool_key)
    return tool


def space_tool_rename(*, access: SpaceAccess, tool_key: str, title: str) -> SpaceTool:
    """The name the space gives the tool; its address stays the manifest's, so links hold."""
    from coopilote.core.text import clean_plain_text

    access.require(policies.MANAGE_TOOLS)
    title = clean_plain_text(title)
    max_length = SpaceTool._meta.get_field("title").max_length
    if not title:
        raise ValidationError(_("Give the tool a name."), code="required")
    if len(title) > max_length:  # type: ignore[operator]
        raise ValidationError(
            _("%(max)d characters at most (this name has %(count)d).")
            % {"max": max_length, "count": len(title)},
            code="max_length",
        )
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, policies.MANAGE_TOOLS)
        tool = _space_tool(space, tool_key)
        if tool.title == title:
            return tool
        previous, tool.title = tool.title, title
        tool.save(update_fields=["title"])
        _event(space, access.user, "tool.renamed", tool, tool=tool_key, previous=previous)
    return tool


def space_tool_move(*, access: SpaceAccess, tool_key: str, direction: str) -> SpaceTool:
    """One step up or down among the space's tools (disabled ones keep their place)."""
    if direction not in TOOL_MOVES:
        raise ValidationError(_("Unknown direction."), code="direction")
    access.require(policies.MANAGE_TOOLS)
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, policies.MANAGE_TOOLS)
        tools = list(SpaceTool.objects.filter(space=space).order_by("position", "pk"))
        index = next((i for i, tool in enumerate(tools) if tool.tool_key == tool_key), None)
        if index is None:
            raise ValidationError(
                _("This tool is not enabled in the space."), code="tool_not_enabled"
            )
        # Among enabled tools: swapping with a hidden neighbour would look like nothing happened.
        step = -1 if direction == "up" else 1
        other = index + step
        while 0 <= other < len(tools) and not tools[other].enabled:
            other += step
        if not 0 <= other < len(tools):
            return tools[index]
        tools[index], tools[other] = tools[other], tools[index]
        for position, tool in enumerate(tools):
            if tool.position != position:
                tool.position = position
                SpaceTool.objects.filter(pk=tool.pk).update(position=position)
        moved = tools[other]
        _event(space, access.user, "tool.moved", moved, tool=tool_key, direction=direction)
    return moved


# The space's home page (gare centrale) ---------------------------------------------------------

HOME_BLOCKS = ("welcome", "start_here", "message")
HOME_BLOCK_LIMITS = {
    "welcome": WELCOME_MAX,
    "start_here": WELCOME_MAX,
    "message": MESSAGE_MAX,
}
# A member's visit is noted at most this often: most page views cost no write at all.
SEEN_EVERY = timedelta(minutes=5)
# A pause longer than this starts a new visit; "new since your last visit" then moves on.
VISIT_GAP = timedelta(hours=1)


def space_home_edit(
    *, access: SpaceAccess, block: str, text: str, until: date | None = None
) -> Space:
    """Write one block of the home page (welcome, start here, message of the moment).

    The Markdown is rendered and sanitised once, here. An empty message takes the message
    down; ``until`` (the last day it is shown) only applies to the message.
    """
    from coopilote.core.text import INVISIBLE

    if block not in HOME_BLOCKS:
        raise ValueError(f"Unknown home block {block!r}.")
    access.require(policies.EDIT)
    text = INVISIBLE.sub("", text or "").strip()
    limit = HOME_BLOCK_LIMITS[block]
    if len(text) > limit:
        raise ValidationError(
            _("%(max)d characters at most (this text has %(count)d).")
            % {"max": limit, "count": len(text)},
            code="max_length",
        )
    if block != "message" or not text:
        until = None
    if until is not None and until < local_today():
        raise ValidationError(
            _("The last day to show the message cannot be in the past."), code="until_past"
        )
    with transaction.atomic():
        space = _lock(access.space)
        access = _recheck(access, policies.EDIT)
        html = render_markdown(text) if text else ""
        if block == "message":
            if text == space.message and until == space.message_until:
                return access.space
            kind = "message.posted" if text else "message.removed"
            space.message, space.message_html, space.message_until = text, html, until
            space.message_at = timezone.now() if text else None
            fields = ["message", "message_html", "message_until", "message_at"]
        else:
            if text == getattr(space, block):
                return access.space
            kind = f"{block}.edited"
            setattr(space, block, text)
            setattr(space, f"{block}_html", html)
            fields = [block, f"{block}_html"]
        space.save(update_fields=[*fields, "updated_at"])
        _event(space, access.user, kind, space)
    _refresh(access.space, space)
    return access.space


def membership_seen(*, access: SpaceAccess, now: datetime | None = None) -> bool:
    """The member opened the space's home page: note it, at most once every SEEN_EVERY.

    No query at all when the membership (loaded by the access door) was touched less than
    SEEN_EVERY ago; otherwise one conditional UPDATE on the value read, so that two tabs cannot
    both move the visit on. Not an activity event: the page view itself is not participation.
    Returns whether the visit was noted; the loaded membership is updated to match.
    """
    membership = access.membership
    if membership is None:
        return False
    now = now or timezone.now()
    last = membership.last_seen_at
    if last is not None and now - last < SEEN_EVERY:
        return False
    previous = membership.previous_visit_at
    if last is not None and now - last >= VISIT_GAP:
        previous = last
    rows = Membership.objects.filter(pk=membership.pk)
    if last is None:
        rows = rows.filter(last_seen_at__isnull=True)
    else:
        rows = rows.filter(last_seen_at=last)
    if not rows.update(last_seen_at=now, previous_visit_at=previous):
        return False
    membership.last_seen_at, membership.previous_visit_at = now, previous
    return True


def membership_set_reading_opt_out(*, access: SpaceAccess, opt_out: bool) -> Membership:
    """A member refuses (or accepts again) that their reading be measured in this space.

    Allowed whatever the space's setting, so that one can refuse before it is turned on, and in
    an archived space too: it changes nothing of the space, only what is recorded about oneself.
    """
    if access.membership is None:
        raise PermissionDenied
    access.require(policies.READ)
    with transaction.atomic():
        changed = Membership.objects.filter(
            pk=access.membership.pk, reading_opt_out=not opt_out
        ).update(reading_opt_out=opt_out)
        if changed:
            kind = "member.reading_opted_out" if opt_out else "member.reading_opted_in"
            _event(access.space, access.user, kind, access.membership)
    access.membership.reading_opt_out = opt_out
    return access.membership
