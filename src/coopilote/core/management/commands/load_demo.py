from django.core.management.base import BaseCommand
from django.db import transaction

from coopilote.core.demo import seeders


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent: what already exists is kept)."

    @transaction.atomic
    def handle(self, *args, **options):
        for key, seed in seeders():
            self.stdout.write(f"{key}: {seed()}")
