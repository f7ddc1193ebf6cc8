"""Mail to the followers of a page when it changes, sent inside the save's transaction: the
outbox row commits with the revision, and a refused save sends nothing."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coopilote.mail.preferences import EmailKind, register_kind
from coopilote.mail.sending import send_to_user
from coopilote.spaces.access import ToolAccess, access_for
from coopilote.tools.wiki import diffing
from coopilote.tools.wiki.manifest import READ
from coopilote.tools.wiki.models import Page, PageFollower, Revision

FOLLOW = "wiki_follow"

register_kind(
    EmailKind(
        key=FOLLOW,
        label=_("Changes to the wiki pages you follow"),
        description=_(
            "A message when someone saves a new version of a wiki page you follow, with a "
            "summary of the change."
        ),
        default=True,
    )
)


def may_follow(access: ToolAccess) -> bool:
    """Members of the space (any role, own or inherited) who may read the wiki."""
    return (
        access.space_access.is_authenticated
        and access.space_access.role is not None
        and access.can(READ)
    )


def page_changed(access: ToolAccess, page: Page, old: Revision | None, new: Revision) -> int:
    """Tell the page's followers, except the author, who may still read it; how many mails."""
    followers = (
        PageFollower.objects.filter(page=page)
        .exclude(user=new.author)
        .select_related("user")
        .order_by("pk")
    )
    url = settings.SITE_URL + reverse("wiki:page", args=[access.space.slug, page.slug])
    diff_url = settings.SITE_URL + reverse("wiki:diff", args=[access.space.slug, page.slug])
    old_body = old.body if old is not None else ""
    sent = 0
    for follower in followers:
        theirs = ToolAccess(
            space_access=access_for(access.space, follower.user),
            tool=access.tool,
            manifest=access.manifest,
        )
        if not may_follow(theirs):  # left the space, or may no longer read the wiki
            continue
        with translation.override(follower.user.language):
            summary = diffing.summary(old_body, new.body)  # in the follower's language
        sent += send_to_user(
            user=follower.user,
            kind=FOLLOW,
            template="wiki/mail/page_changed",
            context={
                "space": access.space,
                "page": page,
                "revision": new,
                "author": new.author,
                "summary": summary,
                "page_url": url,
                "diff_url": f"{diff_url}?to={new.number}",
            },
        )
    return sent
