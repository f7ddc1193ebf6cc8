from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NAME_MAX = 120
URL_MAX = 500
PURPOSE_MAX = 500
AGREEMENT_MAX = 1000
HELP_TEXT_MAX = 300


class Category(models.TextChoices):
    PAD = "pad", _("pad (shared writing)")
    VIDEO = "video", _("video room")
    MAILING_LIST = "mailing_list", _("mailing list")
    DRIVE = "drive", _("shared drive")
    CHAT = "chat", _("chat")
    FORUM = "forum", _("forum")
    CALENDAR = "calendar", _("calendar")
    OTHER = "other", _("other")


class ExternalTool(models.Model):
    """A service the group uses outside Coopilote, with the group's agreement on how to use it."""

    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.CASCADE,
        related_name="external_tools",
        verbose_name=_("space"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    url = models.CharField(_("address"), max_length=URL_MAX)
    category = models.CharField(
        _("kind of tool"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    purpose = models.TextField(_("what we use it for"), max_length=PURPOSE_MAX, blank=True)
    # The usage agreement: "we use it for..., we avoid...".
    agreed_uses = models.TextField(_("we use it for"), max_length=AGREEMENT_MAX, blank=True)
    avoid = models.TextField(_("we avoid"), max_length=AGREEMENT_MAX, blank=True)
    # A membership rather than a person: someone who leaves the space stops being the contact.
    help_contact = models.ForeignKey(
        "spaces.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who to ask for help"),
    )
    help_text = models.CharField(_("how to get help"), max_length=HELP_TEXT_MAX, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("external tool")
        verbose_name_plural = _("external tools")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["space", "position"], name="external_space_position")]

    def __str__(self) -> str:
        return self.name

    @property
    def hostname(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def domain(self) -> str:
        """The full domain as people should read it; a non-Latin name also shows its ASCII
        form, so that a look-alike address (homograph) cannot pass for a familiar one."""
        host = self.hostname
        if host.isascii():
            return host
        try:
            ascii_form = host.encode("idna").decode("ascii")
        except UnicodeError:
            return host
        return f"{host} ({ascii_form})"
