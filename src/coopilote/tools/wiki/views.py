"""Wiki pages: parse input, call one action or selector, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.wiki import actions, diffing, selectors
from coopilote.tools.wiki.forms import PageForm, RestoreForm
from coopilote.tools.wiki.manifest import EDIT, KEY, MANAGE, READ
from coopilote.tools.wiki.models import Page


def _context(access: ToolAccess, **extra: Any) -> dict[str, Any]:
    return {
        "access": access.space_access,
        "space": access.space,
        "tool": access.tool,
        "may_edit": access.can(EDIT),
        "may_manage": access.can(MANAGE),
        **extra,
    }


def _page(access: ToolAccess, slug: str) -> Page:
    found = selectors.page(access.space, slug)
    if found is None or found.current is None:
        raise Http404
    return found


def _page_url(access: ToolAccess, page: Page) -> str:
    return reverse(f"{KEY}:page", args=[access.space.slug, page.slug])


def _token() -> str:
    return uuid.uuid4().hex


def _preview_url(access: ToolAccess) -> str:
    return reverse(f"{KEY}:preview", args=[access.space.slug])


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# Reading --------------------------------------------------------------------------------------


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def index(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(
        request,
        "wiki/index.html",
        _context(
            access,
            pages=selectors.page_index(access.space),
            to_create=selectors.links_to_create(access.space),
        ),
    )


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def page(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    actions.page_view(access=access, page=found)
    return render(
        request,
        "wiki/page.html",
        _context(
            access,
            page=found,
            revision=found.current,
            backlinks=selectors.backlinks(access.space, found),
        ),
    )


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def revision(request: HttpRequest, access: ToolAccess, page_slug: str, number: int) -> HttpResponse:
    found = _page(access, page_slug)
    old = selectors.revision(found, number)
    if old is None:
        raise Http404
    return render(request, "wiki/revision.html", _context(access, page=found, revision=old))


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def history(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    return render(
        request,
        "wiki/history.html",
        _context(access, page=found, revisions=selectors.history(found, request.GET.get("page"))),
    )


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def diff(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    assert found.current is not None
    latest = found.current.number
    to_number = _int(request.GET["to"]) if "to" in request.GET else latest
    if "from" in request.GET:
        from_number = _int(request.GET["from"])
    else:
        from_number = max(to_number - 1, 1) if to_number is not None else None
    if from_number is None or to_number is None:
        return render(
            request,
            "wiki/diff.html",
            _context(access, page=found, error=_("Choose two revisions to compare.")),
            status=400,
        )
    found_revisions = selectors.revisions(found, [from_number, to_number])
    if from_number not in found_revisions or to_number not in found_revisions:
        raise Http404
    old, new = found_revisions[from_number], found_revisions[to_number]
    return render(
        request,
        "wiki/diff.html",
        _context(
            access,
            page=found,
            old=old,
            new=new,
            title_changed=old.title != new.title,
            lines=diffing.diff(old.body, new.body),
            summary=diffing.summary(old.body, new.body),
        ),
    )


# Writing --------------------------------------------------------------------------------------


def _refused(form: PageForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@with_tool(KEY, EDIT)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    draft = selectors.draft(access.user, access.space, None)
    if request.method == "POST":
        form = PageForm(request.POST, preview_url=_preview_url(access), new=True)
        if form.is_valid():
            try:
                created = actions.page_create(access=access, **form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(
                    request, _("The page “%(title)s” is created.") % {"title": created.title}
                )
                return redirect(_page_url(access, created))
        return render(
            request,
            "wiki/edit.html",
            _context(access, form=form, page=None, draft=None),
            status=400,
        )
    title = " ".join(request.GET.get("title", "").split())[:200]
    if title:
        existing = selectors.page(access.space, actions.page_slug(title))
        if existing is not None:  # created meanwhile: the link leads to it
            return redirect(_page_url(access, existing))
    use_draft = draft is not None and request.GET.get("brouillon") == "1"
    initial = {"title": title, "token": _token()}
    if use_draft and draft is not None:
        initial.update(title=draft.title, body=draft.body)
    form = PageForm(initial=initial, preview_url=_preview_url(access), new=True)
    return render(
        request,
        "wiki/edit.html",
        _context(access, form=form, page=None, draft=None if use_draft else draft),
    )


def _conflict_page(
    request: HttpRequest, access: ToolAccess, conflict: actions.EditConflict, comment: str
) -> HttpResponse:
    form = PageForm(
        initial={
            "title": conflict.title,
            "body": conflict.body,
            "comment": comment,
            "base_number": conflict.current.number,
            "token": _token(),
        },
        preview_url=_preview_url(access),
    )
    return render(
        request,
        "wiki/conflict.html",
        _context(
            access,
            page=conflict.page,
            form=form,
            current=conflict.current,
            draft=conflict.draft,
            lines=diffing.diff(conflict.current.body, conflict.body),
        ),
        status=409,
    )


@with_tool(KEY, EDIT)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    current = found.current
    assert current is not None
    if request.method == "POST":
        form = PageForm(request.POST, preview_url=_preview_url(access))
        if form.is_valid():
            base = form.cleaned_data["base_number"]
            if base is None:
                form.add_error(None, _("This form is out of date: open the page again."))
            else:
                try:
                    result = actions.page_save(
                        access=access,
                        page=found,
                        title=form.cleaned_data["title"],
                        body=form.cleaned_data["body"],
                        comment=form.cleaned_data["comment"],
                        base_number=base,
                        token=form.cleaned_data["token"],
                    )
                except actions.EditConflict as conflict:
                    return _conflict_page(request, access, conflict, form.cleaned_data["comment"])
                except ValidationError as error:
                    _refused(form, error)
                else:
                    if result.merged:
                        messages.success(
                            request,
                            _(
                                "Saved. Someone else saved this page while you were writing: "
                                "both changes are kept."
                            ),
                        )
                    elif result.created or result.replayed:
                        messages.success(request, _("The page is saved."))
                    else:
                        messages.info(request, _("Nothing changed: the page is as it was."))
                    return redirect(_page_url(access, found))
        return render(
            request,
            "wiki/edit.html",
            _context(access, form=form, page=found, draft=None),
            status=400,
        )
    draft = selectors.draft(access.user, access.space, found)
    use_draft = draft is not None and request.GET.get("brouillon") == "1"
    initial: dict[str, Any] = {
        "title": current.title,
        "body": current.body,
        "base_number": current.number,
        "token": _token(),
    }
    if use_draft and draft is not None:
        initial.update(
            title=draft.title or current.title,
            body=draft.body,
            base_number=draft.base_number or current.number,
        )
    if draft is not None and not use_draft and draft.body == current.body:
        draft = None  # nothing to offer back
    form = PageForm(initial=initial, preview_url=_preview_url(access))
    return render(
        request,
        "wiki/edit.html",
        _context(access, form=form, page=found, draft=None if use_draft else draft),
    )


@with_tool(KEY, EDIT)
@require_http_methods(["GET", "POST"])
def restore(request: HttpRequest, access: ToolAccess, page_slug: str, number: int) -> HttpResponse:
    found = _page(access, page_slug)
    old = selectors.revision(found, number)
    if old is None:
        raise Http404
    form = RestoreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = actions.page_restore(
            access=access, page=found, number=number, comment=form.cleaned_data["comment"]
        )
        if result.created:
            messages.success(
                request,
                _("Revision %(number)d is restored as a new revision.") % {"number": number},
            )
        else:
            messages.info(request, _("The page already has this text: nothing changed."))
        return redirect(_page_url(access, found))
    return render(
        request,
        "wiki/restore.html",
        _context(access, page=found, revision=old, form=form),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, EDIT)
@require_POST
def preview(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    """The text rendered as a save would render it: an HTML fragment for the editor's preview."""
    try:
        rendered = actions.preview(access=access, body=request.POST.get("body", ""))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    response = render(request, "wiki/_preview.html", {"rendered": rendered})
    response["Cache-Control"] = "no-store"
    return response


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@with_tool(KEY, EDIT)
@require_POST
def draft_save(
    request: HttpRequest, access: ToolAccess, page_slug: str | None = None
) -> HttpResponse:
    found = _page(access, page_slug) if page_slug else None
    try:
        draft = actions.draft_save(
            access=access,
            page=found,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            base_number=_int(request.POST.get("base_number")),
        )
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"saved": False, "error": " ".join(error.messages)}, status=400)
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    if _wants_json(request):
        return JsonResponse({"saved": True, "updated_at": draft.updated_at.isoformat()})
    messages.success(request, _("Your text is kept as a draft: it will be offered back here."))
    if found is None:
        return redirect(reverse(f"{KEY}:create", args=[access.space.slug]))
    return redirect(reverse(f"{KEY}:edit", args=[access.space.slug, found.slug]))


@with_tool(KEY, EDIT)
@require_POST
def draft_discard(
    request: HttpRequest, access: ToolAccess, page_slug: str | None = None
) -> HttpResponse:
    found = _page(access, page_slug) if page_slug else None
    if actions.draft_discard(access=access, page=found):
        messages.success(request, _("Your draft is discarded."))
    if found is None:
        return redirect(reverse(f"{KEY}:create", args=[access.space.slug]))
    return redirect(reverse(f"{KEY}:edit", args=[access.space.slug, found.slug]))
