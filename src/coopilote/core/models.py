from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One row per periodic job and period: the unique pair makes enqueueing idempotent."""

    job = models.CharField(_("job"), max_length=100)
    period = models.BigIntegerField(_("period number"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_result_id = models.CharField(_("task result"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-enqueued_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduledrun_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} #{self.period}"


class RateCounter(models.Model):
    """Uses of a limited action by one person in one time window (``core.ratelimit``)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("uses"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
