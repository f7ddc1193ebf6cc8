"""The one way to write an activity event; actions call it inside their transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F

from coopilote.activity.models import ActivityEvent, Participation, ViewCount


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


def count_view(*, space: Any, target: models.Model, day: date | None = None) -> None:
    """Add one anonymous view of ``target`` to today's counter (an upsert with ``F()``).

    Two first views of the day may race: the loser of the insert adds to the winner's row.
    """
    from coopilote.activity.rollups import local_today

    day = day or local_today()
    key = {
        "space": space,
        "target_type": target._meta.label_lower,
        "target_id": target.pk,
        "day": day,
    }
    with transaction.atomic():
        if ViewCount.objects.filter(**key).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                ViewCount.objects.create(**key, count=1)
        except IntegrityError:
            ViewCount.objects.filter(**key).update(count=F("count") + 1)


def measures_reading(space: Any, actor: Any) -> bool:
    """Whether this person's reading is recorded by name in this space (DESIGN: a space setting
    that members are told about and may opt out of). Until that setting exists, never."""
    return False


def record_view(*, space: Any, actor: Any, kind: str, target: models.Model) -> None:
    """A view: a per-member ``view`` event where reading is measured, else an anonymous count."""
    if measures_reading(space, actor):
        record(space=space, actor=actor, kind=kind, participation=Participation.VIEW, target=target)
    else:
        count_view(space=space, target=target)
