from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "coopilote.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from coopilote.core import scheduling
        from coopilote.core.tasks import register_purger
        from coopilote.mail import delivery, handlers, tasks

        scheduling.register("deliver-due-mail", tasks.deliver_due_mail, every=scheduling.MINUTE)
        register_purger("mail", delivery.purge_sent_mail)
        handlers.connect()
