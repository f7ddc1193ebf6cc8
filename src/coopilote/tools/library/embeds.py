"""Library resources shown in other tools' texts: ``![[library:<public id>|caption]]``.

The manifest registers ``resolve`` for the ``library`` scheme; the wiki calls it through the
registry when a page is shown, without importing the library. A reader sees a resource when
they may read the library of a space that holds it, its origin or one it is shared into, and
the links lead there: to the page's own space when it holds the resource, so the reader stays
where they are. Anyone else gets nothing for it (the wiki then shows nothing, not even the
caption): a forbidden resource and a deleted one look the same.

Four queries at most whatever the number of embeds: the resources, their shares, then the
reader's memberships and the library's rows in those spaces (``tool_accesses``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from coopilote.spaces.access import ANCESTORS, ToolAccess, tool_accesses
from coopilote.spaces.models import Space
from coopilote.spaces.registry import EmbedRef
from coopilote.tools.library.manifest import KEY, READ
from coopilote.tools.library.models import Resource, Share
from coopilote.tools.library.selectors import PUBLIC_ID
from coopilote.tools.library.uploads import Kind


def resolve(access: ToolAccess, refs: Sequence[EmbedRef]) -> dict[EmbedRef, SafeString]:
    """The HTML of each embed ``access.user`` may see, from the page's space ``access.space``."""
    ids = {ref.target for ref in refs if PUBLIC_ID.match(ref.target)}
    if not ids:
        return {}
    resources = {
        resource.public_id: resource
        for resource in Resource.objects.filter(public_id__in=ids).select_related(
            f"space__{ANCESTORS}", "current_file"
        )
    }
    if not resources:
        return {}
    holders: dict[int, list[Space]] = {
        resource.pk: [resource.space] for resource in resources.values()
    }
    shares = Share.objects.filter(resource__in=resources.values()).select_related(
        f"space__{ANCESTORS}"
    )
    for share in shares.order_by("created_at", "pk"):
        holders[share.resource_id].append(share.space)
    spaces = list({space.pk: space for found in holders.values() for space in found}.values())
    readable = {
        space_id
        for space_id, library in tool_accesses(spaces, access.user, KEY).items()
        if library.can(READ)
    }
    here = access.space.pk
    shown = {}
    for ref in refs:
        resource = resources.get(ref.target)
        if resource is None:
            continue
        places = [space for space in holders[resource.pk] if space.pk in readable]
        if places:
            space = next((place for place in places if place.pk == here), places[0])
            shown[ref] = _html(resource, space, ref.caption)
    return shown


def _html(resource: Resource, space: Space, caption: str) -> SafeString:
    """A picture for an image with a thumbnail, otherwise a card: title, kind, type, licence."""
    page = reverse(f"{KEY}:resource", args=[space.slug, resource.public_id])
    file = resource.current_file
    if file is not None and file.file_kind == Kind.IMAGE and file.thumbnail:
        text = caption or resource.title
        return format_html(
            '<figure class="library-embed library-embed--picture">'
            '<img src="{}" alt="{}" loading="lazy">'
            '<figcaption><a href="{}">{}</a></figcaption></figure>\n',
            reverse(f"{KEY}:thumbnail", args=[space.slug, resource.public_id]),
            text,
            page,
            text,
        )
    details = " · ".join(
        str(part)
        for part in (
            resource.get_kind_display(),
            resource.get_resource_type_display(),
            resource.get_licence_display(),
        )
    )
    return format_html(
        '<div class="library-embed library-embed--card">'
        '<p class="library-embed__title"><a href="{}">{}</a></p>'
        '<p class="library-embed__details"><span class="visually-hidden">{} </span>{}</p>'
        "{}</div>\n",
        page,
        resource.title,
        gettext("Library resource:"),
        details,
        format_html('<p class="library-embed__caption">{}</p>', caption) if caption else "",
    )
