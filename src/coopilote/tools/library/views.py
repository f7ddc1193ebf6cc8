"""The library's pages: parse input, call one action or selector, render.

Files are served here only (never from a public media address), to readers of a space the
resource is in (the space in the URL: its origin or a space it is shared into).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.library import actions, selectors, uploads
from coopilote.tools.library.forms import LibraryFilterForm, ResourceForm, VersionForm
from coopilote.tools.library.licences import LICENCES
from coopilote.tools.library.manifest import CONTRIBUTE, KEY, MANAGE, READ
from coopilote.tools.library.models import Resource, ResourceFile


def _context(access: ToolAccess, **extra: Any) -> dict[str, Any]:
    return {
        "access": access.space_access,
        "space": access.space,
        "tool": access.tool,
        "may_contribute": access.can(CONTRIBUTE),
        "may_manage": access.can(MANAGE),
        **extra,
    }


def _resource(access: ToolAccess, public_id: str) -> Resource:
    """The resource as this space's library shows it; another space's is a 404 here."""
    found = selectors.resource_in(access.space, public_id)
    if found is None:
        raise Http404
    return found


def _changeable(access: ToolAccess, public_id: str) -> Resource:
    resource = _resource(access, public_id)
    if not actions.may_change(access, resource):
        raise PermissionDenied
    return resource


def _resource_url(access: ToolAccess, resource: Resource) -> str:
    return reverse(f"{KEY}:resource", args=[access.space.slug, resource.public_id])


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def index(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    filters = LibraryFilterForm(request.GET).filters()
    page = selectors.library_page(access.space, filters, request.GET.get("page"))
    for found in page.object_list:
        found.licence_info = LICENCES.get(found.licence)  # type: ignore[attr-defined]
    return render(
        request,
        "library/index.html",
        _context(
            access,
            page=page,
            filters=filters,
            search=LibraryFilterForm.showing(filters),
        ),
    )


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in Resource.Kind.values:
        return render(request, "library/add_choose.html", _context(access, kinds=Resource.Kind))
    if request.method == "POST":
        form = ResourceForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            try:
                resource = actions.resource_add(
                    access=access,
                    kind=kind,
                    upload=form.cleaned_data.get("file"),
                    **form.action_fields(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("“%(title)s” is added.") % {"title": resource.title})
                return redirect(_resource_url(access, resource))
        form.ask_for_the_file_again()
    else:
        form = ResourceForm(kind=kind)
    return render(
        request,
        "library/form.html",
        _context(access, form=form, kind=Resource.Kind(kind), resource=None),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def resource(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    found = _resource(access, public_id)
    actions.resource_viewed(access=access, resource=found)
    selectors.attach_tags([found])
    return render(
        request,
        "library/resource.html",
        _context(
            access,
            resource=found,
            licence=LICENCES.get(found.licence),
            versions=selectors.versions(found) if found.kind == Resource.Kind.FILE else [],
            shared_from=found.space if found.space_id != access.space.pk else None,
            may_change=actions.may_change(access, found),
            inline_preview=_has_preview(found.current_file),
        ),
    )


def _has_preview(file: ResourceFile | None) -> bool:
    return file is not None and bool(file.thumbnail)


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    found = _changeable(access, public_id)
    initial = {
        "title": found.title,
        "description": found.description,
        "tags": ", ".join(found.tags.order_by("pk").values_list("name", flat=True)),
        "resource_type": found.resource_type,
        "author": found.author,
        "language": found.language,
        "published_on": found.published_on,
        "licence": found.licence,
        "url": found.url,
        "body": found.body,
    }
    form = ResourceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        kind=found.kind,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.resource_edit(access=access, resource=found, **form.action_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": found.title})
            return redirect(_resource_url(access, found))
    return render(
        request,
        "library/form.html",
        _context(access, form=form, kind=Resource.Kind(found.kind), resource=found),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def new_version(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    found = _changeable(access, public_id)
    if found.kind != Resource.Kind.FILE:
        raise Http404
    form = VersionForm(request.POST, request.FILES) if request.method == "POST" else VersionForm()
    if request.method == "POST" and form.is_valid():
        try:
            file = actions.resource_new_version(
                access=access, resource=found, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(number)d of “%(title)s” is added.")
                % {"number": file.number, "title": found.title},
            )
            return redirect(_resource_url(access, found))
    return render(
        request,
        "library/new_version.html",
        _context(access, form=form, resource=found),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    found = _changeable(access, public_id)
    if request.method == "POST":
        actions.resource_delete(access=access, resource=found)
        messages.success(request, _("“%(title)s” is deleted.") % {"title": found.title})
        return redirect(f"{KEY}:index", access.space.slug)
    return render(
        request,
        "library/delete.html",
        _context(access, resource=found, share_count=found.shares.count()),
    )


# Files ----------------------------------------------------------------------------------------


def _serve(name: str, headers: dict[str, str]) -> FileResponse:
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"))
    for header, value in headers.items():
        response[header] = value
    response["Cache-Control"] = "private, no-cache"
    return response


def _serve_file(access: ToolAccess, found: Resource, file: ResourceFile | None) -> FileResponse:
    if file is None:
        raise Http404
    inspected = uploads.Inspected(
        kind=uploads.Kind(file.file_kind),
        extension=file.extension,
        content_type=file.content_type,
        size=file.size,
    )
    response = _serve(file.storage_name, uploads.download_headers(inspected, file.name))
    actions.resource_downloaded(access=access, resource=found)
    return response


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def download(request: HttpRequest, access: ToolAccess, public_id: str) -> FileResponse:
    found = _resource(access, public_id)
    return _serve_file(access, found, found.current_file)


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def version(request: HttpRequest, access: ToolAccess, public_id: str, number: int) -> FileResponse:
    found = _resource(access, public_id)
    return _serve_file(access, found, selectors.version(found, number))


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def thumbnail(request: HttpRequest, access: ToolAccess, public_id: str) -> FileResponse:
    """The current file's preview picture, shown in the page (a WebP made here)."""
    found = _resource(access, public_id)
    if found.current_file is None or not found.current_file.thumbnail:
        raise Http404
    preview = uploads.Inspected(uploads.Kind.IMAGE, "webp", uploads.CONTENT_TYPES["webp"], 0)
    stem = found.current_file.name.rpartition(".")[0] or found.current_file.name
    return _serve(found.current_file.thumbnail, uploads.download_headers(preview, f"{stem}.webp"))
