"""Every read of the wiki, each in a fixed number of queries whatever the number of pages."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse

from coopilote.spaces.access import ANCESTORS, ToolAccess, tool_accesses
from coopilote.spaces.models import Space
from coopilote.spaces.registry import TargetLink
from coopilote.tools.wiki.manifest import KEY, READ
from coopilote.tools.wiki.models import Draft, Page, PageFollower, PageLink, PageRedirect, Revision

HISTORY_PER_PAGE = 50
CHANGES_PER_PAGE = 50


def live_pages(space: Space) -> Any:
    return Page.objects.filter(space=space, deleted_at__isnull=True)


# What a list needs to name who saved last (never the whole account row).
AUTHOR_FIELDS = (
    "current__author__display_name",
    "current__author__email",
    "current__author__deleted_at",
)
INDEX_PER_PAGE = 100


def page_index(space: Space, number: int | str | None = 1) -> PaginatorPage:
    """One screen of the space's pages by address (alphabetical, accents aside), with who saved
    last (two queries: count and rows)."""
    pages = (
        live_pages(space)
        .select_related("current__author")
        .only("title", "slug", "updated_at", "current__number", *AUTHOR_FIELDS)
        .order_by("slug")
    )
    return Paginator(pages, INDEX_PER_PAGE).get_page(number)


def page(space: Space, slug: str) -> Page | None:
    """A live page of this space with its current revision and that revision's author."""
    return live_pages(space).filter(slug=slug).select_related("current__author").first()


def backlinks(access: ToolAccess, page: Page) -> list[Page]:
    """Live pages whose current text links here, by its address or a former one: this space's
    pages, then those of other spaces whose wiki the reader may read (each with ``space``
    loaded), by address. Two queries, three more only when other spaces link here."""
    linking = list(
        Page.objects.filter(
            Q(links_out__to_slug=page.slug)
            | Q(links_out__to_slug__in=PageRedirect.objects.filter(page=page).values("old_slug")),
            links_out__to_space=access.space,
            deleted_at__isnull=True,
        )
        .exclude(pk=page.pk)
        .select_related(f"space__{ANCESTORS}")
        .only("pk", "title", "slug", "space")
        .order_by("slug")
        .distinct()
    )
    others = {found.space_id: found.space for found in linking if found.space_id != page.space_id}
    readable = {
        space_id
        for space_id, other in tool_accesses(list(others.values()), access.user, KEY).items()
        if other.can(READ)
    }
    readable.add(page.space_id)
    shown = [found for found in linking if found.space_id in readable]
    return sorted(shown, key=lambda found: (found.space_id != page.space_id, found.slug))


def history(page: Page, number: int | str | None = 1) -> PaginatorPage:
    """One screen of the page's revisions, newest first, without their texts."""
    revisions = (
        Revision.objects.filter(page=page)
        .select_related("author")
        .defer("body", "html", "toc")
        .order_by("-number")
    )
    return Paginator(revisions, HISTORY_PER_PAGE).get_page(number)


def revision(page: Page, number: int) -> Revision | None:
    return Revision.objects.filter(page=page, number=number).select_related("author").first()


def revisions(page: Page, numbers: list[int]) -> dict[int, Revision]:
    found = Revision.objects.filter(page=page, number__in=numbers).select_related("author")
    return {revision.number: revision for revision in found}


def draft(user: Any, space: Space, page: Page | None) -> Draft | None:
    if not user.is_authenticated:
        return None
    return Draft.objects.filter(space=space, page=page, user=user).first()


def links_to_create(space: Space) -> list[dict[str, Any]]:
    """``[[Names]]`` written in this space's pages that name no live page of it yet (neither by
    address nor by a former address), with how many pages want each."""
    existing = live_pages(space).values("slug")
    former = PageRedirect.objects.filter(space=space, page__deleted_at__isnull=True)
    rows = (
        PageLink.objects.filter(
            from_page__space=space, from_page__deleted_at__isnull=True, to_space=space
        )
        .exclude(to_slug__in=existing)
        .exclude(to_slug__in=former.values("old_slug"))
        .values_list("to_slug", "to_name")
        .order_by("to_slug", "to_name")
    )
    wanted: dict[str, dict[str, Any]] = {}
    for slug, name in rows:
        entry = wanted.setdefault(slug, {"slug": slug, "name": name, "count": 0})
        entry["count"] += 1
    return list(wanted.values())


