"""Small helpers shared by the external tools tests."""

from __future__ import annotations

from typing import Any

from coopilote.activity.models import ActivityEvent, ViewCount
from coopilote.spaces.access import ToolAccess, access_for
from coopilote.spaces.models import Space, SpaceTool
from coopilote.tools.external.manifest import MANIFEST
from coopilote.tools.external.models import ExternalTool


def tool_access_for(space: Space, user: Any) -> ToolAccess:
    """What the door gives ``user`` in ``space`` (the tool row read fresh, enabled or not)."""
    space = Space.objects.select_related("parent").get(pk=space.pk)
    return ToolAccess(
        space_access=access_for(space, user),
        tool=SpaceTool.objects.get(space=space, tool_key="external"),
        manifest=MANIFEST,
    )


def state() -> dict[str, Any]:
    """Everything a refused request must leave untouched."""
    return {
        "cards": list(ExternalTool.objects.order_by("pk").values()),
        "tools": list(SpaceTool.objects.order_by("pk").values()),
        "events": list(ActivityEvent.objects.order_by("pk").values_list("pk", "kind")),
        "views": list(ViewCount.objects.order_by("pk").values()),
    }


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
