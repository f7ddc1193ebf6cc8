"""The one way to write an activity event; actions call it inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from coopilote.activity.models import ActivityEvent, Participation


def record(
    *,
    space: Any,
    actor: Any,
    kind: str,
    participation: Participation,
    target: models.Model | None = None,
    parent: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> ActivityEvent:
    tool_key = kind.split(".", 1)[0]
    return ActivityEvent.objects.create(
        space=space,
        actor=actor if actor is not None and actor.is_authenticated else None,
        tool_key=tool_key,
        kind=kind,
        participation=participation,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        parent_type=parent._meta.label_lower if parent is not None else "",
        parent_id=parent.pk if parent is not None else None,
        payload=payload or {},
    )
