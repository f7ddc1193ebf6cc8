from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from coopilote.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from coopilote.accounts.models import Tag, User


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent: existing accounts are left as they are)."

    @transaction.atomic
    def handle(self, *args, **options):
        hashed = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
        created = 0
        for account in DEMO_ACCOUNTS:
            user, is_new = User.objects.get_or_create(
                email=account.email,
                defaults={
                    "display_name": account.display_name,
                    "is_staff": account.is_staff,
                    "is_superuser": account.is_staff,
                    "organisation": account.organisation,
                    "place_name": account.place_name,
                    "bio": account.bio,
                    "digital_comfort": account.digital_comfort,
                    "password": hashed,
                },
            )
            if is_new:
                created += 1
                user.skills.set(Tag.from_names(account.skills))
                user.interests.set(Tag.from_names(account.interests))
            EmailAddress.objects.get_or_create(
                user=user, email=account.email, defaults={"verified": True, "primary": True}
            )
        self.stdout.write(f"Demo accounts: {created} created, {len(DEMO_ACCOUNTS) - created} kept.")
