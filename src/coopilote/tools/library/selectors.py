"""Every read of the library, each in a fixed number of queries whatever the number of
resources."""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from coopilote.spaces.access import ToolAccess
from coopilote.spaces.registry import TargetLink
from coopilote.tools.library.models import Collection, Resource, ResourceFile, ResourceTag, Share

PAGE_SIZE = 30
# Sort key → ordering; anything else asked for is ignored (SEC-T33: no user-chosen columns).
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "title": ("title", "pk"),
    "downloads": ("-download_count", "-created_at", "-pk"),
}
DEFAULT_SORT = "newest"


def in_space(space: Any) -> Q:
    """Resources a space's library shows: its own, and those shared into it (no duplicates,
    no DISTINCT: the shares are a sub-query)."""
    return Q(space=space) | Q(pk__in=Share.objects.filter(space=space).values("resource_id"))


def resources_of(space: Any) -> QuerySet[Resource]:
    return Resource.objects.filter(in_space(space))


def resource_in(space: Any, public_id: str) -> Resource | None:
    """The resource ``public_id`` as this space's library shows it (None: not here), with its
    origin space and current file."""
    return (
        resources_of(space)
        .filter(public_id=public_id)
        .select_related("space", "current_file", "created_by")
        .first()
    )


@dataclass(frozen=True)
class LibraryFilters:
    """What the library's search form asks for, already checked; empty values mean "any"."""

    q: str = ""
    kind: str = ""
    resource_type: str = ""
    tag: str = ""
    licence: str = ""
    language: str = ""
    author: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = DEFAULT_SORT

    @property
    def active(self) -> bool:
        return any(value for name, value in vars(self).items() if name != "sort")


def filtered(
    space: Any, filters: LibraryFilters, resources: QuerySet[Resource] | None = None
) -> QuerySet[Resource]:
    """``resources`` (by default all those the space's library shows) narrowed by the filters,
    in the asked order."""
    if resources is None:
        resources = resources_of(space)
    exact = {
        "kind": filters.kind,
        "resource_type": filters.resource_type,
        "licence": filters.licence,
        "language": filters.language,
    }
    resources = resources.filter(**{field: value for field, value in exact.items() if value})
    if filters.tag:
        tagged = ResourceTag.objects.filter(slug=filters.tag).values("resource_id")
        resources = resources.filter(pk__in=tagged)
    if filters.author:
        resources = resources.filter(author__icontains=filters.author)
    if filters.date_from:
        resources = resources.filter(published_on__gte=filters.date_from)
    if filters.date_to:
        resources = resources.filter(published_on__lte=filters.date_to)
    if filters.q:
        resources = resources.filter(
            Q(title__icontains=filters.q) | Q(description__icontains=filters.q)
        )
    return resources.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def attach_tags(resources: list[Resource]) -> None:
    """Give each resource ``tag_list`` (by name) in one query."""
    by_id = {resource.pk: resource for resource in resources}
    for resource in resources:
        resource.tag_list = []  # type: ignore[attr-defined]
    if not by_id:
        return
    for tag in ResourceTag.objects.filter(resource_id__in=by_id).order_by("name", "pk"):
        by_id[tag.resource_id].tag_list.append(tag)  # type: ignore[attr-defined]


class _OwnAndShared:
    """The resources a library shows, for its paginator: the space's own and those shared into
    it are read apart, each in the asked order through its own index, and merged. One query with
    "own OR shared" makes the database sort every resource of the space to show thirty.

    Each part's first ``end`` rows give the merged list's first ``end`` rows, so pages never
    overlap nor skip, even where the database and Python order titles slightly differently.
    """

    def __init__(self, space: Any, filters: LibraryFilters) -> None:
        self.space = space
        shared_ids = Share.objects.filter(space=space).values("resource_id")
        self.own = filtered(space, filters, Resource.objects.filter(space=space))
        self.shared = filtered(space, filters, Resource.objects.filter(pk__in=shared_ids))
        self.ordering = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])

    def count(self) -> int:
        """Both parts counted in one query."""
        own = self.own.order_by().values("space").annotate(total=Count("pk")).values("total")
        shared = (
            self.shared.order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(total=Count("pk"))
            .values("total")
        )
        own_total, shared_total = (
            type(self.space)
            .objects.filter(pk=self.space.pk)
            .annotate(own=Coalesce(Subquery(own[:1]), 0), shared=Coalesce(Subquery(shared[:1]), 0))
            .values_list("own", "shared")
            .get()
        )
        return int(own_total) + int(shared_total)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Resource]:
        end = window.stop
        related = ("space", "current_file")
        parts = [list(self.own.select_related(*related)[:end])]
        parts.append(list(self.shared.select_related(*related)[:end]))
        fields = [field.lstrip("-") for field in self.ordering]
        merged = heapq.merge(
            *parts,
            key=lambda resource: tuple(getattr(resource, field) for field in fields),
            reverse=self.ordering[0].startswith("-"),
        )
        return list(islice(merged, window.start, end))


