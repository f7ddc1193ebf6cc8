"""The part of the bench that runs inside Django, in a subprocess with the bench's environment.

``run.py`` never imports Django itself: it runs this file with the same production-like
environment variables as the server, so that seeding and query counting use exactly the settings,
database and cache the measured gunicorn worker uses.

    python bench/django_side.py seed            # create the bench data, print facts as JSON
    python bench/django_side.py queries PAGES   # count SQL queries per page (PAGES is JSON)

The last stdout line is ``BENCH-JSON: {...}``; everything else (logging) goes to stderr.
Later issues extend ``seed()`` with the data their pages need, and return the facts
(names, ids, slugs) that page paths and expected texts refer to.
"""

from __future__ import annotations

import json
import secrets
import sys
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

MARKER = "BENCH-JSON: "


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def database_description() -> dict[str, str]:
    from django.db import connection

    if connection.vendor == "sqlite":
        db_version = connection.Database.sqlite_version
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
        label = f"SQLite {db_version} ({journal.upper()})"
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db_version = cursor.fetchone()[0].split()[0]
        label = f"PostgreSQL {db_version}"
    else:
        db_version = ""
        label = connection.vendor
    return {"vendor": connection.vendor, "version": db_version, "label": label}


def seed() -> dict[str, Any]:
    """Create the bench data: for now one verified member with a filled profile."""
    from allauth.account.models import EmailAddress
    from django.conf import settings

    from coopilote.accounts.models import DigitalComfort, Tag, User

    password = secrets.token_urlsafe(18)
    member = User.objects.create_user(
        "camille.bench@example.org",
        password,
        display_name="Camille Bench",
        bio="Facilitatrice du réseau des tiers-lieux.\nAnime les ateliers du jeudi.",
        organisation="Réseau des tiers-lieux",
        place_name="Lyon 7e",
        place_latitude=Decimal("45.75"),
        place_longitude=Decimal("4.84"),
        digital_comfort=DigitalComfort.CONFIDENT,
        language="fr",
    )
    member.skills.set(Tag.from_names(["Facilitation", "Cartographie", "Wiki"]))
    member.interests.set(Tag.from_names(["Communs", "Agroécologie"]))
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    return {
        "users": {
            "member": {
                "email": member.email,
                "password": password,
                "display_name": member.display_name,
            }
        },
        # Facts that page definitions may use in their paths and expected texts.
        "facts": {
            "member_id": member.pk,
            "member_name": member.display_name,
            "member_organisation": member.organisation,
        },
        "versions": {
            "python": sys.version.split()[0],
            "django": version("django"),
            "gunicorn": version("gunicorn"),
            "allauth": version("django-allauth"),
        },
        "database": database_description(),
        "settings": {
            "debug": settings.DEBUG,
            "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE", 0),
            "cache": settings.CACHES["default"]["BACKEND"],
        },
    }


def count_queries(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """Count the SQL queries of one warm request per page, through the full middleware stack.

    Each page is ``{"name", "path", "cookies"}``. The page is requested twice first (so that
    first-request effects such as cache fills do not count), then twice more while capturing;
    both counts are reported so that unstable counts show.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results: dict[str, Any] = {}
    for page in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        for name, value in page["cookies"].items():
            client.cookies[name] = value
        for _ in range(2):
            client.get(page["path"])
        counts = []
        statuses = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page["path"])
            counts.append(len(captured.captured_queries))
            statuses.append(response.status_code)
        results[page["name"]] = {
            "queries": counts[-1],
            "queries_seen": sorted(set(counts)),
            "status": statuses[-1],
            "sql": [query["sql"][:300] for query in captured.captured_queries],
        }
    return results


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"seed", "queries"}:
        print(__doc__, file=sys.stderr)
        return 2
    setup_django()
    result = seed() if argv[0] == "seed" else count_queries(json.loads(argv[1]))
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
