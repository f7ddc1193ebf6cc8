"""The resource library: files, links and notes a network pools, under the licences it chose.

A resource belongs to the space it was added in (its origin) and may be shared into other
spaces without being copied (``Share``): it then appears in each of their libraries, readable by
each space's own readers. Files keep every version (``ResourceFile``); the resource points at
the current one. Files are served only through the library's views, never from a public media
address, and are addressed by random identifiers (128 bits).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
AUTHOR_MAX = 200
TAG_MAX = 60
URL_MAX = 2000
NOTE_MAX = 300


def new_public_id() -> str:
    """128 random bits, in hex: what URLs name a resource by (SEC-T10)."""
    return secrets.token_hex(16)


class Licence(models.TextChoices):
    CC_BY = "cc-by", "CC BY"
    CC_BY_SA = "cc-by-sa", "CC BY-SA"
    CC_BY_NC = "cc-by-nc", "CC BY-NC"
    CC_BY_ND = "cc-by-nd", "CC BY-ND"
    CC0 = "cc0", "CC0"
    PUBLIC_DOMAIN = "public-domain", _("Public domain")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


class ResourceType(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TOOL = "tool", _("Tool")
    EXPERIENCE = "experience", _("Experience report")
    DATA = "data", _("Data")
    TEMPLATE = "template", _("Template")
    STUDY = "study", _("Study")
    TRAINING = "training", _("Training material")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    SPANISH = "es", _("Spanish")
    ITALIAN = "it", _("Italian")
    BRETON = "br", _("Breton")
    OCCITAN = "oc", _("Occitan")
    OTHER = "other", _("Other language")


class Resource(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Web link")
        NOTE = "note", _("Written note")

    public_id = models.CharField(
        _("identifier"), max_length=32, unique=True, default=new_public_id, editable=False
    )
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        related_name="library_resources",
        verbose_name=_("origin space"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(_("rendered description"), blank=True)
    resource_type = models.CharField(
        _("type"), max_length=20, choices=ResourceType.choices, default=ResourceType.OTHER
    )
    author = models.CharField(_("author or source"), max_length=AUTHOR_MAX, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.FRENCH
    )
    published_on = models.DateField(_("date"), null=True, blank=True)
    licence = models.CharField(
        _("licence"),
        max_length=24,
        choices=Licence.choices,
        default=Licence.ALL_RIGHTS_RESERVED,
    )
    url = models.URLField(_("web address"), max_length=URL_MAX, blank=True)
    body = models.TextField(_("note"), blank=True)
    body_html = models.TextField(_("rendered note"), blank=True)
    current_file = models.ForeignKey(
        "ResourceFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current file"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # Anonymous counters (DESIGN: who read what is measured only where the space chose it).
    view_count = models.PositiveIntegerField(_("views"), default=0)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["space", "-created_at", "-id"], name="library_res_space_new"),
            models.Index(fields=["space", "title"], name="library_res_space_title"),
        ]

    def __str__(self) -> str:
        return self.title


class ResourceFile(models.Model):
    """One version of a resource's file, as checked and stored (``uploads``)."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="files", verbose_name=_("resource")
    )
    number = models.PositiveIntegerField(_("version"))
    storage_name = models.CharField(_("stored as"), max_length=200, unique=True)
    name = models.CharField(_("file name"), max_length=200)
    size = models.BigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=120)
    file_kind = models.CharField(_("content"), max_length=12)
    extension = models.CharField(_("extension"), max_length=12)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    thumbnail = models.CharField(_("thumbnail"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="library_file_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"


class ResourceTag(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="tags", verbose_name=_("resource")
    )
    name = models.CharField(_("tag"), max_length=TAG_MAX)
    slug = models.SlugField(_("tag address"), max_length=TAG_MAX)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["resource", "slug"], name="library_tag_unique"),
        ]
        indexes = [models.Index(fields=["slug", "resource"], name="library_tag_slug")]

    def __str__(self) -> str:
        return self.name


class Share(models.Model):
    """A resource shown in another space's library, without a copy."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="shares", verbose_name=_("resource")
    )
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        related_name="library_shares",
        verbose_name=_("shared into"),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by"),
    )
    created_at = models.DateTimeField(_("shared at"), default=timezone.now)

    class Meta:
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        constraints = [
            models.UniqueConstraint(fields=["resource", "space"], name="library_share_unique"),
        ]
        indexes = [models.Index(fields=["space", "-created_at"], name="library_share_space")]

    def __str__(self) -> str:
        return f"{self.resource_id} → {self.space_id}"


class Collection(models.Model):
    """An ordered selection with an introduction ("kit d'accueil du nouveau membre")."""

    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        related_name="library_collections",
        verbose_name=_("space"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    slug = models.SlugField(_("address"), max_length=TITLE_MAX)
    introduction = models.TextField(_("introduction"), blank=True)
    introduction_html = models.TextField(_("rendered introduction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="library_collection_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class CollectionItem(models.Model):
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="items", verbose_name=_("collection")
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="+", verbose_name=_("resource")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("resource in a collection")
        verbose_name_plural = _("resources in collections")
        ordering = ["collection", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "resource"], name="library_collection_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id} #{self.position}"


class Favourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_favourites",
        verbose_name=_("person"),
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="favourites", verbose_name=_("resource")
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        constraints = [
            models.UniqueConstraint(fields=["user", "resource"], name="library_favourite_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.resource_id}"


class Comment(models.Model):
    """A comment on a resource, written in one space's library and read there."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="comments", verbose_name=_("resource")
    )
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    html = models.TextField(_("rendered comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["resource", "space", "created_at"], name="library_cmt")]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.body[:40]}"
