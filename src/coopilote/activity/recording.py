"""The one way to write an activity event; actions call it inside their transaction.

Every kind must be *declared* before it is recorded, with its participation class: tools declare
theirs in their manifest (the registry passes them here when the tool registers), the spaces app
in ``spaces/events.py``. Recording an undeclared kind raises ``UndeclaredKind``, so that a kind
cannot reach the log (and the analytics reading it) without a class, a label and an audience.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F

from coopilote.activity.models import ActivityEvent, Participation, ViewCount

_declared: dict[str, Participation] = {}


class UndeclaredKind(LookupError):
    """A programming error: the kind is missing from its manifest (or ``spaces/events.py``)."""


def declare(kind: str, participation: str) -> None:
    """Called by the tool registry and the spaces app at start-up."""
    _declared[kind] = Participation(participation)


def undeclare(kind: str) -> None:
    """For tests that register a temporary tool."""
    _declared.pop(kind, None)


def declared_participation(kind: str) -> Participation:
    try:
        return _declared[kind]
    except KeyError:
        raise UndeclaredKind(
            f"The activity kind {kind!r} is not declared: add it to its tool's manifest "
            "(event_kinds) or to spaces/events.py."
        ) from None


def record(
    *,
    space: Any,
    actor: Any,
    kind: str,
    participation: Participation | str | None = None,
    target: models.Model | None = None,
    parent: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> ActivityEvent:
    """Append one event; its participation class is the declared one (a different one given
    here is refused: the declaration is what analytics rely on)."""
    declared = declared_participation(kind)
    if participation is not None and Participation(participation) != declared:
        raise ValueError(f"{kind!r} is declared {declared.value!r}, not {participation!r}.")
    tool_key = kind.split(".", 1)[0]
    return ActivityEvent.objects.create(
        space=space,
        actor=actor if actor is not None and actor.is_authenticated else None,
        tool_key=tool_key,
        kind=kind,
        participation=declared,
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


def measures_reading(space: Any, actor: Any, membership: Any) -> bool:
    """Whether this person's reading is recorded by name in this space (DESIGN).

    Only where the space turned reading measurement on (members are told on the space page),
    only for the space's own members (``membership`` is the actor's membership of this very
    space, or None), and never for a member who opted out.
    """
    return bool(
        getattr(space, "reading_measurement", False)
        and actor is not None
        and actor.is_authenticated
        and membership is not None
        and membership.user_id == actor.pk
        and membership.space_id == space.pk
        and not membership.reading_opt_out
    )


def record_view(
    *, space: Any, actor: Any, kind: str, target: models.Model, membership: Any = None
) -> ActivityEvent | None:
    """A view: a per-member ``view`` event where reading is measured, else an anonymous count.

    ``kind`` must be declared with the ``view`` class. Returns the event, or None when the view
    only went into the anonymous daily counter.
    """
    if declared_participation(kind) != Participation.VIEW:
        raise ValueError(f"{kind!r} is not declared as a view.")
    if measures_reading(space, actor, membership):
        return record(space=space, actor=actor, kind=kind, target=target)
    count_view(space=space, target=target)
    return None
