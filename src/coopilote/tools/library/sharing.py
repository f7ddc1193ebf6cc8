"""Sharing a resource into other spaces of the network, without a copy (``Share``).

Who may share is narrower than who may read: whoever added the resource (while they may still
contribute in its origin space) or those who manage the origin's library, and only into a space
where they may contribute themselves. So no mere reader can carry a private space's content into
a public one, and someone who lost their membership on either side is refused: both sides are
read again inside the transaction, with both tool rows locked.

The share's events are recorded in the receiving space: that is where the resource appears.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from coopilote.activity.recording import record
from coopilote.spaces.access import (
    ANCESTORS,
    ToolAccess,
    access_for,
    tool_access_again,
    tool_accesses,
)
from coopilote.spaces.models import Membership, Space, SpaceTool
from coopilote.tools.library.actions import may_change
from coopilote.tools.library.manifest import CONTRIBUTE, KEY, MANAGE, MANIFEST
from coopilote.tools.library.models import CollectionItem, Resource, Share
from coopilote.tools.library.selectors import in_space


def may_share(access: ToolAccess, resource: Resource) -> bool:
    """From its origin space only, by whoever may change the resource there."""
    return may_change(access, resource)


def may_unshare(access: ToolAccess, resource: Resource) -> bool:
    """From the origin: whoever may share it. From a receiving space: its managers, or whoever
    added the resource (taking one's own work back is always allowed where one contributes)."""
    if resource.space_id == access.space.pk:
        return may_share(access, resource)
    user = access.user
    return access.can(MANAGE) or bool(
        access.can(CONTRIBUTE)
        and user is not None
        and user.is_authenticated
        and resource.created_by_id == user.pk
    )


def shares_of(resource: Resource) -> list[Share]:
    """The spaces the resource is shared into, by name (one query)."""
    return list(resource.shares.select_related("space").order_by("space__name", "pk"))


def share_targets(access: ToolAccess, resource: Resource) -> list[ToolAccess]:
    """Where this person may share the resource: the spaces they belong to whose library they
    may contribute to, but not its origin nor the spaces that already show it (four queries:
    their memberships, ``tool_accesses``' two, the existing shares)."""
    user = access.user
    if user is None or not user.is_authenticated:
        return []
    memberships = (
        Membership.objects.filter(user=user)
        .exclude(space_id=resource.space_id)
        .select_related(f"space__{ANCESTORS}")
        .order_by("space__name", "space_id")
    )
    spaces = [membership.space for membership in memberships]
    accesses = tool_accesses(spaces, user, KEY)
    already = set(resource.shares.values_list("space_id", flat=True))
    return [
        target
        for space in spaces
        if (target := accesses.get(space.pk)) is not None
        and space.pk not in already
        and target.can(CONTRIBUTE)
    ]


def _event(kind: str, space: Space, actor: Any, resource: Resource) -> None:
    record(
        space=space,
        actor=actor,
        kind=MANIFEST.kind(kind).key,
        target=resource,
        payload={"title": resource.title, "origin": resource.space_id},
    )


def resource_share(*, access: ToolAccess, resource: Resource, space_id: int) -> Share:
    """Show ``resource`` (of the access's space) in the library of space ``space_id`` too."""
    access.require(CONTRIBUTE)
    if not may_share(access, resource):
        raise PermissionDenied
    refused = ValidationError(
        _("You cannot share into this space: choose one of the spaces offered."), code="space"
    )
    if space_id == access.space.pk:
        raise refused
    with transaction.atomic():
        # Both tool rows locked in one statement, in a fixed order (no deadlock with a share
        # going the other way), then both sides' rights read again under the locks.
        tools = {
            tool.space_id: tool
            for tool in SpaceTool.objects.select_for_update()
            .filter(tool_key=KEY, enabled=True, space_id__in=[access.space.pk, space_id])
            .order_by("pk")
        }
        if access.space.pk not in tools:
            raise Http404
        origin = ToolAccess(
            space_access=access_for(access.space, access.user),
            tool=tools[access.space.pk],
            manifest=MANIFEST,
        )
        origin.require(CONTRIBUTE)
        fresh = Resource.objects.filter(pk=resource.pk, space=origin.space).first()
        if fresh is None:
            raise Http404
        if not may_share(origin, fresh):
            raise PermissionDenied
        space = Space.objects.select_related(ANCESTORS).filter(pk=space_id).first()
        if space is None or space_id not in tools:
            raise refused
        receiving = ToolAccess(
            space_access=access_for(space, access.user), tool=tools[space_id], manifest=MANIFEST
        )
        if not receiving.can(CONTRIBUTE):
            raise refused
        if Share.objects.filter(resource=fresh, space=space).exists():
            raise ValidationError(
                _("“%(title)s” is already shared into %(space)s.")
                % {"title": fresh.title, "space": space.name},
                code="already",
            )
        share = Share.objects.create(resource=fresh, space=space, shared_by=access.user)
        _event("library.resource.shared", space, access.user, fresh)
    return share


def resource_unshare(*, access: ToolAccess, resource: Resource, space_id: int) -> None:
    """Stop showing ``resource`` in space ``space_id``: asked from the origin (any space it is
    shared into) or from the receiving space itself (that space only).

    The receiving space's collections drop it too: they only list what its library shows.
    Comments written there are kept, hidden, and come back if it is shared again.
    """
    access.require(CONTRIBUTE)
    if not may_unshare(access, resource):
        raise PermissionDenied
    with transaction.atomic():
        fresh_access = tool_access_again(access, CONTRIBUTE, lock=True)
        fresh = Resource.objects.filter(in_space(fresh_access.space), pk=resource.pk).first()
        if fresh is None:
            raise Http404
        if not may_unshare(fresh_access, fresh):
            raise PermissionDenied
        if fresh.space_id != fresh_access.space.pk and space_id != fresh_access.space.pk:
            raise PermissionDenied  # a receiving space speaks for itself only
        share = Share.objects.filter(resource=fresh, space_id=space_id).first()
        if share is None:
            raise Http404
        receiving = Space.objects.get(pk=space_id)
        CollectionItem.objects.filter(resource=fresh, collection__space=receiving).delete()
        share.delete()
        _event("library.resource.unshared", receiving, access.user, fresh)
