from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "coopilote.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from coopilote.core import scheduling, tasks

        scheduling.register("purge-expired-data", tasks.purge_expired_data, every=scheduling.DAY)
