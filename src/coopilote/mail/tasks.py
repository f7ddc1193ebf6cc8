from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from coopilote.mail import delivery
from coopilote.mail.models import OutboxMessage


@task(queue_name="mail")
def deliver_mail(message_id: int) -> str:
    """Deliver one outbox message; on a transient failure, enqueue itself for the next attempt."""
    outcome = delivery.deliver(message_id)
    if outcome == "retry":
        next_at = (
            OutboxMessage.objects.filter(pk=message_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        deliver_mail.using(run_after=next_at or timezone.now()).enqueue(message_id)
    return outcome


@task(queue_name="mail")
def deliver_due_mail() -> dict[str, int]:
    """Safety net run every minute: anything due that no task picked up is sent now."""
    return delivery.deliver_due()
