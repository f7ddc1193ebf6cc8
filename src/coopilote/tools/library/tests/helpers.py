"""Small helpers shared by the library tests: access, files to upload, what must not change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from coopilote.activity.models import ActivityEvent, ViewCount
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import ToolAccess, access_for
from coopilote.spaces.models import Space, SpaceTool
from coopilote.tools.library.manifest import KEY, MANIFEST
from coopilote.tools.library.models import Resource, ResourceFile, ResourceTag, Share
from coopilote.tools.library.tests.test_uploads import pdf_document, picture

__all__ = ["pdf_document", "picture"]  # the upload tests' file builders, reused here


def enable_library(space: Space, owner: Any) -> None:
    space_actions.space_tool_enable(access=access_for(space, owner), tool_key=KEY)


def library_access_for(space: Space, user: Any) -> ToolAccess:
    """What the door gives ``user`` in ``space`` (the tool row read fresh, enabled or not)."""
    space = Space.objects.select_related("parent").get(pk=space.pk)
    return ToolAccess(
        space_access=access_for(space, user),
        tool=SpaceTool.objects.get(space=space, tool_key=KEY),
        manifest=MANIFEST,
    )


def upload(content: bytes, name: str, content_type: str = "application/octet-stream") -> Any:
    """What a browser sends; the declared content type is never trusted."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> set[str]:
    """Every file under the storage root (MEDIA_ROOT is a fresh folder for each test)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


# A resource's own fields, its view and download counters apart (reading counts: ``counters``).
CONTENT_FIELDS = [
    field.attname
    for field in Resource._meta.concrete_fields
    if field.name not in {"view_count", "download_count"}
]


def state() -> dict[str, Any]:
    """Everything a refused request must leave untouched, the stored files included."""
    return {
        "resources": list(Resource.objects.order_by("pk").values(*CONTENT_FIELDS)),
        "files": list(ResourceFile.objects.order_by("pk").values()),
        "tags": list(ResourceTag.objects.order_by("pk").values()),
        "shares": list(Share.objects.order_by("pk").values()),
        "tools": list(SpaceTool.objects.order_by("pk").values()),
        "events": list(ActivityEvent.objects.order_by("pk").values_list("pk", "kind")),
        "stored": stored_files(),
    }


def counters() -> dict[str, Any]:
    """Views and downloads: what reading changes (and a refusal must not)."""
    return {
        "resources": list(
            Resource.objects.order_by("pk").values_list("view_count", "download_count")
        ),
        "views": list(ViewCount.objects.order_by("pk").values()),
    }


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
