"""Reads for the gare centrale (a space's home page) and its activity feed.

What a reader may see of a space's activity is decided once per request by ``feed_scope``:

- only this space's own events (a sub-space's events stay in the sub-space);
- only declared kinds (``spaces/events.py`` and the tools' manifests), never ``view`` ones;
- a tool's events only while the tool is enabled and this reader may use its verb ``audience``
  (``read`` by default): a disabled tool's events disappear with it, and come back with it;
- the spaces app's own kinds according to their audience, a verb of the role matrix: events
  about members only for those who may see the member directory, join requests and
  invitations only for those who manage members;
- the names of the people who acted only for those who may see the directory (a visitor of a
  public space reads "someone from the space"): knowing who belongs to a space is the
  directory's business.

The feed then filters ``ActivityEvent`` rows with ``kind IN (those kinds)`` on the index
(space, -created_at) and pages with a keyset on (created_at, id): the query count of a page
does not depend on the number of events. The objects events are about are named only when
they still exist and the reader may see them: the spaces app's own (tools of the space,
members) from what the page already loaded plus one query for members, a tool's through its
manifest's ``resolve_targets`` (one query per tool whose events are on the page).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from coopilote.activity.models import ActivityEvent, Participation
from coopilote.activity.rollups import local_today
from coopilote.spaces import events, policies
from coopilote.spaces.access import SpaceAccess, ToolAccess, tool_allowed
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.registry import EventKind, TargetLink

PAGE_SIZE = 30
HOME_SIZE = 10
NEWEST_MEMBERS = 6
# "N new things" stops counting here: the page says "more than 99" rather than scan a year.
NEW_CAP = 99
# Members who joined this recently (or never came back since their first visit) see the
# "start here" block unfolded, at the top.
NEWCOMER_DAYS = 30
SPACES = events.TOOL_KEY


# Who may see what ------------------------------------------------------------------------------


@dataclass
class FeedScope:
    """What one reader may see of one space's activity (see the module's docstring)."""

    access: SpaceAccess
    kinds: dict[str, EventKind] = field(default_factory=dict)
    tools: dict[str, Any] = field(default_factory=dict)  # readable enabled SpaceTools by key
    names_visible: bool = False

    def kinds_of(self, tool: str = "") -> list[str]:
        if not tool:
            return list(self.kinds)
        return [key for key in self.kinds if key.split(".", 1)[0] == tool]

    def tool_choices(self) -> list[tuple[str, str]]:
        """(value, title) for the feed's tool filter: the space itself, then its tools."""
        from django.utils.translation import gettext as _

        choices = []
        if self.kinds_of(SPACES):
            choices.append((SPACES, _("The space and its members")))
        choices += [(key, tool.title) for key, tool in self.tools.items() if self.kinds_of(key)]
        return choices


def _shown(declared: EventKind) -> bool:
    return declared.audience is not None and declared.participation != Participation.VIEW


def feed_scope(access: SpaceAccess) -> FeedScope:
    """No query of its own: the tools come from ``access.space_tools`` (the menu's query)."""
    scope = FeedScope(access=access)
    if not access.can(policies.READ):
        return scope
    scope.names_visible = access.can(policies.SEE_DIRECTORY)
    for declared in events.KINDS:
        if _shown(declared) and access.can(declared.audience):  # type: ignore[arg-type]
            scope.kinds[declared.key] = declared
    for tool in access.space_tools:
        manifest = tool.manifest  # type: ignore[attr-defined]
        scope.tools[tool.tool_key] = tool
        for declared in manifest.event_kinds:
            if _shown(declared) and tool_allowed(access, manifest, tool, declared.audience):
                scope.kinds[declared.key] = declared
    return scope


# Reading the events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a feed page starts: strictly older than this event (keyset pagination)."""

    created_at: datetime
    pk: int

    def encode(self) -> str:
        micros = round(self.created_at.timestamp() * 1_000_000)
        return f"{micros}-{self.pk}"

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        """None for anything but two numbers made by ``encode``."""
        micros, _dash, pk = (value or "").partition("-")
        if not (micros.isdigit() and pk.isdigit()) or len(micros) > 18 or len(pk) > 18:
            return None
        try:
            when = datetime.fromtimestamp(0, tz=UTC) + timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(created_at=when, pk=int(pk))


def _events(
    scope: FeedScope,
    *,
    tool: str = "",
    since: datetime | None = None,
    exclude_actor: Any = None,
) -> QuerySet[ActivityEvent]:
    kinds = scope.kinds_of(tool)
    if not kinds:
        return ActivityEvent.objects.none()
    rows = ActivityEvent.objects.filter(space=scope.access.space, kind__in=kinds)
    if since is not None:
        rows = rows.filter(created_at__gt=since)
    if exclude_actor is not None:
        rows = rows.exclude(actor=exclude_actor)
    return rows.order_by("-created_at", "-pk")


@dataclass
class FeedEntry:
    """One line of the feed, everything the sentence needs already at hand."""

    event: ActivityEvent
    declared: EventKind
    actor_name: str | None  # None: the reader may not know who (or the account is deleted)
    subject: Any = None  # the member a membership event is about, when the reader may know
    subject_url: str = ""
    target: TargetLink | None = None
    tool: Any = None  # the event's SpaceTool, for a tool's event
    new: bool = False  # done by someone else since the reader's previous visit

    @property
    def when(self) -> datetime:
        return self.event.created_at

    @property
    def just_now(self) -> bool:
        return timezone.now() - self.event.created_at < timedelta(minutes=1)

    @property
    def recent(self) -> bool:
        return timezone.now() - self.event.created_at < timedelta(days=7)


