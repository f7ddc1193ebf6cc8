"""Wiki pages, their revisions, drafts that keep unsaved text, and the links between pages.

A page's text lives only in its revisions: each save appends one (numbered 1..n per page), with its
Markdown body and the HTML rendered and sanitised at save time, so that reading never renders.
``Page.current`` points at the latest revision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
SLUG_MAX = 220
COMMENT_MAX = 300
TOKEN_MAX = 64
TEMPLATE_NAME_MAX = 100


class Page(models.Model):
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="wiki_pages", verbose_name=_("space")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    # Derived from the title (``text.page_slug``): what ``[[Page name]]`` links resolve to.
    slug = models.SlugField(_("address"), max_length=SLUG_MAX)
    current = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current revision"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Set when the page goes to the trash (a later part of the wiki); None: a live page.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # The page above this one in the space's tree (None: at the top); never a cycle.
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent page"),
    )

    class Meta:
        verbose_name = _("wiki page")
        verbose_name_plural = _("wiki pages")
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="wiki_page_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        MERGED = "merged", _("merged with a simultaneous edit")
        RESTORED = "restored", _("restored")

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("page")
    )
    # The page's space, copied (a page never changes space): recent changes read it by index.
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EDITED)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("rendered text"), blank=True)
    toc = models.JSONField(_("table of contents"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    # The revision number an old text was restored from, or the concurrent one merged with.
    source_number = models.PositiveIntegerField(_("from revision"), null=True, blank=True)
    # The edit form's one-time token: a second submission of the same form finds this revision.
    token = models.CharField(_("submission token"), max_length=TOKEN_MAX, blank=True)
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="wiki_revision_unique_number"),
            models.UniqueConstraint(
                fields=["page", "token"], condition=~Q(token=""), name="wiki_revision_unique_token"
            ),
        ]
        indexes = [
            models.Index(fields=["space", "-created_at", "-id"], name="wiki_revision_space_time")
        ]

    def __str__(self) -> str:
        return f"{self.title} #{self.number}"


class Draft(models.Model):
    """Text someone has not saved yet: autosaved, or kept when their save met a conflict.

    One per person and page; ``page`` is None for a page not created yet (one per person and
    space).
    """

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    page = models.ForeignKey(
        Page,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("page"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wiki_drafts",
        verbose_name=_("person"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX, blank=True)
    body = models.TextField(_("text"), blank=True)
    # The revision the text was written from (None for a new page).
    base_number = models.PositiveIntegerField(_("base revision"), null=True, blank=True)
    updated_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page"],
                condition=Q(page__isnull=False),
                name="wiki_draft_unique_page",
            ),
            models.UniqueConstraint(
                fields=["user", "space"],
                condition=Q(page__isnull=True),
                name="wiki_draft_unique_new_page",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PageLink(models.Model):
    """A ``[[Page name]]`` link in a page's current text, existing target or not ("to create").

    ``to_space`` is the space the link names: the page's own, or another one written as
    ``[[space-address:Page name]]``.
    """

    from_page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("from page")
    )
    to_space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("target space")
    )
    to_slug = models.SlugField(_("target address"), max_length=SLUG_MAX)
    to_name = models.CharField(_("target name"), max_length=TITLE_MAX)

    class Meta:
        verbose_name = _("link between pages")
        verbose_name_plural = _("links between pages")
        constraints = [
            models.UniqueConstraint(
                fields=["from_page", "to_space", "to_slug"], name="wiki_link_unique_target"
            ),
        ]
        indexes = [models.Index(fields=["to_space", "to_slug"], name="wiki_link_to_page")]

    def __str__(self) -> str:
        return f"{self.from_page_id} → {self.to_name}"


class PageRedirect(models.Model):
    """A former address of a renamed page: links and bookmarks to it still lead to the page."""

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    old_slug = models.SlugField(_("former address"), max_length=SLUG_MAX)
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("page")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("former page address")
        verbose_name_plural = _("former page addresses")
        constraints = [
            models.UniqueConstraint(fields=["space", "old_slug"], name="wiki_redirect_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.page_id}"


class PageFollower(models.Model):
    """Someone who gets an email when the page changes (``notifications.page_changed``)."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="followers", verbose_name=_("page")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wiki_follows",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("following since"), default=timezone.now)

    class Meta:
        verbose_name = _("page follower")
        verbose_name_plural = _("page followers")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="wiki_follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.page_id}"


class PageTemplate(models.Model):
    """A space's page template: one of its own (``key`` empty), or a facilitator's version of a
    built-in one (``key`` names it; ``hidden``: taken out of the space's list). Built-in
    templates a space never changed have no row (``page_templates.BUILTINS``)."""

    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        related_name="wiki_templates",
        verbose_name=_("space"),
    )
    key = models.SlugField(_("built-in template"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=TEMPLATE_NAME_MAX)
    description = models.CharField(_("what it is for"), max_length=COMMENT_MAX, blank=True)
    title = models.CharField(_("title of new pages"), max_length=TITLE_MAX, blank=True)
    body = models.TextField(_("text"), blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("page template")
        verbose_name_plural = _("page templates")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "key"], condition=~Q(key=""), name="wiki_template_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name
