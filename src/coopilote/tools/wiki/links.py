"""``[[Links]]`` between pages, resolved for one reader when a page is shown.

The stored HTML of a revision holds placeholders (``markup``); ``for_reader`` makes them links
in a fixed number of queries whatever the number of links: this space's pages by address and by
former address, then, for links to other spaces, those spaces, the reader's rights in them and
their pages. A link to a space the reader may not read, or whose wiki is off, is its label as
plain text: the reader learns nothing about the target, not even whether it exists.
Embedded objects (``![[library:<id>]]``) are then shown by the tool that registered their
scheme, one batch per scheme.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.urls import reverse
from django.utils.http import urlencode

from coopilote.spaces import registry
from coopilote.spaces.access import ToolAccess, spaces_by_slug, tool_accesses
from coopilote.spaces.models import Space
from coopilote.spaces.registry import EmbedRef
from coopilote.tools.wiki import markup
from coopilote.tools.wiki.manifest import KEY, READ
from coopilote.tools.wiki.models import Page, PageRedirect


def live_addresses(space_ids: Iterable[int], slugs: set[str]) -> dict[tuple[int, str], str]:
    """(space id, address as written) → the live page's current address, for current and former
    addresses (two queries at most)."""
    ids = set(space_ids)
    if not ids or not slugs:
        return {}
    found = {
        (space_id, slug): slug
        for space_id, slug in Page.objects.filter(
            space_id__in=ids, slug__in=slugs, deleted_at__isnull=True
        ).values_list("space_id", "slug")
    }
    if len(found) < len(ids) * len(slugs):
        moved = PageRedirect.objects.filter(
            space_id__in=ids, old_slug__in=slugs, page__deleted_at__isnull=True
        ).values_list("space_id", "old_slug", "page__slug")
        for space_id, old_slug, current in moved:
            found.setdefault((space_id, old_slug), current)
    return found


def _target(space: Space, name: str, current: str | None) -> markup.LinkTarget:
    if current is not None:
        return markup.LinkTarget(url=reverse("wiki:page", args=[space.slug, current]), exists=True)
    create = reverse("wiki:create", args=[space.slug])
    return markup.LinkTarget(url=f"{create}?{urlencode({'title': name})}", exists=False)


class ReaderLinks:
    """The ``resolve`` of ``markup.resolve_links`` for one reader of one space's wiki."""

    def __init__(self, access: ToolAccess) -> None:
        self.access = access

    def __call__(
        self, refs: list[markup.LinkRef]
    ) -> dict[markup.LinkRef, markup.LinkTarget | None]:
        here = self.access.space
        elsewhere = {ref.space for ref in refs if ref.space and ref.space != here.slug}
        spaces = spaces_by_slug(elsewhere)
        readable = {here.pk: here}
        others = [space for space in spaces.values() if space.pk != here.pk]
        for space_id, other in tool_accesses(others, self.access.user, KEY).items():
            if other.can(READ):
                readable[space_id] = other.space
        space_of: dict[markup.LinkRef, Space | None] = {}
        wanted: dict[int, set[str]] = defaultdict(set)
        for ref in refs:
            space = here if not ref.space or ref.space == here.slug else spaces.get(ref.space)
            space = readable.get(space.pk) if space is not None else None
            space_of[ref] = space
            if space is not None:
                wanted[space.pk].add(markup.page_slug(ref.name))
        addresses = live_addresses(wanted, set().union(*wanted.values()) if wanted else set())
        targets: dict[markup.LinkRef, markup.LinkTarget | None] = {}
        for ref, space in space_of.items():
            if space is None:
                targets[ref] = None
            else:
                current = addresses.get((space.pk, markup.page_slug(ref.name)))
                targets[ref] = _target(space, ref.name, current)
        return targets


def for_reader(access: ToolAccess, html: str) -> str:
    """A revision's stored HTML as this reader sees it: its links, then its embedded objects."""
    html = markup.resolve_links(html, ReaderLinks(access))
    return markup.resolve_embeds(html, functools.partial(_embeds, access))


def _embeds(access: ToolAccess, scheme: str, refs: list[EmbedRef]) -> Mapping[EmbedRef, str]:
    """One scheme's embeds, shown by the tool that registered it (none left: nothing shown)."""
    resolve = registry.embed_resolver(scheme)
    return resolve(access, refs) if resolve is not None else {}


def target_spaces(refs: Iterable[markup.LinkRef], here: Space) -> dict[str, Space]:
    """For storing links at save time: written space address → space ('' is this space)."""
    found = spaces_by_slug({ref.space for ref in refs if ref.space and ref.space != here.slug})
    return {"": here, here.slug: here, **found}
