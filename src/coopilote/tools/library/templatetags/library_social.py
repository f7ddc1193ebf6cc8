"""What the end of a resource page needs for sharing, favourites, collections and comments.

The resource page (``views.resource``) passes the space's access and tool; this tag builds the
same ``ToolAccess`` the door gave the view, so the rights shown are the ones the actions check.
"""

from __future__ import annotations

from typing import Any

from django import template

from coopilote.spaces.access import ToolAccess
from coopilote.tools.library import collections, sharing, social
from coopilote.tools.library.manifest import CONTRIBUTE, MANIFEST
from coopilote.tools.library.views_collections import AddToCollectionForm
from coopilote.tools.library.views_social import CommentForm

register = template.Library()


@register.simple_tag(takes_context=True)
def resource_social(context: template.Context) -> dict[str, Any]:
    """At most four queries: shares (for those who may share), the reader's favourite,
    the collections they may add to, the comments written in this space."""
    access = ToolAccess(space_access=context["access"], tool=context["tool"], manifest=MANIFEST)
    resource = context["resource"]
    may_share = sharing.may_share(access, resource)
    in_origin = resource.space_id == access.space.pk
    may_comment = access.can(CONTRIBUTE)
    comments = social.comments_in(access, resource)
    for comment in comments:
        comment.may_delete = social.may_delete_comment(access, comment)  # type: ignore[attr-defined]
    choices = collections.editable_collections(access, resource)
    has_role = social.has_role(access)
    return {
        "may_share": may_share,
        "shares": sharing.shares_of(resource) if may_share else [],
        "may_unshare_here": not in_origin and sharing.may_unshare(access, resource),
        "has_role": has_role,
        "is_favourite": has_role and social.is_favourite(access.user, resource),
        "collection_form": AddToCollectionForm(choices=choices) if choices else None,
        "comments": comments,
        "comment_form": CommentForm() if may_comment else None,
    }
