"""Sharing into other spaces, favourites and comments: parse input, call one action, render.

The resource is always looked up as the space in the URL shows it (``views._resource``): a
resource of another space is a 404 here, whoever asks.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from coopilote.spaces.access import SpaceView, ToolAccess, with_tool
from coopilote.tools.library import sharing, social
from coopilote.tools.library.manifest import CONTRIBUTE, KEY, READ
from coopilote.tools.library.models import Comment, Resource
from coopilote.tools.library.views import _context, _resource, _resource_url


def with_role(view: SpaceView) -> SpaceView:
    """After the door: only people with a role in the space (visitors are asked to log in,
    or refused)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, access: ToolAccess, **kwargs: Any) -> HttpResponseBase:
        if not social.has_role(access):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return view(request, access, **kwargs)

    return wrapped


def _space_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("space", ""))
    except ValueError:
        raise Http404 from None


# Sharing --------------------------------------------------------------------------------------


class ShareForm(forms.Form):
    space = forms.TypedChoiceField(
        label=gettext_lazy("Share into"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a space.")},
    )

    def __init__(self, *args: Any, targets: list[ToolAccess], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = [  # type: ignore[attr-defined]
            (target.space.pk, f"{target.space.name} ({target.space.get_visibility_display()})")
            for target in targets
        ]


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    found = _resource(access, public_id)
    if not sharing.may_share(access, found):
        raise PermissionDenied
    targets = sharing.share_targets(access, found)
    form = ShareForm(request.POST or None, targets=targets)
    if request.method == "POST":
        if form.is_valid():
            try:
                done = sharing.resource_share(
                    access=access, resource=found, space_id=form.cleaned_data["space"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is now shared into %(space)s.")
                    % {"title": found.title, "space": done.space.name},
                )
                return redirect(reverse(f"{KEY}:share", args=[access.space.slug, public_id]))
        elif not targets:
            form.add_error(None, _("There is no space you may share this resource into."))
    return render(
        request,
        "library/share.html",
        _context(
            access, resource=found, form=form, targets=targets, shares=sharing.shares_of(found)
        ),
        status=400 if form.errors else 200,
    )


@with_tool(KEY, CONTRIBUTE)
@require_POST
def unshare(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    """From the origin, the space named in the form; from a receiving space, that space."""
    found = _resource(access, public_id)
    if not sharing.may_unshare(access, found):
        raise PermissionDenied
    from_origin = found.space_id == access.space.pk
    space_id = _space_id(request) if from_origin else access.space.pk
    sharing.resource_unshare(access=access, resource=found, space_id=space_id)
    if from_origin:
        messages.success(
            request, _("“%(title)s” is no longer shared there.") % {"title": found.title}
        )
        return redirect(reverse(f"{KEY}:share", args=[access.space.slug, public_id]))
    messages.success(
        request,
        _("“%(title)s” is no longer in this space's library.") % {"title": found.title},
    )
    return redirect(f"{KEY}:index", access.space.slug)


# Favourites -----------------------------------------------------------------------------------


@with_tool(KEY, READ)
@with_role
@require_POST
def favourite(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    found = _resource(access, public_id)
    if social.favourite_toggle(access=access, resource=found):
        messages.success(request, _("“%(title)s” is in your favourites.") % {"title": found.title})
    else:
        messages.success(
            request, _("“%(title)s” is no longer in your favourites.") % {"title": found.title}
        )
    if request.POST.get("back") == "favourites":
        return redirect(f"{KEY}:favourites", access.space.slug)
    return redirect(_resource_url(access, found))


@with_tool(KEY, READ)
@with_role
@require_http_methods(["GET"])
def favourites(request: HttpRequest, access: ToolAccess) -> HttpResponse:
    return render(
        request,
        "library/favourites.html",
        _context(access, page=social.favourites_page(access, request.GET.get("page"))),
    )


# Comments -------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=social.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Markdown: **bold**, *italic*, - list, [text](https://…)."),
        error_messages={
            "required": gettext_lazy("Write your comment."),
            "max_length": gettext_lazy(
                "%(limit_value)d characters at most (this comment has %(show_value)d)."
            ),
        },
    )


@with_tool(KEY, CONTRIBUTE)
@require_POST
def comment_add(request: HttpRequest, access: ToolAccess, public_id: str) -> HttpResponse:
    """A refused comment comes back on a page of its own, the text kept."""
    found = _resource(access, public_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = social.comment_add(
                access=access, resource=found, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)  # a dict of errors lands on the fields it names
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(f"{_resource_url(access, found)}#comment-{comment.pk}")
    return render(
        request,
        "library/comment_form.html",
        _context(access, resource=found, form=form),
        status=400,
    )


def _comment(access: ToolAccess, found: Resource, comment_id: int) -> Comment:
    comment = social.comment_in(access, found, comment_id)
    if comment is None:
        raise Http404
    return comment


@with_tool(KEY, CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def comment_delete(
    request: HttpRequest, access: ToolAccess, public_id: str, comment_id: int
) -> HttpResponse:
    found = _resource(access, public_id)
    comment = _comment(access, found, comment_id)
    if not social.may_delete_comment(access, comment):
        raise PermissionDenied
    if request.method == "POST":
        social.comment_delete(access=access, comment=comment)
        messages.success(request, _("The comment is deleted."))
        return redirect(f"{_resource_url(access, found)}#comments-title")
    return render(
        request,
        "library/comment_delete.html",
        _context(access, resource=found, comment=comment),
    )
