"""Every read of external tools, in a fixed number of queries whatever the number of cards."""

from __future__ import annotations

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from coopilote.spaces.models import Membership, Space
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
    return (
        Membership.objects.filter(space=space, user__deleted_at__isnull=True)
        .select_related("user")
        .annotate(
            sort_name=Lower(
                Coalesce(
                    NullIf("user__display_name", Value("")),
                    "user__email",
                    output_field=CharField(),
                )
            )
        )
        .order_by("sort_name", "pk")
    )
