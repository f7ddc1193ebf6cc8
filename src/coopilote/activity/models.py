from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Participation(models.TextChoices):
    """How an event counts in participation analytics (see DESIGN, activity events)."""

    INITIATIVE = "initiative", _("initiative")
    REACTION = "reaction", _("reaction")
    VIEW = "view", _("view")
    ADMIN = "admin", _("administration")


class ActivityEvent(models.Model):
    """One thing that happened in a space. Append-only; deleting an account blanks its actor."""

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    tool_key = models.CharField(_("tool"), max_length=40)
    kind = models.CharField(_("kind"), max_length=80)
    participation = models.CharField(
        _("participation class"), max_length=12, choices=Participation.choices
    )
    target_type = models.CharField(_("target type"), max_length=60, blank=True)
    target_id = models.BigIntegerField(_("target id"), null=True, blank=True)
    parent_type = models.CharField(_("parent type"), max_length=60, blank=True)
    parent_id = models.BigIntegerField(_("parent id"), null=True, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["space", "-created_at"], name="activity_space_time"),
            # Rollups scan one day of every space at a time.
            models.Index(fields=["created_at"], name="activity_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.created_at:%Y-%m-%d %H:%M}"


class DailyActivity(models.Model):
    """Member × day × tool × participation class counts: what analytics read (DESIGN)."""

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    day = models.DateField(_("day"))
    tool_key = models.CharField(_("tool"), max_length=40)
    participation = models.CharField(
        _("participation class"), max_length=12, choices=Participation.choices
    )
    count = models.PositiveIntegerField(_("events"))

    class Meta:
        verbose_name = _("daily activity")
        verbose_name_plural = _("daily activity")
        indexes = [
            models.Index(fields=["space", "day"], name="daily_space_day"),
            models.Index(fields=["day"], name="daily_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.tool_key} {self.participation}: {self.count}"


class RolledDay(models.Model):
    """A local day whose events are summed into DailyActivity."""

    day = models.DateField(_("day"), unique=True)
    events = models.PositiveIntegerField(_("events"))
    rolled_at = models.DateTimeField(_("rolled up at"), default=timezone.now)

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class ViewCount(models.Model):
    """Anonymous views of one object on one local day (DESIGN: where reading is not measured).

    Nobody's name is attached: the count says that a card was opened, never by whom.
    """

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    target_type = models.CharField(_("target type"), max_length=60)
    target_id = models.BigIntegerField(_("target id"))
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily view count")
        verbose_name_plural = _("daily view counts")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "target_type", "target_id", "day"], name="viewcount_once_per_day"
            )
        ]
        indexes = [models.Index(fields=["space", "day"], name="viewcount_space_day")]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} {self.day}: {self.count}"
