"""Favourites and comments on the library's resources.

A favourite is personal (one person, one resource) and listed in each space whose library shows
the resource. A comment belongs to the space it was written in and is read there only: the same
resource shared into two spaces has two separate conversations, each under that space's rights.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from coopilote.activity.recording import record
from coopilote.core.markdown import render_markdown
from coopilote.core.text import clean_plain_text
from coopilote.spaces.access import ToolAccess, tool_access_again
from coopilote.tools.library.actions import owns_or_manages
from coopilote.tools.library.manifest import CONTRIBUTE, MANIFEST, READ
from coopilote.tools.library.models import Comment, Favourite, Resource, Share
from coopilote.tools.library.selectors import PAGE_SIZE, resources_of

COMMENT_MAX = 5000


def has_role(access: ToolAccess) -> bool:
    """Favourites are for people with a role in the space, not for its visitors."""
    return access.space_access.role is not None and access.can(READ)


def _shown_here(access: ToolAccess, resource: Resource) -> Resource:
    fresh = resources_of(access.space).filter(pk=resource.pk).first()
    if fresh is None:
        raise Http404
    return fresh


# Favourites -----------------------------------------------------------------------------------


def is_favourite(user: Any, resource: Resource) -> bool:
    return Favourite.objects.filter(user=user, resource=resource).exists()


def favourite_toggle(*, access: ToolAccess, resource: Resource) -> bool:
    """Mark or unmark the resource as a favourite of the reader; True when it now is one."""
    if not has_role(access):
        raise PermissionDenied
    with transaction.atomic():
        fresh_access = tool_access_again(access, READ)
        if not has_role(fresh_access):
            raise PermissionDenied
        fresh = _shown_here(fresh_access, resource)
        removed, _counts = Favourite.objects.filter(user=access.user, resource=fresh).delete()
        if removed:
            return False
        # get_or_create: a double click sent twice must not fail on the unique constraint.
        Favourite.objects.get_or_create(user=access.user, resource=fresh)
    return True


def favourites_page(access: ToolAccess, number: Any) -> Page[Favourite]:
    """The reader's favourites this space's library shows, last marked first (count and rows:
    two queries)."""
    here = Q(resource__space=access.space) | Q(
        resource_id__in=Share.objects.filter(space=access.space).values("resource_id")
    )
    favourites = (
        Favourite.objects.filter(here, user=access.user)
        .select_related("resource", "resource__space")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(favourites, PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    return page


# Comments -------------------------------------------------------------------------------------


def comments_in(access: ToolAccess, resource: Resource) -> list[Comment]:
    """The comments written in this space on the resource, oldest first, with their authors."""
    return list(
        Comment.objects.filter(resource=resource, space=access.space)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def comment_in(access: ToolAccess, resource: Resource, comment_id: int) -> Comment | None:
    """One comment written in this space on the resource, with its author."""
    return (
        Comment.objects.filter(pk=comment_id, resource=resource, space=access.space)
        .select_related("author")
        .first()
    )


def may_delete_comment(access: ToolAccess, comment: Comment) -> bool:
    """In the space it was written in: its author (while they may contribute) or managers."""
    return owns_or_manages(access, comment.space_id, comment.author_id)


def clean_comment(body: str) -> str:
    """Markdown without HTML tags (as every text people type here), not empty, not too long;
    a refusal names the ``body`` field."""
    try:
        text = clean_plain_text(body or "")
        if not text:
            raise ValidationError(_("Write your comment."), code="required")
        if len(text) > COMMENT_MAX:
            raise ValidationError(
                _("%(max)d characters at most (this comment has %(count)d).")
                % {"max": COMMENT_MAX, "count": len(text)},
                code="max_length",
            )
    except ValidationError as error:
        raise ValidationError({"body": [error]}) from None
    return text


def comment_add(*, access: ToolAccess, resource: Resource, body: str) -> Comment:
    access.require(CONTRIBUTE)
    text = clean_comment(body)
    with transaction.atomic():
        fresh_access = tool_access_again(access, CONTRIBUTE, lock=True)
        fresh = _shown_here(fresh_access, resource)
        comment = Comment.objects.create(
            resource=fresh,
            space=fresh_access.space,
            author=access.user,
            body=text,
            html=render_markdown(text),
        )
        record(
            space=fresh_access.space,
            actor=access.user,
            kind=MANIFEST.kind("library.comment.added").key,
            target=comment,
            parent=fresh,
            payload={"title": fresh.title},
        )
    return comment


def comment_delete(*, access: ToolAccess, comment: Comment) -> None:
    access.require(CONTRIBUTE)
    if not may_delete_comment(access, comment):
        raise PermissionDenied
    with transaction.atomic():
        fresh_access = tool_access_again(access, CONTRIBUTE, lock=True)
        fresh = Comment.objects.filter(pk=comment.pk, space=fresh_access.space).first()
        if fresh is None:
            raise Http404
        if not may_delete_comment(fresh_access, fresh):
            raise PermissionDenied
        fresh.delete()
