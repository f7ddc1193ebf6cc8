"""Every read of spaces and memberships, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from coopilote.spaces.access import SpaceAccess
from coopilote.spaces.models import (
    LISTED_STATUSES,
    LISTED_VISIBILITIES,
    DirectoryVisibility,
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
        visibility__in=LISTED_VISIBILITIES, status__in=LISTED_STATUSES
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
        .exclude(
            space__status=Status.CLOSED, role__in=[Role.MEMBER, Role.OBSERVER, Role.FACILITATOR]
        )
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


def members_for_management(space: Space, query: str = "", role: str = "") -> QuerySet[Membership]:
    members = Membership.objects.filter(space=space).select_related("user")
    query = query.strip()
    if query:
        members = members.filter(
            Q(user__display_name__icontains=query) | Q(user__email__icontains=query)
        )
    if role:
        members = members.filter(role=role)
    return members.annotate(role_order=ROLE_ORDER).order_by(
        "role_order", "user__display_name", "user__email"
    )


def space_membership(space: Space, membership_id: int) -> Membership | None:
    """One membership of this space (None for another space's id, as for a missing one)."""
    return Membership.objects.select_related("user").filter(pk=membership_id, space=space).first()


def space_join_request(space: Space, request_id: int) -> JoinRequest | None:
    return JoinRequest.objects.select_related("user").filter(pk=request_id, space=space).first()


# Steps shown in the membership log; edits of the space itself are not about its members.
MEMBERSHIP_KINDS = (
    Q(kind="spaces.space.created")
    | Q(kind__startswith="spaces.member.")
    | Q(kind__startswith="spaces.join_request.")
    | Q(kind__startswith="spaces.invitation.")
)


def membership_events(space: Space) -> QuerySet[Any]:
    from coopilote.activity.models import ActivityEvent

    return (
        ActivityEvent.objects.filter(space=space, tool_key="spaces")
        .filter(MEMBERSHIP_KINDS)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def membership_log(space: Space, limit: int = 50, events: Any = None) -> list[Any]:
    """Recent membership steps (joins, departures, role changes...) for the facilitators.

    ``events`` may be one page of ``membership_events``. Each event gets ``subject``: the
    person the step concerns (one query for all of them).
    """
    from coopilote.accounts.models import User

    events = list(membership_events(space)[:limit] if events is None else events)
    ids = {event.payload.get("user") for event in events} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    for event in events:
        event.subject = people.get(event.payload.get("user"))  # type: ignore[attr-defined]
    return events


# Member directory ("qui sait quoi") ------------------------------------------------------------

DIRECTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class DirectoryFilters:
    """What the directory form asks for; empty strings mean "any"."""

    q: str = ""
    role: str = ""
    organisation: str = ""
    skill: str = ""
    interest: str = ""
    place: str = ""

    @property
    def active(self) -> bool:
        return any(vars(self).values())


@dataclass(frozen=True)
class DirectoryChoices:
    """The organisations and tags present among a space's members, for the filter lists."""

    organisations: list[str]
    skills: list[tuple[str, str]]  # (slug, name)
    interests: list[tuple[str, str]]


_CHOICE_ORGANISATION, _CHOICE_SKILL, _CHOICE_INTEREST = 0, 1, 2


def _organisation_shown() -> Coalesce:
    """The organisation a member speaks for here, else the one on their profile."""
    return Coalesce(NullIf("represents", Value("")), "user__organisation")


def directory_members(space: Space, filters: DirectoryFilters) -> QuerySet[Membership]:
    """Members of one space matching the filters, by name; ``attach_tags`` fills their tags.

    The directory lists memberships rather than people so that the role and the organisation
    represented come with each row (one join to the user, no query per card).
    """
    from coopilote.accounts.models import User

    members = Membership.objects.filter(space=space, user__deleted_at__isnull=True)
    if filters.role:
        members = members.filter(role=filters.role)
    if filters.organisation:
        members = members.filter(
            Q(represents=filters.organisation)
            | Q(represents="", user__organisation=filters.organisation)
        )
    if filters.skill:
        members = members.filter(
            user__in=User.skills.through.objects.filter(tag__slug=filters.skill).values("user_id")
        )
    if filters.interest:
        members = members.filter(
            user__in=User.interests.through.objects.filter(tag__slug=filters.interest).values(
                "user_id"
            )
        )
    if filters.place:
        members = members.filter(user__place_name__icontains=filters.place)
    if filters.q:
        members = members.filter(
            Q(user__display_name__icontains=filters.q)
            | Q(user__bio__icontains=filters.q)
            | Q(user__organisation__icontains=filters.q)
            | Q(represents__icontains=filters.q)
        )
    return by_name(members.select_related("user"), "user_id")


def by_name(memberships: QuerySet[Membership], tiebreak: str) -> QuerySet[Membership]:
    """Memberships ordered by the display name, else the address, lower-cased; then ``tiebreak``."""
    return memberships.annotate(
        sort_name=Lower(
            Coalesce(
                NullIf("user__display_name", Value("")),
                "user__email",
                output_field=CharField(),
            )
        )
    ).order_by("sort_name", tiebreak)


class TagLabel(NamedTuple):
    """A tag as a card shows it: lighter than a model instance, and there are hundreds."""

    name: str
    slug: str


def attach_tags(memberships: list[Membership]) -> None:
    """Give each member's user ``skill_tags`` and ``interest_tags`` in one query.

    Two ``Prefetch`` lookups would cost one query each; the directory's budget (8 queries a page)
    has room for one, so both link tables are read in a single UNION.
    """
    from coopilote.accounts.models import User

    users = {membership.user_id: membership.user for membership in memberships}
    for user in users.values():
        user.skill_tags = []  # type: ignore[attr-defined]
        user.interest_tags = []  # type: ignore[attr-defined]
    if not users:
        return

    def links(through: Any, kind: int) -> QuerySet[Any]:
        return (
            through.objects.filter(user_id__in=users)
            .annotate(kind=Value(kind, output_field=IntegerField()))
            .values_list("kind", "user_id", "tag__name", "tag__slug")
            .order_by()
        )

    rows = links(User.skills.through, _CHOICE_SKILL).union(
        links(User.interests.through, _CHOICE_INTEREST), all=True
    )
    for kind, user_id, name, slug in sorted(rows, key=lambda row: (row[2].casefold(), row[3])):
        user = users[user_id]
        tags = user.skill_tags if kind == _CHOICE_SKILL else user.interest_tags  # type: ignore[attr-defined]
        tags.append(TagLabel(name, slug))


def directory_page(space: Space, filters: DirectoryFilters, number: Any) -> Page[Membership]:
    """One page of the directory, its members' tags attached, in two queries (one with tags).

    The total comes with the page's rows through a window function instead of a separate
    COUNT: the directory's budget is 8 queries a page. Only a page number past the end (or a
    search that finds nobody) costs a COUNT, after which the last page is read.
    """
    members = directory_members(space, filters)
    paginator = Paginator(members, DIRECTORY_PAGE_SIZE)
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    offset = (wanted - 1) * DIRECTORY_PAGE_SIZE
    counted = members.annotate(total=Window(Count("pk")))
    rows: list[Membership] = list(counted[offset : offset + DIRECTORY_PAGE_SIZE])
    if rows:
        paginator.count = rows[0].total  # type: ignore[attr-defined, misc]
        page = Page(rows, wanted, paginator)
    else:
        page = paginator.get_page(wanted)
        rows = list(page.object_list)
    attach_tags(rows)
    return page


DIRECTORY_CHOICES_SECONDS = 60


def directory_choices(space: Space) -> DirectoryChoices:
    """Organisations, skills and interests present among the members, kept a minute.

    Reading them means going through every member of the space, the most expensive part of a
    directory page; a new skill showing up in the lists a minute late is a fair price.
    """
    return cache.get_or_set(  # type: ignore[return-value]
        f"spaces:directory-choices:{space.pk}",
        lambda: _directory_choices(space),
        DIRECTORY_CHOICES_SECONDS,
    )


def _directory_choices(space: Space) -> DirectoryChoices:
    """Organisations, skills and interests present among the members, in one query."""
    from coopilote.accounts.models import Tag, User

    def tags(through: Any, kind: int) -> QuerySet[Any]:
        # Tag by tag, the first member who has it is enough: far cheaper than reading every
        # link of every member when the space is large.
        held = through.objects.filter(
            tag_id=OuterRef("pk"),
            user_id__in=Membership.objects.filter(space=space).values("user_id"),
        )
        return (
            Tag.objects.filter(Exists(held))
            .annotate(kind=Value(kind, output_field=IntegerField()))
            .values_list("kind", "slug", "name")
            .order_by()
        )

    organisations = (
        Membership.objects.filter(space=space, user__deleted_at__isnull=True)
        .annotate(
            kind=Value(_CHOICE_ORGANISATION, output_field=IntegerField()),
            value=_organisation_shown(),
            label=_organisation_shown(),
        )
        .exclude(value="")
        .values_list("kind", "value", "label")
        .order_by()
    )
    # The union takes the membership's default ordering unless told otherwise.
    rows = organisations.union(
        tags(User.skills.through, _CHOICE_SKILL), tags(User.interests.through, _CHOICE_INTEREST)
    ).order_by()
    found: dict[int, list[tuple[str, str]]] = {0: [], 1: [], 2: []}
    for kind, value, label in rows:
        if value:
            found[kind].append((value, label))
    for values in found.values():
        values.sort(key=lambda pair: (pair[1].casefold(), pair[0]))
    return DirectoryChoices(
        organisations=[value for value, _label in found[_CHOICE_ORGANISATION]],
        skills=found[_CHOICE_SKILL],
        interests=found[_CHOICE_INTEREST],
    )


def directory_member(space: Space, user_id: int) -> Membership | None:
    """One member of the space with their tags (``skill_tags``, ``interest_tags``)."""
    membership = (
        Membership.objects.filter(space=space, user_id=user_id, user__deleted_at__isnull=True)
        .select_related("user")
        .first()
    )
    if membership is not None:
        attach_tags([membership])
    return membership


def shared_spaces(access: SpaceAccess, other: Any) -> list[Space]:
    """Other spaces both people belong to, where the viewer may see the member list.

    Only the viewer's own memberships count (not roles inherited from a parent), and a space
    whose directory is for facilitators only counts only when the viewer facilitates it: knowing
    that someone belongs to a space is part of its directory.
    """
    if not access.is_authenticated:
        return []
    viewer_spaces = (
        Membership.objects.filter(user=access.user)
        .exclude(space__status=Status.CLOSED)
        .filter(
            Q(space__directory_visibility=DirectoryVisibility.MEMBERS)
            | Q(role__in=[Role.OWNER, Role.FACILITATOR])
        )
        .values("space_id")
    )
    return list(
        Space.objects.filter(pk__in=viewer_spaces, memberships__user=other)
        .exclude(pk=access.space.pk)
        .order_by("name", "pk")
    )


# Tools of a space -----------------------------------------------------------------------------


def enabled_tools(space: Space) -> list[Any]:
    """The space's enabled tools in their order, each with ``manifest`` and ``url`` (one query).

    Rows of a tool no longer installed are left out: nothing could answer at their address.
    """
    from coopilote.spaces import registry
    from coopilote.spaces.models import SpaceTool

    base = space.get_absolute_url()
    tools = []
    for tool in SpaceTool.objects.filter(space=space, enabled=True).order_by("position", "pk"):
        manifest = registry.get(tool.tool_key)
        if manifest is not None:
            tool.manifest = manifest  # type: ignore[attr-defined]
            tool.url = f"{base}{tool.slug}/"  # type: ignore[attr-defined]
            tools.append(tool)
    return tools


@dataclass(frozen=True)
class ToolChoice:
    """A registered tool as the facilitators' tools page shows it, enabled here or not."""

    manifest: Any
    space_tool: Any  # SpaceTool, or None if never enabled here
    usages: list[str]

    @property
    def enabled(self) -> bool:
        return self.space_tool is not None and self.space_tool.enabled


def tools_overview(space: Space) -> list[ToolChoice]:
    """Every registered tool: the space's enabled ones in their order, then the others by name."""
    from coopilote.spaces import registry
    from coopilote.spaces.models import SpaceTool

    rows = {tool.tool_key: tool for tool in SpaceTool.objects.filter(space=space)}
    choices = [
        ToolChoice(
            manifest=manifest,
            space_tool=rows.get(manifest.key),
            usages=[str(registry.USAGES[usage]) for usage in manifest.usages],
        )
        for manifest in registry.manifests()
    ]
    enabled = sorted(
        (choice for choice in choices if choice.enabled),
        key=lambda choice: (choice.space_tool.position, choice.space_tool.pk),
    )
    others = sorted(
        (choice for choice in choices if not choice.enabled),
        key=lambda choice: str(choice.manifest.verbose_name).casefold(),
    )
    return enabled + others


def space_tool(space: Space, tool_key: str) -> Any:
    from coopilote.spaces.models import SpaceTool

    return SpaceTool.objects.filter(space=space, tool_key=tool_key).first()
