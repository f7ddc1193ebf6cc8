from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WikiConfig(AppConfig):
    name = "coopilote.tools.wiki"
    label = "wiki"
    verbose_name = _("Wiki")

    def ready(self) -> None:
        from coopilote.spaces import registry
        from coopilote.tools.wiki import notifications  # noqa: F401  (registers its email kind)
        from coopilote.tools.wiki.manifest import MANIFEST

        registry.register(MANIFEST)
