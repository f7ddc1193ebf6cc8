"""Every read of spaces and memberships, each in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from coopilote.spaces.access import SpaceAccess
from coopilote.spaces.models import (
    Invitation,
    InvitationStatus,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Space,
    Status,
    Visibility,
)
from coopilote.spaces.policies import RANKS, Role

ROLE_ORDER = Case(
    *(When(role=role.value, then=Value(-rank)) for role, rank in RANKS.items()),
    output_field=IntegerField(),
)


def listed_spaces(query: str = "") -> QuerySet[Space]:
    """Spaces anyone may know about: public and members-only ones that are not closed."""
    spaces = Space.objects.filter(
        visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS],
        status__in=[Status.OPEN, Status.ARCHIVED],
    ).select_related("parent")
    query = query.strip()
    if query:
        spaces = spaces.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return spaces.order_by("name", "pk")


def my_memberships(user: Any) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .exclude(space__status=Status.CLOSED, role__in=[Role.MEMBER, Role.OBSERVER, Role.FACILITATOR])
        .select_related("space", "space__parent")
        .order_by("space__name")
    )


def invitations_for(user: Any) -> list[Invitation]:
    """Pending invitations sent to one of the person's verified addresses."""
    if not user.is_authenticated:
        return []
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return list(
        Invitation.objects.filter(
            email__in=addresses,
            status=InvitationStatus.PENDING,
            expires_at__gt=timezone.now(),
            space__status=Status.OPEN,
        )
        .select_related("space", "invited_by")
        .order_by("-created_at")
    )


def pending_join_request(access: SpaceAccess) -> JoinRequest | None:
    if not access.is_authenticated or access.is_member:
        return None
    return JoinRequest.objects.filter(
        space=access.space, user=access.user, status=JoinRequestStatus.PENDING
    ).first()


def visible_children(access: SpaceAccess) -> list[Space]:
    """Sub-spaces this person may know about: listed ones, and secret ones they belong to.

    Facilitators of the space manage its children, so they see them all.
    """
    children = access.space.children.exclude(status=Status.CLOSED).order_by("name")
    if access.role in (Role.OWNER, Role.FACILITATOR):
        return list(children)
    if not access.is_authenticated:
        return list(children.exclude(visibility=Visibility.SECRET))
    mine = Membership.objects.filter(space=OuterRef("pk"), user=access.user)
    return list(children.filter(~Q(visibility=Visibility.SECRET) | Exists(mine)))


def parent_choices(user: Any) -> QuerySet[Space]:
    """Spaces where the person may open a sub-space (owner or facilitator, open)."""
    return (
        Space.objects.filter(
            status=Status.OPEN,
            memberships__user=user,
            memberships__role__in=[Role.OWNER, Role.FACILITATOR],
        )
        .select_related("parent")
        .order_by("name")
    )


def pending_invitations(space: Space) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(space=space, status=InvitationStatus.PENDING)
        .select_related("invited_by")
        .order_by("-sent_at", "-pk")
    )


def pending_join_requests(space: Space) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(space=space, status=JoinRequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def members_for_management(space: Space, query: str = "") -> QuerySet[Membership]:
    members = Membership.objects.filter(space=space).select_related("user")
    query = query.strip()
    if query:
        members = members.filter(
            Q(user__display_name__icontains=query) | Q(user__email__icontains=query)
        )
    return members.annotate(role_order=ROLE_ORDER).order_by(
        "role_order", "user__display_name", "user__email"
    )


def membership_log(space: Space, limit: int = 50) -> list[Any]:
    """Recent membership steps (joins, departures, role changes...) for the facilitators.

    Each event gets ``subject``: the person the step concerns (one query for all of them).
    """
    from coopilote.accounts.models import User
    from coopilote.activity.models import ActivityEvent

    events = list(
        ActivityEvent.objects.filter(space=space, tool_key="spaces")
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
    ids = {event.payload.get("user") for event in events} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    for event in events:
        event.subject = people.get(event.payload.get("user"))  # type: ignore[attr-defined]
    return events
