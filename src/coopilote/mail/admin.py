from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coopilote.mail.models import EmailSubscription, OutboxMessage
from coopilote.mail.tasks import deliver_mail


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipients",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_now"]

    @admin.display(description=_("to"))
    def recipients(self, obj: OutboxMessage) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Send again now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        ids = list(queryset.exclude(status=OutboxMessage.Status.SENT).values_list("pk", flat=True))
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        for pk in ids:
            deliver_mail.enqueue(pk)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again.", "%(count)d messages queued again.", len(ids)
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(EmailSubscription)
class EmailSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "subscribed", "changed_at"]
    list_filter = ["kind", "subscribed"]
    raw_id_fields = ["user"]
