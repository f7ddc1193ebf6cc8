from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "coopilote.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from coopilote.core import ratelimit, scheduling, tasks

        scheduling.register("purge-expired-data", tasks.purge_expired_data, every=scheduling.DAY)
        tasks.register_purger("sessions", tasks.purge_expired_sessions)
        tasks.register_purger("task_results", tasks.purge_old_task_results)
        tasks.register_purger("rate_counters", ratelimit.purge_counters)
