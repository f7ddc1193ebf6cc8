"""Every write to the library.

Each action checks the tool's verb through a ``ToolAccess``, validates every field at once,
writes in one transaction that locks the space's tool row and reads the actor's rights again
under the lock, and records one activity event of a kind declared in the manifest.

Files go to storage *before* the rows that name them, and are deleted again if anything fails
afterwards (``_files_or_nothing``), so a failed upload leaves neither an orphan file nor a row
pointing at a missing file. Deleting a resource removes its files only once the deletion is
committed.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopilote.activity.recording import record, record_view
from coopilote.core.markdown import render_markdown
from coopilote.core.text import clean_plain_text, clean_web_address
from coopilote.spaces.access import ToolAccess, tool_access_again
from coopilote.tools.library import selectors, uploads
from coopilote.tools.library.manifest import CONTRIBUTE, MANAGE, MANIFEST, READ
from coopilote.tools.library.models import (
    AUTHOR_MAX,
    TAG_MAX,
    TITLE_MAX,
    URL_MAX,
    Language,
    Licence,
    Resource,
    ResourceFile,
    ResourceTag,
    ResourceType,
)

DESCRIPTION_MAX = 20_000
BODY_MAX = 200_000
TAGS_MAX = 20
# Names a picture extension may be written with, by the extension its format is stored with.
SAME_PICTURE_EXTENSION = {"jpeg": "jpg", "jpe": "jpg", "jfif": "jpg"}


# Who may change what ------------------------------------------------------------------------


def may_change(access: ToolAccess, resource: Resource) -> bool:
    """Edit, add a version or delete: in the resource's origin space only, by whoever added it
    (while they may still contribute) or by those who manage the library."""
    return owns_or_manages(access, resource.space_id, resource.created_by_id)


def owns_or_manages(access: ToolAccess, space_id: int, author_id: int | None) -> bool:
    """The library's rule for changing something written in a space (a resource, a comment, a
    collection): there only, by those who manage the library, or by its author while they may
    still contribute."""
    if space_id != access.space.pk:
        return False
    if access.can(MANAGE):
        return True
    user = access.user
    return bool(
        access.can(CONTRIBUTE)
        and user is not None
        and user.is_authenticated
        and author_id == user.pk
    )


def _lock(access: ToolAccess) -> ToolAccess:
    """Lock the space's tool row and read the actor's rights again under the lock."""
    return tool_access_again(access, CONTRIBUTE, lock=True)


def _fresh(access: ToolAccess, resource: Resource) -> Resource:
    """The resource read again under the lock, still the actor's to change."""
    fresh = Resource.objects.filter(pk=resource.pk, space=access.space).first()
    if fresh is None:
        raise Http404
    if not may_change(access, fresh):
        raise PermissionDenied
    return fresh


def _event(access: ToolAccess, event_kind: str, target: Resource, **payload: Any) -> None:
    declared = MANIFEST.kind(event_kind)  # an undeclared kind is a programming error: KeyError
    record(
        space=access.space,
        actor=access.user,
        kind=declared.key,
        participation=declared.participation,
        target=target,
        payload=payload,
    )


# Validation -----------------------------------------------------------------------------------


def clean_url(value: str) -> str:
    """A web address people can open safely (``core.text.clean_web_address``)."""
    return clean_web_address(
        value,
        max_length=URL_MAX,
        required=_("Give the web address of the resource."),
        example="https://example.org/guide.pdf",
    )


def _limited(value: str, max_length: int) -> str:
    if len(value) > max_length:
        raise ValidationError(
            _("%(max)d characters at most (this text has %(count)d).")
            % {"max": max_length, "count": len(value)},
            code="max_length",
        )
    return value


def clean_tags(value: str) -> list[tuple[str, str]]:
    """Comma-separated tags as (name, slug), duplicates (by slug) dropped, in the order given."""
    tags: dict[str, str] = {}
    for raw in (value or "").split(","):
        name = clean_plain_text(raw)
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise ValidationError(
                _("The tag “%(tag)s” is too long: %(max)d characters at most.")
                % {"tag": name[:TAG_MAX] + "…", "max": TAG_MAX},
                code="tag_length",
            )
        slug = slugify(name) or slugify(name, allow_unicode=True)
        if not slug:
            raise ValidationError(
                _("The tag “%(tag)s” has no letter or digit.") % {"tag": name}, code="tag_empty"
            )
        tags.setdefault(slug, name)
    if len(tags) > TAGS_MAX:
        raise ValidationError(
            _("%(max)d tags at most (there are %(count)d).")
            % {"max": TAGS_MAX, "count": len(tags)},
            code="tags_count",
        )
    return [(name, slug) for slug, name in tags.items()]


