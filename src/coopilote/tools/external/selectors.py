"""Every read of external tools, in a fixed number of queries whatever the number of cards."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from coopilote.spaces.access import ToolAccess
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.registry import TargetLink
from coopilote.spaces.selectors import by_name
from coopilote.tools.external.models import ExternalTool


def external_tools(space: Space) -> list[ExternalTool]:
    """The space's cards in their order, each with its help contact and that person."""
    return list(
        ExternalTool.objects.filter(space=space)
        .select_related("help_contact__user")
        .order_by("position", "pk")
    )


def external_tool(space: Space, tool_id: int) -> ExternalTool | None:
    """One card of this space (None for another space's card, as for a missing one)."""
    return (
        ExternalTool.objects.filter(space=space, pk=tool_id)
        .select_related("help_contact__user")
        .first()
    )


def help_contact_choices(space: Space) -> QuerySet[Membership]:
    """Members who can be named as the person to ask, by name."""
    members = Membership.objects.filter(space=space, user__deleted_at__isnull=True)
    return by_name(members.select_related("user"), "pk")


def feed_targets(
    access: ToolAccess, ids_by_type: dict[str, set[int]]
) -> dict[tuple[str, int], TargetLink]:
    """The manifest's ``resolve_targets``: cards still there, named for the activity feed.

    Every reader of the tool may see every card, so existence is the only test (one query).
    """
    label = ExternalTool._meta.label_lower
    ids = ids_by_type.get(label)
    if not ids or not access.can("read"):
        return {}
    index = reverse("external:index", args=[access.space.slug])
    return {
        (label, pk): TargetLink(title=name, url=f"{index}#outil-{pk}")
        for pk, name in ExternalTool.objects.filter(space=access.space, pk__in=ids).values_list(
            "pk", "name"
        )
    }
