from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coopilote.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from coopilote.accounts.actions import purge_unverified_accounts
        from coopilote.accounts.demo import seed_accounts
        from coopilote.core.demo import register_seeder
        from coopilote.core.tasks import register_purger

        register_purger("unverified_accounts", purge_unverified_accounts)
        register_seeder("accounts", seed_accounts)
