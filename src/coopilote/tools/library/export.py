"""The list of a library's resources, as CSV for people and JSON for programs (issue 6, point 7).

Both hold every resource the space's library shows (its own and those shared into it, with the
name of their origin space) and their licences. They are produced while they are sent: the
resources and their tags are two queries read side by side, ``CHUNK`` rows at a time and in
the same order, so that 20,000 resources cost as many queries as 3 and never sit in memory all
at once.

The CSV is for a spreadsheet: kinds, types and languages in words, cells neutralised
(``core.exports``). The JSON is for programs: the same fields as codes, with each licence as an
object ``{"code", "label", "url"}``.

Labels are translated when the export starts, in the reader's language: the rows are written
later, while the response is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import batched
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from coopilote.core.exports import csv_lines
from coopilote.spaces.models import LISTED_STATUSES, LISTED_VISIBILITIES
from coopilote.tools.library.licences import LICENCES
from coopilote.tools.library.models import (
    Language,
    Resource,
    ResourceFile,
    ResourceTag,
    ResourceType,
)
from coopilote.tools.library.selectors import resources_of

CHUNK = 2000
# Resources per piece of the JSON sent (see core.exports.ROWS_PER_CHUNK).
RECORDS_PER_PIECE = 200


# What a record needs, read as plain values: building 20,000 model instances (and as many of
# their origin space and file) would take most of an export's time.
FIELDS = (
    "pk",
    "public_id",
    "title",
    "kind",
    "resource_type",
    "description",
    "author",
    "language",
    "published_on",
    "licence",
    "url",
    "space_id",
    "space__name",
    "space__visibility",
    "space__status",
    "current_file__name",
    "current_file__size",
    "current_file__content_type",
    "version_count",
    "created_at",
    "view_count",
    "download_count",
)


def exported(space: Any) -> QuerySet[Resource, dict[str, Any]]:
    """The space's resources, newest first, as the values of ``FIELDS``."""
    versions = (
        ResourceFile.objects.filter(resource=OuterRef("pk"))
        .order_by()
        .values("resource")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        resources_of(space)
        .annotate(version_count=Coalesce(Subquery(versions), 0, output_field=IntegerField()))
        .order_by("-created_at", "-pk")
        .values(*FIELDS)
    )


@dataclass(frozen=True)
class PageAddress:
    """The absolute address of a resource's page in the exporting space, built by gluing its
    identifier between two fixed parts (one ``reverse`` per export, not one per row)."""

    before: str
    after: str

    def of(self, public_id: str) -> str:
        return f"{self.before}{public_id}{self.after}"


def tag_stream(space: Any) -> Iterator[tuple[int, str]]:
    """(resource id, tag name) for every resource of ``exported``, in the same order as the
    resources (then by name): read alongside them in one query."""
    return (
        ResourceTag.objects.filter(resource__in=resources_of(space))
        .order_by("-resource__created_at", "-resource_id", "name")
        .values_list("resource_id", "name")
        .iterator(chunk_size=CHUNK)
    )


def records(space: Any, pages: PageAddress) -> Iterator[dict[str, Any]]:
    """One dictionary per resource, as the JSON gives it, read from the database as consumed:
    the resources and their tags are two queries streamed side by side, in the same order,
    whatever their number."""
    licences = {
        code: {"code": code, "label": str(info.label), "url": info.url}
        for code, info in LICENCES.items()
    }
    rows = exported(space).iterator(chunk_size=CHUNK)
    return _records(rows, tag_stream(space), licences, pages, space.pk)


def _records(
    rows: Iterator[dict[str, Any]],
    tags: Iterator[tuple[int, str]],
    licences: dict[str, dict[str, str]],
    pages: PageAddress,
    here: int,
) -> Iterator[dict[str, Any]]:
    waiting = next(tags, None)
    for row in rows:
        names = []
        while waiting is not None and waiting[0] == row["pk"]:
            names.append(waiting[1])
            waiting = next(tags, None)
        yield _record(row, names, licences, pages, here)


def _record(
    row: dict[str, Any],
    tags: list[str],
    licences: dict[str, dict[str, str]],
    pages: PageAddress,
    here: int,
) -> dict[str, Any]:
    return {
        "public_id": row["public_id"],
        "title": row["title"],
        "kind": row["kind"],
        "type": row["resource_type"],
        "description": row["description"],
        "tags": tags,
        "author": row["author"],
        "language": row["language"],
        "date": row["published_on"].isoformat() if row["published_on"] else None,
        "licence": licences.get(
            row["licence"], {"code": row["licence"], "label": row["licence"], "url": ""}
        ),
        # Another space nobody outside may know of (secret, closed) is not named
        # (Space.is_listed).
        "origin_space": row["space__name"]
        if row["space_id"] == here
        or (
            row["space__visibility"] in LISTED_VISIBILITIES
            and row["space__status"] in LISTED_STATUSES
        )
        else "",
        "url": row["url"],
        "file": None
        if row["current_file__name"] is None
        else {
            "name": row["current_file__name"],
            "size": row["current_file__size"],
            "content_type": row["current_file__content_type"],
            "versions": row["version_count"],
        },
        "page": pages.of(row["public_id"]),
        "added_at": row["created_at"].isoformat(),
        "views": row["view_count"],
        "downloads": row["download_count"],
    }


def csv_file(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """The CSV export, a piece at a time: one row per record, with the header in the reader's
    language."""
    header = [
        _("Identifier"),
        _("Title"),
        _("Kind"),
        _("Type"),
        _("Description"),
        _("Tags"),
        _("Author or source"),
        _("Language"),
        _("Date"),
        _("Licence code"),
        _("Licence"),
        _("Licence text"),
        _("Origin space"),
        _("Web address"),
        _("File name"),
        _("Size (bytes)"),
        _("Content type"),
        _("Versions"),
        _("Page in the library"),
        _("Added at"),
        _("Views"),
        _("Downloads"),
    ]
    kinds = {code: str(label) for code, label in Resource.Kind.choices}
    types = {code: str(label) for code, label in ResourceType.choices}
    languages = {code: str(label) for code, label in Language.choices}

    def cells(record: dict[str, Any]) -> list[object]:
        file = record["file"] or {}
        licence = record["licence"]
        return [
            record["public_id"],
            record["title"],
            kinds.get(record["kind"], record["kind"]),
            types.get(record["type"], record["type"]),
            record["description"],
            ", ".join(record["tags"]),
            record["author"],
            languages.get(record["language"], record["language"]),
            record["date"],
            licence["code"],
            licence["label"],
            licence["url"],
            record["origin_space"],
            record["url"],
            file.get("name"),
            file.get("size"),
            file.get("content_type"),
            file.get("versions"),
            record["page"],
            record["added_at"],
            record["views"],
            record["downloads"],
        ]

    return csv_lines(header, (cells(record) for record in rows))


def json_file(
    space: dict[str, str], exported_at: str, rows: Iterator[dict[str, Any]]
) -> Iterator[str]:
    """``{"space", "exported_at", "resources": [...]}``, a piece at a time. ``json.dumps`` escapes
    every string, so the pieces put together are valid JSON whatever the resources hold."""
    yield f'{{"space": {_json(space)}, "exported_at": {_json(exported_at)}, "resources": ['
    separator = ""
    for piece in batched(rows, RECORDS_PER_PIECE):
        yield separator + ", ".join(_json(row) for row in piece)
        separator = ", "
    yield "]}"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
