"""Mail to the followers of a page when it changes.

A save only enqueues one task (in its transaction: a refused save enqueues nothing), so its cost
does not grow with the number of followers. The task writes every follower's message to the
outbox in one transaction, so a retry after a failure never sends a message twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coopilote.core.tasks import retrying_task
from coopilote.mail.preferences import EmailKind, register_kind
from coopilote.mail.sending import send_to_user
from coopilote.spaces.access import ANCESTORS, SpaceAccess, ToolAccess, roles_of
from coopilote.spaces.models import SpaceTool
from coopilote.spaces.registry import get as get_manifest
from coopilote.tools.wiki import diffing
from coopilote.tools.wiki.manifest import KEY, READ
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


def page_changed(access: ToolAccess, page: Page, old: Revision | None, new: Revision) -> None:
    """Tell the page's followers in the background (see the module docstring)."""
    tell_followers.enqueue(revision_id=new.pk)


@retrying_task(queue_name="mail")
def tell_followers(revision_id: int) -> int:
    """Mail the followers of the revision's page, except its author, who may still read the
    wiki; how many messages were queued. Nothing is sent for a page in the trash or a wiki
    switched off meanwhile."""
    revision = (
        Revision.objects.select_related("author", "page", f"page__space__{ANCESTORS}")
        .filter(pk=revision_id, page__deleted_at__isnull=True)
        .first()
    )
    if revision is None:
        return 0
    page, space = revision.page, revision.page.space
    tool = SpaceTool.objects.filter(space=space, tool_key=KEY, enabled=True).first()
    manifest = get_manifest(KEY)
    if tool is None or manifest is None:
        return 0
    old = Revision.objects.filter(page=page, number=revision.number - 1).only("body").first()
    followers = list(
        PageFollower.objects.filter(page=page)
        .exclude(user=revision.author)
        .select_related("user")
        .order_by("pk")
    )
    roles = roles_of(space, [follower.user_id for follower in followers])
    url = settings.SITE_URL + reverse("wiki:page", args=[space.slug, page.slug])
    diff_url = settings.SITE_URL + reverse("wiki:diff", args=[space.slug, page.slug])
    old_body = old.body if old is not None else ""
    sent = 0
    with transaction.atomic():
        for follower in followers:
            theirs = ToolAccess(
                space_access=SpaceAccess(
                    space=space,
                    user=follower.user,
                    membership=None,
                    role=roles[follower.user_id],
                ),
                tool=tool,
                manifest=manifest,
            )
            if not may_follow(theirs):  # left the space, or may no longer read the wiki
                continue
            with translation.override(follower.user.language):
                summary = diffing.summary(old_body, revision.body)  # in the follower's language
            sent += send_to_user(
                user=follower.user,
                kind=FOLLOW,
                template="wiki/mail/page_changed",
                context={
                    "space": space,
                    "page": page,
                    "revision": revision,
                    "author": revision.author,
                    "summary": summary,
                    "page_url": url,
                    "diff_url": f"{diff_url}?to={revision.number}",
                },
            )
    return sent
