"""The collections' pages: list, collection, create, edit, delete, add, move and remove items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.library import collections
from coopilote.tools.library.manifest import CONTRIBUTE, KEY, READ
from coopilote.tools.library.models import TITLE_MAX, Collection
from coopilote.tools.library.views import _context, _resource, _resource_url


class CollectionForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX,
        help_text=gettext_lazy("For example: Welcome kit for new members."),
        error_messages={"required": gettext_lazy("Give the collection a title.")},
    )
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=collections.INTRODUCTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Who it is for and in what order to read it. Markdown: **bold**, *italic*, "
            "- list, [text](https://…)."
        ),
    )


class AddToCollectionForm(forms.Form):
    collection = forms.TypedChoiceField(
        label=gettext_lazy("Collection"),
        coerce=int,
        error_messages={"required": gettext_lazy("Choose a collection.")},
    )

    def __init__(self, *args: Any, choices: list[Collection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = [(c.pk, c.title) for c in choices]  # type: ignore[attr-defined]


def _collection(access: ToolAccess, slug: str) -> Collection:
    found = collections.collection_in(access.space, slug)
    if found is None:
        raise Http404
    return found


def _editable(access: ToolAccess, slug: str) -> Collection:
    found = _collection(access, slug)
    if not collections.may_edit(access, found):
        raise PermissionDenied
    return found


def _collection_url(access: ToolAccess, collection: Collection) -> str:
    return reverse(f"{KEY}:collection", args=[access.space.slug, collection.slug])


def _item_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("item", ""))
    except ValueError:
        raise Http404 from None


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def collection_list(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(
        request,
        "library/collections.html",
        _context(access, collections=list(collections.collections_of(access.space))),
    )


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def collection(request: HttpRequest, access: ToolAccess, collection_slug: str) -> HttpResponse:
    found = _collection(access, collection_slug)
    return render(
        request,
        "library/collection.html",
        _context(
            access,
            collection=found,
            items=collections.items_of(found),
            may_edit=collections.may_edit(access, found),
        ),
    )


def _form_page(request: HttpRequest, access: ToolAccess, found: Collection | None) -> HttpResponse:
    if request.method == "POST":
        form = CollectionForm(request.POST)
        if form.is_valid():
            try:
                if found is None:
                    saved = collections.collection_create(access=access, **form.cleaned_data)
                else:
                    saved = collections.collection_edit(
                        access=access, collection=found, **form.cleaned_data
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The collection “%(title)s” is saved.") % {"title": saved.title}
                )
                return redirect(_collection_url(access, saved))
    else:
        initial = {}
        if found is not None:
            initial = {"title": found.title, "introduction": found.introduction}
        form = CollectionForm(initial=initial)
    return render(
        request,
        "library/collection_form.html",
        _context(access, form=form, collection=found),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def collection_create(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return _form_page(request, access, None)


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def collection_edit(request: HttpRequest, access: ToolAccess, collection_slug: str) -> HttpResponse:
    return _form_page(request, access, _editable(access, collection_slug))


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def collection_delete(
    request: HttpRequest, access: ToolAccess, collection_slug: str
) -> HttpResponse:
    found = _editable(access, collection_slug)
    if request.method == "POST":
        collections.collection_delete(access=access, collection=found)
        messages.success(
            request, _("The collection “%(title)s” is deleted.") % {"title": found.title}
        )
        return redirect(f"{KEY}:collections", access.space.slug)
    return render(request, "library/collection_delete.html", _context(access, collection=found))


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def collection_add(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    """From the resource page: a select of the collections this person may change."""
    found = _resource(access, public_id)
    choices = collections.editable_collections(access, found)
    form = AddToCollectionForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = next(c for c in choices if c.pk == form.cleaned_data["collection"])
        try:
            collections.collection_add(access=access, collection=chosen, resource=found)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is added to the collection “%(collection)s”.")
                % {"title": found.title, "collection": chosen.title},
            )
            return redirect(_resource_url(access, found))
    return render(
        request,
        "library/collection_add.html",
        _context(access, resource=found, form=form, choices=choices),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, CONTRIBUTE)
@require_POST
def collection_move(request: HttpRequest, access: ToolAccess, collection_slug: str) -> HttpResponse:
    found = _editable(access, collection_slug)
    collections.collection_move(
        access=access,
        collection=found,
        item_id=_item_id(request),
        direction=request.POST.get("direction", ""),
    )
    messages.success(request, _("The order is saved."))
    return redirect(f"{_collection_url(access, found)}#item-{_item_id(request)}")


@with_tool(KEY, CONTRIBUTE)
@require_POST
def collection_remove(
    request: HttpRequest, access: ToolAccess, collection_slug: str
) -> HttpResponse:
    found = _editable(access, collection_slug)
    collections.collection_remove(access=access, collection=found, item_id=_item_id(request))
    messages.success(request, _("The resource is out of the collection; it stays in the library."))
    return redirect(_collection_url(access, found))