def feed_targets(
    access: ToolAccess, ids_by_type: dict[str, set[int]]
) -> dict[tuple[str, int], TargetLink]:
    """The manifest's ``resolve_targets``: live pages named for the activity feed (one query).

    Every reader of the wiki may read every page of the space, so existence is the only test.
    """
    label = Page._meta.label_lower
    ids = ids_by_type.get(label)
    if not ids or not access.can("read"):
        return {}
    return {
        (label, pk): TargetLink(
            title=title, url=reverse("wiki:page", args=[access.space.slug, slug])
        )
        for pk, title, slug in live_pages(access.space)
        .filter(pk__in=ids)
        .values_list("pk", "title", "slug")
    }


def home_news(access: ToolAccess, limit: int = 3) -> list[TargetLink]:
    """The manifest's ``home_news``: the pages changed last, for the wiki's card at the gare
    centrale (one query). Who changed them is the history's business."""
    if not access.can("read"):
        return []
    return [
        TargetLink(
            title=title, url=reverse("wiki:page", args=[access.space.slug, slug]), when=updated
        )
        for title, slug, updated in live_pages(access.space)
        .order_by("-updated_at", "-pk")
        .values_list("title", "slug", "updated_at")[:limit]
    ]


# Trash, former addresses and the page tree ----------------------------------------------------


def trash(space: Space) -> list[Page]:
    """The space's pages in the trash, most recently deleted first."""
    return list(
        Page.objects.filter(space=space, deleted_at__isnull=False)
        .select_related("current__author")
        .defer("current__body", "current__html", "current__toc")
        .order_by("-deleted_at", "slug")
    )


def trashed_page(space: Space, page_id: int) -> Page | None:
    return Page.objects.filter(space=space, pk=page_id, deleted_at__isnull=False).first()


def redirect_target(space: Space, slug: str) -> Page | None:
    """The live page that used to have the address ``slug`` (renamed since), if any."""
    found = (
        PageRedirect.objects.filter(space=space, old_slug=slug, page__deleted_at__isnull=True)
        .select_related("page")
        .first()
    )
    return found.page if found is not None else None


def page_tree(space: Space) -> list[tuple[Page, int]]:
    """Every live page with its depth, each followed by its sub-pages, siblings by title.

    A page whose parent is in the trash shows at the top. One query.
    """
    pages = list(live_pages(space).only("pk", "title", "slug", "parent_id"))
    ids = {page.pk for page in pages}
    children: dict[int | None, list[Page]] = {}
    for page in pages:
        parent = page.parent_id if page.parent_id in ids else None
        children.setdefault(parent, []).append(page)
    for siblings in children.values():
        siblings.sort(key=lambda page: (page.title.casefold(), page.slug))
    tree: list[tuple[Page, int]] = []
    stack: list[tuple[Page, int]] = [(page, 0) for page in reversed(children.get(None, []))]
    while stack:
        page, depth = stack.pop()
        tree.append((page, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(page.pk, [])))
    return tree


def move_choices(space: Space, page: Page) -> list[tuple[Page, int]]:
    """Where ``page`` may go: every live page of the tree except itself and its sub-pages."""
    tree = page_tree(space)
    allowed: list[tuple[Page, int]] = []
    skipping_below: int | None = None
    for candidate, depth in tree:
        if skipping_below is not None and depth > skipping_below:
            continue
        skipping_below = None
        if candidate.pk == page.pk:
            skipping_below = depth
            continue
        allowed.append((candidate, depth))
    return allowed


def nested_tree(space: Space) -> list[dict[str, Any]]:
    """``page_tree`` as nested nodes ``{"page", "children"}`` for a nested list."""
    roots: list[dict[str, Any]] = []
    path: list[dict[str, Any]] = []
    for page, depth in page_tree(space):
        node: dict[str, Any] = {"page": page, "children": []}
        del path[depth:]
        (path[-1]["children"] if path else roots).append(node)
        path.append(node)
    return roots


# Recent changes and followers -----------------------------------------------------------------


def recent_changes(space: Space, number: int | str | None = 1) -> PaginatorPage:
    """One screen of the latest revisions of the space's live pages, newest first, with their
    page and author, without their texts (two queries: count and rows)."""
    revisions = (
        Revision.objects.filter(space=space, page__deleted_at__isnull=True)
        .select_related("page", "author")
        .defer("body", "html", "toc", "token")
        .order_by("-created_at", "-pk")
    )
    return Paginator(revisions, CHANGES_PER_PAGE).get_page(number)


def is_following(user: Any, page: Page) -> bool:
    if not user.is_authenticated:
        return False
    return PageFollower.objects.filter(page=page, user=user).exists()