def library_page(space: Any, filters: LibraryFilters, number: Any) -> Page[Resource]:
    """One page of the library (count, the two parts' rows with origin space and current file,
    their tags: four queries)."""
    resources: Any = _OwnAndShared(space, filters)  # what a Paginator needs: count, slices
    page: Page[Resource] = Paginator(resources, PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    attach_tags(page.object_list)
    return page


def versions(resource: Resource) -> list[ResourceFile]:
    """The file's versions, newest first, with who uploaded each."""
    return list(resource.files.select_related("uploaded_by").order_by("-number"))


def version(resource: Resource, number: int) -> ResourceFile | None:
    return resource.files.filter(number=number).first()


def stored_names(resource: Resource) -> list[str]:
    """Every file the storage holds for this resource: each version and its thumbnail."""
    names = []
    for name, thumbnail in resource.files.values_list("storage_name", "thumbnail"):
        names.append(name)
        if thumbnail:
            names.append(thumbnail)
    return names


def feed_targets(
    access: ToolAccess, ids_by_type: dict[str, set[int]]
) -> dict[tuple[str, int], TargetLink]:
    """The manifest's ``resolve_targets``: resources and collections named in the activity feed,
    while they are still in this space's library (one query per type on the page)."""
    if not access.can("read"):
        return {}
    found: dict[tuple[str, int], TargetLink] = {}
    label = Resource._meta.label_lower
    if ids_by_type.get(label):
        for pk, title, public_id in (
            resources_of(access.space)
            .filter(pk__in=ids_by_type[label])
            .values_list("pk", "title", "public_id")
        ):
            url = reverse("library:resource", args=[access.space.slug, public_id])
            found[(label, pk)] = TargetLink(title=title, url=url)
    label = Collection._meta.label_lower
    if ids_by_type.get(label):
        for pk, title, slug in Collection.objects.filter(
            space=access.space, pk__in=ids_by_type[label]
        ).values_list("pk", "title", "slug"):
            url = reverse("library:collection", args=[access.space.slug, slug])
            found[(label, pk)] = TargetLink(title=title, url=url)
    return found


def home_news(access: ToolAccess, limit: int = 3) -> list[TargetLink]:
    """The manifest's ``home_news``: the resources added last to this space's library (its own
    and those shared into it), for its card at the gare centrale (one query)."""
    if not access.can("read"):
        return []
    return [
        TargetLink(
            title=title,
            url=reverse("library:resource", args=[access.space.slug, public_id]),
            when=created_at,
        )
        for title, public_id, created_at in resources_of(access.space)
        .order_by("-created_at", "-pk")
        .values_list("title", "public_id", "created_at")[:limit]
    ]


# A bulk upload is described within a day; its resources are named by their public id.
RECENT = timedelta(hours=24)
PUBLIC_ID = re.compile(r"^[0-9a-f]{32}$")


def recently_added(access: ToolAccess, public_ids: list[str], limit: int) -> list[Resource]:
    """The files named (at most ``limit``) that the reader added in this space in the last 24
    hours, for the page describing a bulk upload: in the order named, with their current file and
    tags (two queries)."""
    user = access.user
    wanted = list(dict.fromkeys(pid for pid in public_ids if PUBLIC_ID.match(pid)))
    wanted = wanted[:limit]
    if not wanted or user is None or not user.is_authenticated:
        return []
    found = {
        resource.public_id: resource
        for resource in Resource.objects.filter(
            space=access.space,
            created_by=user,
            kind=Resource.Kind.FILE,
            created_at__gte=timezone.now() - RECENT,
            public_id__in=wanted,
        ).select_related("current_file")
    }
    resources = [found[pid] for pid in wanted if pid in found]
    attach_tags(resources)
    return resources
