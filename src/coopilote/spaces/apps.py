from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "coopilote.spaces"
    label = "spaces"
    verbose_name = _("Spaces")

    def ready(self) -> None:
        from coopilote.accounts.actions import register_deletion
        from coopilote.core.demo import register_seeder
        from coopilote.core.tasks import register_purger
        from coopilote.spaces import actions, checks, demo, events, handlers, notifications  # noqa: F401

        events.declare()

        register_purger("invitations", actions.purge_old_invitations)
        register_deletion(check=handlers.sole_owner_blockers, hook=actions.forget_member)
        register_seeder("spaces", demo.seed_spaces)
        handlers.connect()
