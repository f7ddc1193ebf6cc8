"""Downloading the list of a library's resources (``export``): for anyone who may read it.

The responses stream: the rows are read and written while they are sent, so an export of
20,000 resources never sits in memory. They are attachments named after the space and the day,
and never cached (a members-only library's list must not stay in a shared cache).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from coopilote.core.ratelimit import rate_limited
from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.library import export
from coopilote.tools.library.manifest import KEY, READ
from coopilote.tools.library.uploads import content_disposition

# Any valid identifier: replaced by each resource's own in its page address.
_SOME_ID = "0" * 32


def _page_address(request: HttpRequest, access: ToolAccess) -> export.PageAddress:
    url = reverse(f"{KEY}:resource", args=[access.space.slug, _SOME_ID])
    before, after = request.build_absolute_uri(url).rsplit(_SOME_ID, 1)
    return export.PageAddress(before, after)


def _download(
    access: ToolAccess, pieces: Iterator[str], extension: str, content_type: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(pieces, content_type=f"{content_type}; charset=utf-8")
    name = f"{access.space.slug}-{access.tool.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = content_disposition(name, inline=False)
    response["Cache-Control"] = "no-store"
    return response


# SEC-T36: exports are expensive; 20 an hour per person (or per address for visitors).
EXPORTS_PER_HOUR = 20


@rate_limited("library-export", limit=EXPORTS_PER_HOUR, period=3600)
@with_tool(KEY, READ)
@require_GET
def export_csv(request: HttpRequest, access: ToolAccess) -> StreamingHttpResponse:
    rows = export.records(access.space, _page_address(request, access))
    return _download(access, export.csv_file(rows), "csv", "text/csv")


@rate_limited("library-export", limit=EXPORTS_PER_HOUR, period=3600)
@with_tool(KEY, READ)
@require_GET
def export_json(request: HttpRequest, access: ToolAccess) -> StreamingHttpResponse:
    space = {
        "name": access.space.name,
        "slug": access.space.slug,
        "library": request.build_absolute_uri(reverse(f"{KEY}:index", args=[access.space.slug])),
    }
    rows = export.records(access.space, _page_address(request, access))
    pieces = export.json_file(space, timezone.now().isoformat(), rows)
    return _download(access, pieces, "json", "application/json")
