from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExternalToolsConfig(AppConfig):
    name = "coopilote.tools.external"
    label = "external"
    verbose_name = _("External tools")

    def ready(self) -> None:
        from coopilote.spaces import registry
        from coopilote.tools.external.manifest import MANIFEST

        registry.register(MANIFEST)
