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
    """Create the bench data.

    One verified member with a filled profile, who belongs to a network of 2,000 members and to
    some of the 200 spaces listed on the home page.
    """
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
    spaces = seed_spaces(members=2000, spaces=200, joined_by=member)

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
            **spaces,
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


# --------------------------------------------------------------------------------------------
# Spaces and members (issue 3): a network of 2,000 members and 200 spaces, seeded in bulk.

FIRST_NAMES = [
    "Camille",
    "Lucas",
    "Léa",
    "Hugo",
    "Manon",
    "Louis",
    "Chloé",
    "Gabriel",
    "Inès",
    "Jules",
    "Sarah",
    "Arthur",
    "Emma",
    "Nathan",
    "Zoé",
    "Paul",
    "Alice",
    "Théo",
    "Jeanne",
    "Malik",
    "Yasmine",
    "Karim",
    "Nadia",
    "Pierre",
    "Anne",
    "Thomas",
    "Claire",
    "Mathis",
    "Lina",
    "Noé",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
]
ORGANISATIONS = [
    f"{kind} {place}"
    for kind in (
        "Association",
        "Coopérative",
        "Tiers-lieu",
        "Centre social",
        "Régie de quartier",
        "Communauté de communes",
    )
    for place in (
        "du Val de Loire",
        "des Monts du Lyonnais",
        "de la Vallée de la Drôme",
        "du Pays de Redon",
        "des Coteaux",
        "de Belle-Île",
        "du Bocage",
        "des Deux Rives",
    )
]
PLACES = [
    ("Lyon (69)", "45.76", "4.84"),
    ("Tours (37)", "47.39", "0.69"),
    ("Chinon (37)", "47.17", "0.24"),
    ("Redon (35)", "47.65", "-2.08"),
    ("Die (26)", "44.75", "5.37"),
    ("Crest (26)", "44.73", "5.02"),
    ("Nantes (44)", "47.22", "-1.55"),
    ("Rennes (35)", "48.11", "-1.68"),
    ("Grenoble (38)", "45.19", "5.72"),
    ("Saint-Étienne (42)", "45.44", "4.39"),
    ("Blois (41)", "47.59", "1.33"),
    ("Angers (49)", "47.47", "-0.55"),
]
SKILLS = [
    "Facilitation",
    "Animation de réseau",
    "Cartographie",
    "Wiki",
    "Comptabilité",
    "Gouvernance partagée",
    "Communication",
    "Graphisme",
    "Montage de projets",
    "Financements européens",
    "Droit associatif",
    "Formation",
    "Médiation",
    "Inventaires naturalistes",
    "Logiciels libres",
    "Vidéo",
    "Photographie",
    "Rédaction",
    "Traduction",
    "Éducation populaire",
    "Agroécologie",
    "Permaculture",
    "Énergie",
    "Mobilité",
    "Habitat participatif",
    "Numérique responsable",
    "Économie circulaire",
    "Achats publics",
    "Évaluation",
    "Concertation",
]
INTERESTS = [
    "Communs",
    "Agroécologie",
    "Eau",
    "Biodiversité",
    "Zones humides",
    "Sciences participatives",
    "Tiers-lieux",
    "Alimentation",
    "Circuits courts",
    "Jeunesse",
    "Culture",
    "Santé",
    "Climat",
    "Forêts",
    "Économie sociale et solidaire",
    "Insertion",
    "Mobilités douces",
    "Sobriété",
    "Démocratie locale",
    "Patrimoine",
]
BIOS = [
    "Bénévole depuis {year}, je participe aux ateliers du jeudi.",
    "Chargée de mission, j'accompagne les projets du territoire depuis {year}.",
    "Salarié d'une structure adhérente, je m'occupe de la communication.",
    "Élue locale, je suis les questions de {interest}.",
    "J'anime un groupe de travail sur {interest} depuis {year}.",
    "",
]
SPACE_WORDS = [
    "Réseau",
    "Collectif",
    "Groupe",
    "Projet",
    "Atelier",
    "Chantier",
    "Cercle",
    "Fabrique",
    "Maison",
    "Plateforme",
]
SPACE_TOPICS = [
    "de l'eau",
    "des tiers-lieux",
    "alimentation locale",
    "des communs",
    "mobilités douces",
    "zones humides",
    "jardins partagés",
    "énergie citoyenne",
    "habitat participatif",
    "culture en milieu rural",
    "économie circulaire",
    "jeunesse et territoire",
]


