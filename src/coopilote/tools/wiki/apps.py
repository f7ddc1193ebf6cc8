from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WikiConfig(AppConfig):
    name = "coopilote.tools.wiki"
    label = "wiki"
    verbose_name = _("Wiki")

    def ready(self) -> None:
        from coopilote.core.demo import register_seeder
        from coopilote.spaces import registry
        from coopilote.tools.wiki import demo, notifications  # noqa: F401  (email kind)
        from coopilote.tools.wiki.manifest import MANIFEST

        registry.register(MANIFEST)
        register_seeder("wiki", demo.seed_wiki)