@dataclass
class FeedPage:
    entries: list[FeedEntry]
    next_cursor: str = ""


def news_since(membership: Membership | None) -> datetime | None:
    """What is "new" for this member: after their previous visit, or since they joined."""
    if membership is None:
        return None
    return membership.previous_visit_at or membership.joined_at


def feed_page(
    scope: FeedScope,
    *,
    tool: str = "",
    before: Cursor | None = None,
    since_last_visit: bool = False,
    size: int = PAGE_SIZE,
) -> FeedPage:
    """One page of the feed, newest first: one query for the events with their actors, plus
    what ``entries`` needs to name people and objects."""
    since = news_since(scope.access.membership) if since_last_visit else None
    rows = _events(
        scope,
        tool=tool,
        since=since,
        exclude_actor=scope.access.user if since_last_visit else None,
    )
    if before is not None:
        rows = rows.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, pk__lt=before.pk)
        )
    found = list(rows.select_related("actor")[: size + 1])
    next_cursor = ""
    if len(found) > size:
        found = found[:size]
        last = found[-1]
        next_cursor = Cursor(last.created_at, last.pk).encode()
    return FeedPage(entries=entries(scope, found), next_cursor=next_cursor)


def new_count(scope: FeedScope) -> int | None:
    """How many things others did here since the member's previous visit (capped at
    NEW_CAP + 1); None for someone who is not a member."""
    membership = scope.access.membership
    if membership is None:
        return None
    rows = _events(scope, since=news_since(membership), exclude_actor=scope.access.user)
    return rows[: NEW_CAP + 1].count()


def entries(scope: FeedScope, rows: list[ActivityEvent]) -> list[FeedEntry]:
    """Name the people and objects of these events, for this reader."""
    user_id = getattr(scope.access.user, "pk", None)
    since = news_since(scope.access.membership)
    result = []
    for event in rows:
        actor = event.actor
        shown = actor is not None and (scope.names_visible or actor.pk == user_id)
        result.append(
            FeedEntry(
                event=event,
                declared=scope.kinds[event.kind],
                actor_name=actor.public_name if shown and actor is not None else None,
                tool=scope.tools.get(event.tool_key),
                new=since is not None and event.created_at > since and event.actor_id != user_id,
            )
        )
    _name_members(scope, result)
    _name_targets(scope, result)
    return result


def _name_members(scope: FeedScope, found: list[FeedEntry]) -> None:
    """Members named in membership events (one query), linked while they are still members."""
    from coopilote.accounts.models import User

    if not scope.names_visible:
        return
    wanted = {
        entry.event.payload.get("user")
        for entry in found
        if entry.event.tool_key == SPACES and isinstance(entry.event.payload.get("user"), int)
    }
    if not wanted:
        return
    still = Membership.objects.filter(space=scope.access.space, user=OuterRef("pk"))
    people = {
        person.pk: person
        for person in User.objects.filter(pk__in=wanted).annotate(still_member=Exists(still))
    }
    slug = scope.access.space.slug
    for entry in found:
        person = people.get(entry.event.payload.get("user"))
        if person is None:
            continue
        entry.subject = person
        if person.still_member and not person.is_deleted:  # type: ignore[attr-defined]
            entry.subject_url = reverse("spaces:member", args=[slug, person.pk])


def _name_targets(scope: FeedScope, found: list[FeedEntry]) -> None:
    space_tools = {tool.pk: tool for tool in scope.tools.values()}
    wanted: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for entry in found:
        event = entry.event
        if event.target_id is None:
            continue
        if event.tool_key == SPACES:
            tool = space_tools.get(event.target_id)
            if event.target_type == "spaces.spacetool" and tool is not None:
                entry.target = TargetLink(title=tool.title, url=tool.url)
        elif entry.tool is not None:
            wanted[event.tool_key][event.target_type].add(event.target_id)
    for tool_key, ids_by_type in wanted.items():
        tool = scope.tools[tool_key]
        resolve = tool.manifest.target_resolver()
        if resolve is None:
            continue
        links = resolve(
            ToolAccess(space_access=scope.access, tool=tool, manifest=tool.manifest),
            {target_type: set(ids) for target_type, ids in ids_by_type.items()},
        )
        for entry in found:
            if entry.event.tool_key == tool_key:
                key = (entry.event.target_type, entry.event.target_id)
                entry.target = links.get(key)  # type: ignore[arg-type]


# The other blocks of the home page -------------------------------------------------------------


def message_shown(space: Space) -> bool:
    """The facilitators' message, until the end of its last day (local time)."""
    if not space.message_html:
        return False
    return space.message_until is None or space.message_until >= local_today()


def is_newcomer(membership: Membership | None) -> bool:
    """Joined in the last NEWCOMER_DAYS, or has not come back since a first visit."""
    if membership is None:
        return False
    recent = membership.joined_at >= timezone.now() - timedelta(days=NEWCOMER_DAYS)
    return recent or membership.previous_visit_at is None


def newest_members(access: SpaceAccess, limit: int = NEWEST_MEMBERS) -> list[Membership]:
    """The last people to join, for those who may see the directory (else nobody)."""
    if not access.can(policies.SEE_DIRECTORY):
        return []
    return list(
        Membership.objects.filter(space=access.space, user__deleted_at__isnull=True)
        .select_related("user")
        .order_by("-joined_at", "-pk")[:limit]
    )