def seed_spaces(
    *,
    members: int = 2000,
    spaces: int = 200,
    seed: int = 3,
    joined_by: Any = None,
    password_hash: str | None = None,
) -> dict[str, Any]:
    """A network of ``members`` people with full profiles, and ``spaces`` spaces for the home.

    Fast on purpose: the password is hashed once and every row goes in with ``bulk_create``.
    ``joined_by`` (a user) is made a member of the network and of some other spaces, with
    pending invitations, so that logged-in pages show what a real member sees. Returns facts for
    page paths and for tests. The same code runs at tiny scale in the test suite.
    """
    import random
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from coopilote.accounts.demo import DEMO_PASSWORD
    from coopilote.accounts.models import Tag, User
    from coopilote.core.markdown import render_markdown
    from coopilote.spaces.models import Field as SpaceField
    from coopilote.spaces.models import (
        Invitation,
        Kind,
        Membership,
        Space,
        Status,
        Visibility,
        hash_token,
    )
    from coopilote.spaces.policies import Role

    rng = random.Random(seed)
    now = timezone.now()
    hashed = password_hash or make_password(DEMO_PASSWORD)
    with transaction.atomic():
        skills = Tag.from_names(SKILLS)
        interests = Tag.from_names(INTERESTS)
        people = []
        for n in range(members):
            place, latitude, longitude = rng.choice(PLACES)
            interest = rng.choice(INTERESTS).lower()
            people.append(
                User(
                    email=f"membre{n:05d}.s{seed}@bench.example.org",
                    password=hashed,
                    display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    organisation=rng.choice(ORGANISATIONS) if rng.random() < 0.8 else "",
                    bio=rng.choice(BIOS).format(year=rng.randint(2005, 2025), interest=interest),
                    place_name=place if rng.random() < 0.9 else "",
                    place_latitude=Decimal(latitude),
                    place_longitude=Decimal(longitude),
                    date_joined=now - timedelta(days=rng.randint(0, 900)),
                )
            )
        people = User.objects.bulk_create(people, batch_size=500)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
            batch_size=500,
        )
        skill_links, interest_links = [], []
        for person in people:
            for tag in rng.sample(skills, rng.randint(0, 4)):
                skill_links.append(User.skills.through(user_id=person.pk, tag_id=tag.pk))
            for tag in rng.sample(interests, rng.randint(0, 3)):
                interest_links.append(User.interests.through(user_id=person.pk, tag_id=tag.pk))
        User.skills.through.objects.bulk_create(skill_links, batch_size=1000)
        User.interests.through.objects.bulk_create(interest_links, batch_size=1000)

        description = (
            "Le réseau rassemble **associations, coopératives et collectivités** qui font vivre "
            "les tiers-lieux de la région : ateliers, chantiers partagés, formations."
        )
        network = Space.objects.create(
            name="Réseau régional des tiers-lieux",
            slug=f"reseau-tiers-lieux-{seed}",
            kind=Kind.NETWORK,
            field=SpaceField.SOCIAL_ECONOMY,
            description=description,
            description_html=render_markdown(description),
            visibility=Visibility.MEMBERS,
            created_by=people[0] if people else None,
        )

        def role_for(index: int) -> str:
            if index == 0:
                return Role.OWNER
            draw = rng.random()
            if draw < 0.03:
                return Role.FACILITATOR
            return Role.OBSERVER if draw < 0.12 else Role.MEMBER

        memberships = [
            Membership(
                space=network,
                user=person,
                role=role_for(index),
                represents=rng.choice(ORGANISATIONS) if rng.random() < 0.3 else "",
                joined_at=now - timedelta(days=rng.randint(0, 700)),
            )
            for index, person in enumerate(people)
        ]

        home_spaces = []
        for n in range(spaces):
            name = f"{rng.choice(SPACE_WORDS)} {rng.choice(SPACE_TOPICS)} {n + 1}"
            text = f"Un espace pour {rng.choice(SPACE_TOPICS)} : rencontres, ressources, projets."
            draw = rng.random()
            home_spaces.append(
                Space(
                    name=name,
                    slug=f"espace-{seed}-{n + 1}",
                    kind=rng.choice(Kind.values),
                    field=rng.choice(SpaceField.values),
                    description=text,
                    description_html=render_markdown(text),
                    visibility=(
                        Visibility.PUBLIC
                        if draw < 0.55
                        else Visibility.MEMBERS
                        if draw < 0.9
                        else Visibility.SECRET
                    ),
                    status=(
                        Status.ARCHIVED
                        if rng.random() < 0.05
                        else Status.CLOSED
                        if rng.random() < 0.03
                        else Status.OPEN
                    ),
                    created_by=people[n % len(people)] if people else None,
                    created_at=now - timedelta(days=rng.randint(0, 900)),
                )
            )
        home_spaces = Space.objects.bulk_create(home_spaces, batch_size=500)
        for space in home_spaces:
            if not people:
                break
            team = rng.sample(people, min(len(people), rng.randint(1, 12)))
            for index, person in enumerate(team):
                memberships.append(
                    Membership(
                        space=space,
                        user=person,
                        role=Role.OWNER if index == 0 else rng.choice(list(Role)),
                        joined_at=now - timedelta(days=rng.randint(0, 300)),
                    )
                )
        # The member belongs to about one space in ten (one in two for tiny runs).
        mine = home_spaces[:: max(2, len(home_spaces) // 10)] if joined_by is not None else []
        if joined_by is not None:
            memberships.append(Membership(space=network, user=joined_by, role=Role.MEMBER))
            taken = {(m.space_id, m.user_id) for m in memberships}
            for index, space in enumerate(mine):
                if (space.pk, joined_by.pk) not in taken:
                    role = [Role.MEMBER, Role.FACILITATOR, Role.OBSERVER, Role.OWNER][index % 4]
                    memberships.append(Membership(space=space, user=joined_by, role=role))
        Membership.objects.bulk_create(memberships, batch_size=1000)
        counts: dict[int, int] = {}
        for membership in memberships:
            counts[membership.space_id] = counts.get(membership.space_id, 0) + 1
        for space in [network, *home_spaces]:
            space.member_count = counts.get(space.pk, 0)
        Space.objects.bulk_update([network, *home_spaces], ["member_count"], batch_size=500)

        if joined_by is not None:
            outside = [s for s in home_spaces if s not in mine and s.status == Status.OPEN][:3]
            Invitation.objects.bulk_create(
                [
                    Invitation(
                        space=space,
                        email=joined_by.email,
                        role=Role.MEMBER,
                        token_hash=hash_token(f"bench-{seed}-{space.pk}"),
                        invited_by=people[0],
                        expires_at=now + timedelta(days=14),
                    )
                    for space in outside
                ]
            )

    skill_counts: dict[int, int] = {}
    for link in skill_links:
        skill_counts[link.tag_id] = skill_counts.get(link.tag_id, 0) + 1
    common_skill = max(skills, key=lambda tag: (skill_counts.get(tag.pk, 0), tag.slug))
    return {
        "network_slug": network.slug,
        "network_members": counts.get(network.pk, 0),
        "skill_slug": common_skill.slug,
        "skill_name": common_skill.name,
        "skill_members": skill_counts.get(common_skill.pk, 0),
        "search": "Bocage",
        "spaces": len(home_spaces),
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