def clean_fields(
    kind: str,
    *,
    title: str,
    description: str = "",
    tags: str = "",
    resource_type: str = ResourceType.OTHER,
    author: str = "",
    language: str = Language.FRENCH,
    published_on: date | None = None,
    licence: str = Licence.ALL_RIGHTS_RESERVED,
    url: str = "",
    body: str = "",
) -> dict[str, Any]:
    """Every field checked, every problem reported at once (field name → messages).

    Returns the model's fields, the rendered Markdown, and ``tags`` as (name, slug) pairs.
    """
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Any] = {"published_on": published_on}

    def check(field: str, clean: Any, value: Any) -> None:
        try:
            cleaned[field] = clean(value)
        except ValidationError as error:
            errors[field] = [error]

    check("title", lambda v: _limited(clean_plain_text(v or ""), TITLE_MAX), title)
    if cleaned.get("title") == "":
        errors["title"] = [ValidationError(_("Give the resource a title."), code="required")]
    check("author", lambda v: _limited(clean_plain_text(v or ""), AUTHOR_MAX), author)
    check("description", lambda v: _limited((v or "").strip(), DESCRIPTION_MAX), description)
    check("tags", clean_tags, tags)
    choices = {
        "resource_type": (resource_type, ResourceType.values, _("Choose a type.")),
        "language": (language, Language.values, _("Choose a language.")),
        "licence": (licence, Licence.values, _("Choose a licence.")),
    }
    for field, (value, allowed, message) in choices.items():
        if value in allowed:
            cleaned[field] = value
        else:
            errors[field] = [ValidationError(message, code="invalid")]
    cleaned["url"] = cleaned["body"] = ""
    if kind == Resource.Kind.LINK:
        check("url", clean_url, url)
    elif kind == Resource.Kind.NOTE:
        check("body", lambda v: _limited((v or "").strip(), BODY_MAX), body)
        if cleaned.get("body") == "":
            errors["body"] = [ValidationError(_("Write the note."), code="required")]
    elif kind != Resource.Kind.FILE:
        raise ValidationError(_("Unknown kind of resource."), code="kind")
    if errors:
        raise ValidationError(errors)
    cleaned["description_html"] = render_markdown(cleaned["description"])
    cleaned["body_html"] = render_markdown(cleaned["body"]) if cleaned["body"] else ""
    return cleaned


# Files ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedFile:
    """An upload checked and converted, not yet stored: what a ``ResourceFile`` row holds."""

    source: IO[bytes]
    name: str
    size: int
    content_type: str
    file_kind: str
    extension: str
    sha256: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def prepare_file(upload: Any) -> PreparedFile:
    """Tell what the upload is from its bytes; re-encode pictures and make their previews.

    A ValidationError names the problem; nothing is written. PDF previews are rendered here,
    during the request: a hostile PDF can make that slow (a background task would be better).
    """
    if upload is None:
        raise ValidationError(_("Choose a file."), code="required")
    raw_name = upload.name or ""
    inspected = uploads.inspect(upload, name=raw_name, max_bytes=settings.LIBRARY_MAX_UPLOAD_BYTES)
    name = uploads.display_name(raw_name)
    if inspected.kind == uploads.Kind.IMAGE:
        picture = uploads.reencode_image(upload)
        return PreparedFile(
            source=io.BytesIO(picture.content),
            name=_with_extension(name, picture.extension),
            size=len(picture.content),
            content_type=uploads.CONTENT_TYPES[picture.extension],
            file_kind=inspected.kind.value,
            extension=picture.extension,
            sha256=hashlib.sha256(picture.content).hexdigest(),
            width=picture.width,
            height=picture.height,
            thumbnail=uploads.thumbnail(io.BytesIO(picture.content)),
        )
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(uploads.CHUNK_BYTES), b""):
        digest.update(chunk)
    upload.seek(0)
    return PreparedFile(
        source=upload,
        name=name,
        size=inspected.size,
        content_type=inspected.content_type,
        file_kind=inspected.kind.value,
        extension=inspected.extension,
        sha256=digest.hexdigest(),
        thumbnail=uploads.pdf_thumbnail(upload) if inspected.kind == uploads.Kind.PDF else None,
    )


