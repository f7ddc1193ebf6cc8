from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "coopilote.tools.library"
    label = "library"
    verbose_name = _("Resource library")

    def ready(self) -> None:
        from coopilote.core.demo import register_seeder
        from coopilote.spaces import registry
        from coopilote.tools.library import demo
        from coopilote.tools.library.manifest import MANIFEST

        registry.register(MANIFEST)
        register_seeder("library", demo.seed_library)
