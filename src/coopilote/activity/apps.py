from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "coopilote.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        from coopilote.activity import rollups
        from coopilote.core import scheduling

        scheduling.register("roll-up-activity", rollups.roll_up_past_days, every=scheduling.HOUR)