def _with_extension(name: str, extension: str) -> str:
    """A re-encoded picture's name tells its stored format (a GIF becomes a PNG)."""
    declared = uploads.declared_extension(name)
    if SAME_PICTURE_EXTENSION.get(declared, declared) == extension:
        return name
    stem = name.rpartition(".")[0] if declared else name
    return f"{stem}.{extension}"


@contextmanager
def _files_or_nothing() -> Iterator[list[str]]:
    """Collect the names of files written inside; delete them all if the block fails."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _store(prepared: PreparedFile, written: list[str]) -> dict[str, Any]:
    """Write the file (and its preview) under fresh random names; the row's fields."""
    prepared.source.seek(0)
    stored = default_storage.save(uploads.storage_name(prepared.extension), File(prepared.source))
    written.append(stored)
    thumbnail = ""
    if prepared.thumbnail:
        thumbnail = default_storage.save(
            uploads.storage_name("webp"), ContentFile(prepared.thumbnail)
        )
        written.append(thumbnail)
    return {
        "storage_name": stored,
        "thumbnail": thumbnail,
        "name": prepared.name,
        "size": prepared.size,
        "content_type": prepared.content_type,
        "file_kind": prepared.file_kind,
        "extension": prepared.extension,
        "sha256": prepared.sha256,
        "width": prepared.width,
        "height": prepared.height,
    }


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _add_file(access: ToolAccess, resource: Resource, stored: dict[str, Any]) -> ResourceFile:
    last = resource.files.aggregate(last=Max("number"))["last"] or 0
    file = ResourceFile.objects.create(
        resource=resource, number=last + 1, uploaded_by=access.user, **stored
    )
    resource.current_file = file
    resource.updated_at = timezone.now()
    resource.save(update_fields=["current_file", "updated_at"])
    return file


def _set_tags(resource: Resource, tags: list[tuple[str, str]]) -> None:
    resource.tags.all().delete()
    ResourceTag.objects.bulk_create(
        ResourceTag(resource=resource, name=name, slug=slug) for name, slug in tags
    )


# Actions --------------------------------------------------------------------------------------


def resource_add(*, access: ToolAccess, kind: str, upload: Any = None, **fields: Any) -> Resource:
    """A new resource of ``kind`` (file, link or note) in the access's space."""
    access.require(CONTRIBUTE)
    errors: dict[str, list[ValidationError]] = {}
    try:
        cleaned = clean_fields(kind, **fields)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        errors.update(error.error_dict)
    prepared = None
    if kind == Resource.Kind.FILE:
        try:
            prepared = prepare_file(upload)
        except ValidationError as error:
            errors["file"] = [error]
    if errors:
        raise ValidationError(errors)
    tags = cleaned.pop("tags")
    with _files_or_nothing() as written:
        stored = _store(prepared, written) if prepared is not None else None
        with transaction.atomic():
            access = _lock(access)
            resource = Resource.objects.create(
                space=access.space, kind=kind, created_by=access.user, **cleaned
            )
            _set_tags(resource, tags)
            if stored is not None:
                _add_file(access, resource, stored)
            _event(access, "library.resource.added", resource, kind=kind, title=resource.title)
    return resource


@dataclass(frozen=True)
class RefusedFile:
    """A file of a batch that was not added, with what was wrong with it."""

    name: str
    messages: list[str]


def title_from_name(name: str) -> str:
    """A first title for an uploaded file: its name without extension, folders or markup."""
    shown = uploads.display_name(name)
    stem = shown.rpartition(".")[0] if uploads.declared_extension(shown) else shown
    words = " ".join(stem.replace("_", " ").replace("<", " ").replace(">", " ").split())
    return clean_plain_text(words)[:TITLE_MAX].strip() or shown[:TITLE_MAX]


