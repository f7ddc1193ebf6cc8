"""Add several files at once, then describe them (issue 6, point 2).

"Add several files" takes one multipart POST holding every file (without JavaScript) or one
POST per file sent by static/js/library-upload.js, which shows each file's progress and asks
for JSON. Each file becomes a resource exactly as a single upload does
(``actions.resources_add_files``); files refused are listed with their reasons and the others
kept. The "details" page then shows the resources just added, named by their public ids in its
address, and saves their titles, descriptions, tags, types and licences in one POST.

The upload view reads the body only after ``upload_limits`` is in place (SEC-T27), which is why
it is exempt from the CSRF middleware and checks CSRF itself once the limits are installed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.library import actions, selectors, upload_limits
from coopilote.tools.library.forms import ResourceForm, licence_choices
from coopilote.tools.library.manifest import CONTRIBUTE, KEY
from coopilote.tools.library.models import Resource
from coopilote.tools.library.views import _context

# The details page accepts the resources its reader added lately, no others.
SHARED_FIELDS = ["resource_type", "licence", "language", "author", "tags"]
CHOOSE_AGAIN = gettext_lazy(
    "Choose the files again: for your safety, browsers do not keep chosen files when the "
    "form comes back with a problem. Everything else you typed is kept."
)


# Forms ----------------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """The files chosen, as a list; each is checked by the action, as a single upload is."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [file for file in (data or []) if file]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


class BulkForm(ResourceForm):
    """What applies to every file of the batch, then the files (sent last, see the template)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, kind=Resource.Kind.FILE, editing=True, **kwargs)
        for name in ("title", "description", "published_on"):
            del self.fields[name]
        self.fields["files"] = FilesField(
            label=gettext_lazy("Files"),
            help_text=gettext_lazy(
                "Several files can be chosen at once (Ctrl or Shift key, or a long press). "
                "Each becomes a resource titled after its file name."
            ),
            error_messages={"required": gettext_lazy("Choose one or more files.")},
        )
        self.order_fields([*SHARED_FIELDS, "files"])

    def action_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SHARED_FIELDS}

    def ask_for_the_files_again(self) -> None:
        if "files" not in self.errors:
            self.add_error("files", str(CHOOSE_AGAIN))


class DetailsForm(ResourceForm):
    """One resource's main fields, compact: many of them share a page."""

    kept = ("author", "language", "published_on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, kind=Resource.Kind.FILE, editing=True, **kwargs)
        for name in self.kept:
            del self.fields[name]
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["licence"].widget = forms.Select(choices=licence_choices())

    def action_fields_for(self, resource: Resource) -> dict[str, Any]:
        """The form's fields, and the resource's own for those the form does not show."""
        return {
            **{name: getattr(resource, name) for name in self.kept},
            **self.cleaned_data,
        }


# Adding the files -----------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def details_url(access: ToolAccess, resources: list[Resource]) -> str:
    query = urlencode([("ids", found.public_id) for found in resources])
    return f"{reverse(f'{KEY}:bulk_details', args=[access.space.slug])}?{query}"


def _refused_json(refused: list[actions.RefusedFile]) -> list[dict[str, Any]]:
    return [{"name": file.name, "messages": file.messages} for file in refused]


@csrf_exempt
def bulk_add(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
    """The upload limits go in before anything reads the body; CSRF is checked right after."""
    upload_limits.install(request)
    return _bulk_add(request, **kwargs)


@csrf_protect
@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def _bulk_add(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    if request.method != "POST":
        return _bulk_page(request, access, BulkForm())
    stopped = upload_limits.refusal(request)
    if stopped is not None:
        refused = [actions.RefusedFile(stopped.name, [stopped.message])]
        if _wants_json(request):
            return JsonResponse({"refused": _refused_json(refused)}, status=413)
        # The body was not read to its end: show the fields read, without judging them.
        initial = {name: request.POST.get(name) for name in SHARED_FIELDS if name in request.POST}
        return _bulk_page(request, access, BulkForm(initial=initial), refused, status=413)
    form = BulkForm(request.POST, request.FILES)
    added: list[Resource] = []
    refused = []
    if form.is_valid():
        try:
            added, refused = actions.resources_add_files(
                access=access, files=form.cleaned_data["files"], **form.action_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
    if _wants_json(request):
        return JsonResponse(
            {
                "added": [{"id": found.public_id, "title": found.title} for found in added],
                "refused": _refused_json(refused),
                "errors": _all_errors(form),
                "details_url": details_url(access, added) if added else "",
            },
            status=201 if added else 400,
        )
    if added:
        for file in refused:
            messages.error(
                request,
                _("“%(name)s” was not added: %(reason)s")
                % {"name": file.name, "reason": " ".join(file.messages)},
            )
        return redirect(details_url(access, added))
    form.ask_for_the_files_again()  # every file refused, or the form has a problem
    return _bulk_page(request, access, form, refused, status=400)


def _all_errors(form: BulkForm) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


def _bulk_page(
    request: HttpRequest,
    access: ToolAccess,
    form: BulkForm,
    refused: list[actions.RefusedFile] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "library/bulk.html",
        _context(
            access,
            form=form,
            refused=refused or [],
            max_files=upload_limits.files_limit(),
            max_bytes=upload_limits.per_file_limit(),
            max_size=filesizeformat(upload_limits.per_file_limit()),
            details_base=reverse(f"{KEY}:bulk_details", args=[access.space.slug]),
        ),
        status=status,
    )


# Describing them ------------------------------------------------------------------------------


def _details_form(request: HttpRequest, resource: Resource) -> DetailsForm:
    tags = resource.tag_list  # type: ignore[attr-defined]
    initial = {
        "title": resource.title,
        "description": resource.description,
        # In the order given, as ``resource_edit`` compares them.
        "tags": ", ".join(tag.name for tag in sorted(tags, key=lambda tag: tag.pk)),
        "resource_type": resource.resource_type,
        "licence": resource.licence,
    }
    data = request.POST if request.method == "POST" else None
    return DetailsForm(data, initial=initial, prefix=f"r-{resource.public_id}")


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def bulk_details(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    resources = selectors.recently_added(
        access, request.GET.getlist("ids"), upload_limits.files_limit()
    )
    items = [(resource, _details_form(request, resource)) for resource in resources]
    if request.method == "POST" and items:
        changes = []
        for resource, form in items:
            if not form.is_valid():
                continue
            fields = form.action_fields_for(resource)
            try:
                actions.clean_fields(resource.kind, **fields)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                changes.append((resource, fields))
        if len(changes) == len(items):
            actions.resources_edit(access=access, changes=changes)
            messages.success(
                request,
                ngettext(
                    "The details of %(count)d resource are saved.",
                    "The details of %(count)d resources are saved.",
                    len(changes),
                )
                % {"count": len(changes)},
            )
            return redirect(f"{KEY}:index", access.space.slug)
    with_errors = sum(1 for _resource, form in items if form.is_bound and form.errors)
    return render(
        request,
        "library/bulk_details.html",
        _context(access, items=items, with_errors=with_errors),
        status=400 if with_errors else 200,
    )
