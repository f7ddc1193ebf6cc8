"""Collections: ordered selections with an introduction ("kit d'accueil du nouveau membre").

A collection lives in one space and lists resources that space's library shows (its own and
those shared into it; stopping a share takes the resource out of the receiving space's
collections). Contributors create collections; their creator, while they may contribute, and
the library's managers change them. Every write follows the library's actions: verb checked,
one transaction locking the tool row with the rights read again, one declared event.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopilote.activity.recording import record
from coopilote.core.markdown import render_markdown
from coopilote.core.text import clean_plain_text
from coopilote.spaces.access import ToolAccess, tool_access_again
from coopilote.tools.library.actions import _limited, owns_or_manages
from coopilote.tools.library.manifest import CONTRIBUTE, MANAGE, MANIFEST
from coopilote.tools.library.models import TITLE_MAX, Collection, CollectionItem, Resource
from coopilote.tools.library.selectors import resources_of

INTRODUCTION_MAX = 20_000
# Words of the collections' own routes, which a collection's address must never be.
RESERVED_SLUGS = {"nouvelle"}
UP, DOWN = "up", "down"


# Reading --------------------------------------------------------------------------------------


def collections_of(space: Any) -> QuerySet[Collection]:
    """The space's collections by title, each with ``item_count`` (one query)."""
    return (
        Collection.objects.filter(space=space)
        .annotate(item_count=Count("items"))
        .order_by("title", "pk")
    )


def collection_in(space: Any, slug: str) -> Collection | None:
    return Collection.objects.filter(space=space, slug=slug).select_related("created_by").first()


def items_of(collection: Collection) -> list[CollectionItem]:
    """The collection's resources in order, with their origin space and file (one query)."""
    return list(
        collection.items.select_related(
            "resource", "resource__space", "resource__current_file"
        ).order_by("position", "pk")
    )


def editable_collections(access: ToolAccess, resource: Resource) -> list[Collection]:
    """The collections of the space this person may change that do not hold the resource yet
    (what "add to a collection" offers; one query)."""
    if not access.can(CONTRIBUTE):
        return []
    collections = Collection.objects.filter(space=access.space).exclude(
        pk__in=CollectionItem.objects.filter(resource=resource).values("collection_id")
    )
    if not access.can(MANAGE):
        collections = collections.filter(created_by=access.user)
    return list(collections.order_by("title", "pk"))


def may_edit(access: ToolAccess, collection: Collection) -> bool:
    return owns_or_manages(access, collection.space_id, collection.created_by_id)


# Writing --------------------------------------------------------------------------------------


def clean_collection(*, title: str, introduction: str = "") -> dict[str, str]:
    """Both fields checked, every problem reported at once (field name → messages)."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, str] = {}
    try:
        cleaned["title"] = _limited(clean_plain_text(title or ""), TITLE_MAX)
    except ValidationError as error:
        errors["title"] = [error]
    else:
        if not cleaned["title"]:
            errors["title"] = [ValidationError(_("Give the collection a title."), "required")]
    try:
        cleaned["introduction"] = _limited((introduction or "").strip(), INTRODUCTION_MAX)
    except ValidationError as error:
        errors["introduction"] = [error]
    if errors:
        raise ValidationError(errors)
    cleaned["introduction_html"] = render_markdown(cleaned["introduction"])
    return cleaned


def _new_slug(space: Any, title: str) -> str:
    """An address made from the title, free in the space (two queries at most)."""
    # ASCII only: the <slug:> route would not match a Unicode address.
    base = slugify(title)[: TITLE_MAX - 6].strip("-") or "collection"
    taken = set(
        Collection.objects.filter(space=space, slug__startswith=base).values_list("slug", flat=True)
    )
    taken |= RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _event(access: ToolAccess, kind: str, collection: Collection, **payload: Any) -> None:
    record(
        space=access.space,
        actor=access.user,
        kind=MANIFEST.kind(kind).key,
        target=collection,
        payload={"title": collection.title, **payload},
    )


def _locked(access: ToolAccess, collection: Collection) -> tuple[ToolAccess, Collection]:
    """Rights read again under the tool row's lock, and the collection still theirs to change."""
    if not may_edit(access, collection):
        raise PermissionDenied
    fresh_access = tool_access_again(access, CONTRIBUTE, lock=True)
    fresh = Collection.objects.filter(pk=collection.pk, space=fresh_access.space).first()
    if fresh is None:
        raise Http404
    if not may_edit(fresh_access, fresh):
        raise PermissionDenied
    return fresh_access, fresh