def resources_add_files(
    *, access: ToolAccess, files: list[Any], **fields: Any
) -> tuple[list[Resource], list[RefusedFile]]:
    """One file resource per upload, each added exactly as ``resource_add`` adds one, titled
    after its file; ``fields`` (type, licence, language, tags, author) apply to all.

    The shared fields are checked once: a problem there refuses the batch (ValidationError).
    A file refused (its checks, or past LIBRARY_MAX_FILES_PER_REQUEST) is reported with its
    reasons while the others are kept.
    """
    access.require(CONTRIBUTE)
    clean_fields(Resource.Kind.FILE, title="-", **fields)
    added: list[Resource] = []
    refused: list[RefusedFile] = []
    limit = settings.LIBRARY_MAX_FILES_PER_REQUEST
    for number, upload in enumerate(files):
        name = uploads.display_name(upload.name or "")
        if number >= limit:
            message = _("Only %(max)d files can be sent at once: add this one with the next ones.")
            refused.append(RefusedFile(name, [message % {"max": limit}]))
            continue
        try:
            added.append(
                resource_add(
                    access=access,
                    kind=Resource.Kind.FILE,
                    upload=upload,
                    title=title_from_name(upload.name or ""),
                    **fields,
                )
            )
        except ValidationError as error:
            refused.append(RefusedFile(name, error.messages))
    return added, refused


def resource_edit(*, access: ToolAccess, resource: Resource, **fields: Any) -> Resource:
    """Its description fields (not its kind, nor its file: see ``resource_new_version``)."""
    access.require(CONTRIBUTE)
    if not may_change(access, resource):
        raise PermissionDenied
    cleaned = clean_fields(resource.kind, **fields)
    tags = cleaned.pop("tags")
    with transaction.atomic():
        access = _lock(access)
        resource = _fresh(access, resource)
        changed = [field for field, value in cleaned.items() if getattr(resource, field) != value]
        old_tags = list(resource.tags.order_by("pk").values_list("name", "slug"))
        if old_tags != tags:
            _set_tags(resource, tags)
            changed.append("tags")
        if not changed:
            return resource
        for field in changed:
            if field != "tags":
                setattr(resource, field, cleaned[field])
        resource.updated_at = timezone.now()
        resource.save(
            update_fields=[field for field in changed if field != "tags"] + ["updated_at"]
        )
        shown = sorted(field for field in changed if not field.endswith("_html"))
        _event(access, "library.resource.edited", resource, title=resource.title, fields=shown)
    return resource


def resources_edit(
    *, access: ToolAccess, changes: list[tuple[Resource, dict[str, Any]]]
) -> list[Resource]:
    """Several resources' descriptions saved together through ``resource_edit``: all of them,
    or none if one is refused."""
    with transaction.atomic():
        return [resource_edit(access=access, resource=found, **fields) for found, fields in changes]


def resource_new_version(*, access: ToolAccess, resource: Resource, upload: Any) -> ResourceFile:
    """A new version of a file resource; the previous ones are kept."""
    access.require(CONTRIBUTE)
    if not may_change(access, resource):
        raise PermissionDenied
    if resource.kind != Resource.Kind.FILE:
        raise Http404
    try:
        prepared = prepare_file(upload)
    except ValidationError as error:
        raise ValidationError({"file": [error]}) from None
    with _files_or_nothing() as written:
        stored = _store(prepared, written)
        with transaction.atomic():
            access = _lock(access)
            resource = _fresh(access, resource)
            file = _add_file(access, resource, stored)
            _event(
                access,
                "library.resource.new_version",
                resource,
                title=resource.title,
                number=file.number,
            )
    return file


def resource_delete(*, access: ToolAccess, resource: Resource) -> None:
    """Gone from every space it was shared into; its files follow once this is committed."""
    access.require(CONTRIBUTE)
    if not may_change(access, resource):
        raise PermissionDenied
    with transaction.atomic():
        access = _lock(access)
        resource = _fresh(access, resource)
        names = selectors.stored_names(resource)
        # The event keeps the deleted resource's id as its target, so it is written first.
        _event(access, "library.resource.deleted", resource, title=resource.title)
        resource.delete()
        transaction.on_commit(lambda: _delete_files(names))


def resource_viewed(*, access: ToolAccess, resource: Resource) -> None:
    """One more view: the anonymous counter, and the reader's view where reading is measured."""
    _count(access, resource, "view_count", "library.resource.viewed")


def resource_downloaded(*, access: ToolAccess, resource: Resource) -> None:
    _count(access, resource, "download_count", "library.resource.downloaded")


def _count(access: ToolAccess, resource: Resource, counter: str, kind: str) -> None:
    access.require(READ)
    with transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(**{counter: F(counter) + 1})
        record_view(
            space=access.space,
            actor=access.user,
            kind=MANIFEST.kind(kind).key,
            target=resource,
            membership=access.space_access.membership,
        )
