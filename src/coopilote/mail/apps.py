from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "coopilote.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from coopilote.core import scheduling
        from coopilote.mail import handlers, tasks

        scheduling.register("deliver-due-mail", tasks.deliver_due_mail, every=scheduling.MINUTE)
        handlers.connect()
