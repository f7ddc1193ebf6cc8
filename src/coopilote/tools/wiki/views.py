"""Wiki pages: parse input, call one action or selector, render."""

from __future__ import annotations

import contextlib
import functools
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.spaces.access import ToolAccess, with_tool
from coopilote.tools.wiki import actions, diffing, links, notifications, page_templates, selectors
from coopilote.tools.wiki.forms import MoveForm, PageForm, RenameForm, RestoreForm
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


# Text sent after the session ended (REL-T19) -------------------------------------------------

STASH_KEY = "wiki_unsent"
STASH_FIELDS = ("title", "body", "comment", "base_number")
STASH_MAX = 2_000_000  # characters: the body limit is checked again when it is saved


def _keep_unsent(view: Any) -> Any:
    """Before the door: a save sent by someone whose session has ended (anonymous now) is kept
    in their new session, for this address only, and given back by ``_unsent`` after they log
    in again and land on the same form (the door sends them to the login page with ``next``)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            sent = {name: request.POST.get(name, "")[:STASH_MAX] for name in STASH_FIELDS}
            if sent["title"].strip() or sent["body"].strip():
                request.session[STASH_KEY] = {"path": request.path, "form": sent}
        return view(request, **kwargs)

    return wrapped


def _unsent(request: HttpRequest, access: ToolAccess, page: Page | None) -> dict[str, Any] | None:
    """The text kept by ``_keep_unsent`` for this address, taken out of the session and kept
    as the person's draft too (now that they are known), so that closing the tab loses nothing."""
    kept = request.session.get(STASH_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[STASH_KEY]
    form = kept.get("form")
    if not isinstance(form, dict):
        return None
    unsent = {name: str(form.get(name, "")) for name in STASH_FIELDS}
    # Too long to keep as a draft: the form still shows it, and saving says why.
    with contextlib.suppress(ValidationError):
        actions.draft_save(
            access=access,
            page=page,
            title=unsent["title"],
            body=unsent["body"],
            base_number=_int(unsent["base_number"]),
        )
    messages.warning(
        request,
        _(
            "Your session had ended when you saved: your text was not saved yet. "
            "It is back in the form below: check it and save again."
        ),
    )
    return unsent


# Reading --------------------------------------------------------------------------------------


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def index(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(
        request,
        "wiki/index.html",
        _context(
            access,
            pages=selectors.page_index(access.space, request.GET.get("page")),
            to_create=selectors.links_to_create(access.space),
        ),
    )


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def page(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = selectors.page(access.space, page_slug)
    if found is None:
        renamed = selectors.redirect_target(access.space, page_slug)
        if renamed is not None:  # a former address of a renamed page
            return redirect(_page_url(access, renamed))
    if found is None or found.current is None:
        raise Http404
    actions.page_view(access=access, page=found)
    return render(
        request,
        "wiki/page.html",
        _context(
            access,
            page=found,
            revision=found.current,
            body_html=links.for_reader(access, found.current.html),
            backlinks=selectors.backlinks(access, found),
            may_follow=notifications.may_follow(access),
            following=selectors.is_following(access.user, found),
        ),
    )


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def changes(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(
        request,
        "wiki/changes.html",
        _context(access, revisions=selectors.recent_changes(access.space, request.GET.get("page"))),
    )


@with_tool(KEY, READ)
@require_POST
def follow(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    if not request.user.is_authenticated:  # a visitor of a public space: log in first
        return redirect_to_login(_page_url(access, found))
    actions.page_follow(access=access, page=found)
    messages.success(
        request,
        _("You follow “%(title)s”: you will get an email when it changes.")
        % {"title": found.title},
    )
    return redirect(_page_url(access, found))


@with_tool(KEY, READ)
@require_POST
def unfollow(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    if not request.user.is_authenticated:  # a visitor of a public space: log in first
        return redirect_to_login(_page_url(access, found))
    actions.page_unfollow(access=access, page=found)
    messages.success(request, _("You no longer follow “%(title)s”.") % {"title": found.title})
    return redirect(_page_url(access, found))


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def revision(request: HttpRequest, access: ToolAccess, page_slug: str, number: int) -> HttpResponse:
    found = _page(access, page_slug)
    old = selectors.revision(found, number)
    if old is None:
        raise Http404
    return render(
        request,
        "wiki/revision.html",
        _context(access, page=found, revision=old, body_html=links.for_reader(access, old.html)),
    )


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


def _refused(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@_keep_unsent
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
    template = page_templates.find(access.space, request.GET.get("modele", ""))
    if template is not None:
        initial.update(
            title=title or page_templates.fill(template.title),
            body=page_templates.fill(template.body),
        )
    if use_draft and draft is not None:
        initial.update(title=draft.title, body=draft.body)
    unsent = _unsent(request, access, None)
    if unsent is not None:
        initial.update(title=unsent["title"], body=unsent["body"], comment=unsent["comment"])
        use_draft = True  # the text in the form is newer than any draft
    form = PageForm(initial=initial, preview_url=_preview_url(access), new=True)
    return render(
        request,
        "wiki/edit.html",
        _context(
            access,
            form=form,
            page=None,
            draft=None if use_draft else draft,
            templates=page_templates.space_templates(access.space),
            template=template,
            title_asked=title,
        ),
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


@_keep_unsent
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
    unsent = _unsent(request, access, found)
    if unsent is not None:
        initial.update(
            title=unsent["title"] or current.title,
            body=unsent["body"],
            comment=unsent["comment"],
            base_number=_int(unsent["base_number"]) or current.number,
        )
        use_draft = True  # the text in the form is newer than any draft
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
    response = render(
        request, "wiki/_preview.html", {"body_html": links.for_reader(access, rendered.html)}
    )
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


# Trash, renaming and the page tree ------------------------------------------------------------


@with_tool(KEY, READ)
@require_http_methods(["GET"])
def tree(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(
        request, "wiki/tree.html", _context(access, tree=selectors.nested_tree(access.space))
    )


@with_tool(KEY, MANAGE)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    if request.method == "POST":
        actions.page_delete(access=access, page=found)
        messages.success(
            request,
            _("The page “%(title)s” is in the trash: it can be restored from there.")
            % {"title": found.title},
        )
        return redirect(reverse(f"{KEY}:index", args=[access.space.slug]))
    return render(
        request,
        "wiki/delete.html",
        _context(access, page=found, backlinks=selectors.backlinks(access, found)),
    )


@with_tool(KEY, MANAGE)
@require_http_methods(["GET"])
def trash(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(request, "wiki/trash.html", _context(access, pages=selectors.trash(access.space)))


@with_tool(KEY, MANAGE)
@require_POST
def undelete(request: HttpRequest, access: ToolAccess, page_id: int) -> HttpResponse:
    found = selectors.trashed_page(access.space, page_id)
    if found is None:
        raise Http404
    restored = actions.page_undelete(access=access, page=found)
    messages.success(request, _("The page “%(title)s” is restored.") % {"title": restored.title})
    return redirect(_page_url(access, restored))


@with_tool(KEY, EDIT)
@require_http_methods(["GET", "POST"])
def rename(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    if request.method == "POST":
        form = RenameForm(request.POST)
        if form.is_valid():
            try:
                renamed = actions.page_rename(
                    access=access,
                    page=found,
                    title=form.cleaned_data["title"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error("title", error)
            else:
                messages.success(
                    request, _("The page is now called “%(title)s”.") % {"title": renamed.title}
                )
                return redirect(_page_url(access, renamed))
        return render(
            request, "wiki/rename.html", _context(access, page=found, form=form), status=400
        )
    form = RenameForm(initial={"title": found.title})
    return render(request, "wiki/rename.html", _context(access, page=found, form=form))


@with_tool(KEY, EDIT)
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, access: ToolAccess, page_slug: str) -> HttpResponse:
    found = _page(access, page_slug)
    choices = selectors.move_choices(access.space, found)
    if request.method == "POST":
        form = MoveForm(request.POST, choices=choices)
        if form.is_valid():
            try:
                actions.page_move(access=access, page=found, parent=form.cleaned_data["parent"])
            except ValidationError as error:
                form.add_error("parent", error.messages)
            else:
                messages.success(request, _("The page is moved."))
                return redirect(reverse(f"{KEY}:tree", args=[access.space.slug]))
        return render(
            request, "wiki/move.html", _context(access, page=found, form=form), status=400
        )
    form = MoveForm(initial={"parent": found.parent_id or ""}, choices=choices)
    return render(request, "wiki/move.html", _context(access, page=found, form=form))