def collection_create(*, access: ToolAccess, title: str, introduction: str = "") -> Collection:
    access.require(CONTRIBUTE)
    cleaned = clean_collection(title=title, introduction=introduction)
    with transaction.atomic():
        access = tool_access_again(access, CONTRIBUTE, lock=True)
        collection = Collection.objects.create(
            space=access.space,
            slug=_new_slug(access.space, cleaned["title"]),
            created_by=access.user,
            **cleaned,
        )
        _event(access, "library.collection.created", collection)
    return collection


def collection_edit(
    *, access: ToolAccess, collection: Collection, title: str, introduction: str = ""
) -> Collection:
    """Title and introduction; the address stays, so links to it keep working."""
    access.require(CONTRIBUTE)
    cleaned = clean_collection(title=title, introduction=introduction)
    with transaction.atomic():
        access, collection = _locked(access, collection)
        changed = [field for field, value in cleaned.items() if getattr(collection, field) != value]
        if not changed:
            return collection
        for field in changed:
            setattr(collection, field, cleaned[field])
        collection.updated_at = timezone.now()
        collection.save(update_fields=[*changed, "updated_at"])
        shown = sorted(field for field in changed if not field.endswith("_html"))
        _event(access, "library.collection.edited", collection, fields=shown)
    return collection


def collection_delete(*, access: ToolAccess, collection: Collection) -> None:
    """The selection goes; its resources stay in the library."""
    access.require(CONTRIBUTE)
    with transaction.atomic():
        access, collection = _locked(access, collection)
        # The event keeps the deleted collection's id as its target, so it is written first.
        _event(access, "library.collection.deleted", collection)
        collection.delete()


def collection_add(*, access: ToolAccess, collection: Collection, resource: Resource) -> None:
    """The resource at the end of the collection; it must be shown in this space's library."""
    access.require(CONTRIBUTE)
    with transaction.atomic():
        access, collection = _locked(access, collection)
        fresh = resources_of(access.space).filter(pk=resource.pk).first()
        if fresh is None:
            raise Http404
        if collection.items.filter(resource=fresh).exists():
            raise ValidationError(
                _("“%(title)s” is already in this collection.") % {"title": fresh.title},
                code="already",
            )
        last = collection.items.aggregate(last=Max("position"))["last"]
        CollectionItem.objects.create(
            collection=collection, resource=fresh, position=0 if last is None else last + 1
        )
        _touch(access, collection, added=fresh.title)


def collection_remove(*, access: ToolAccess, collection: Collection, item_id: int) -> None:
    """The resource out of the collection (it stays in the library)."""
    access.require(CONTRIBUTE)
    with transaction.atomic():
        access, collection = _locked(access, collection)
        item = collection.items.select_related("resource").filter(pk=item_id).first()
        if item is None:
            raise Http404
        item.delete()
        _touch(access, collection, removed=item.resource.title)


def collection_move(
    *, access: ToolAccess, collection: Collection, item_id: int, direction: str
) -> None:
    """One place up or down; positions are renumbered from 0, so they never collide."""
    access.require(CONTRIBUTE)
    if direction not in (UP, DOWN):
        raise Http404
    with transaction.atomic():
        access, collection = _locked(access, collection)
        items = list(collection.items.order_by("position", "pk"))
        index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
        if index is None:
            raise Http404
        other = index - 1 if direction == UP else index + 1
        if not 0 <= other < len(items):
            return  # already first (or last): nothing to do
        items[index], items[other] = items[other], items[index]
        for position, item in enumerate(items):
            item.position = position
        CollectionItem.objects.bulk_update(items, ["position"])
        _touch(access, collection, moved=items[other].pk)


def _touch(access: ToolAccess, collection: Collection, **payload: Any) -> None:
    collection.updated_at = timezone.now()
    collection.save(update_fields=["updated_at"])
    _event(access, "library.collection.edited", collection, **payload)
