"""The part of the bench that runs inside Django, in a subprocess with the bench's environment.

``run.py`` never imports Django itself: it runs this file with the same production-like
environment variables as the server, so that seeding and query counting use exactly the settings,
database and cache the measured gunicorn worker uses.

    python bench/django_side.py seed [SCALE]    # create the bench data, print facts as JSON
    python bench/django_side.py rollups         # rebuild the activity rollups, time it
    python bench/django_side.py queries PAGES   # count SQL queries per page (PAGES is JSON)
    python bench/django_side.py revisions PATH  # revisions of the wiki page edited at PATH

``queries`` reads a streamed response (the library's exports) to its end while counting: their
queries run while the body is produced.

The last stdout line is ``BENCH-JSON: {...}``; everything else (logging) goes to stderr.
Later issues extend ``seed()`` with the data their pages need, and return the facts
(names, ids, slugs) that page paths and expected texts refer to.
"""

from __future__ import annotations

import itertools
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


def seed(scale: float = 1.0) -> dict[str, Any]:
    """Create the bench data.

    One verified member with a filled profile, who belongs to a network of 2,000 members and to
    some of the 200 spaces listed on the home page, 1,000,000 activity events over 24 months,
    a wiki of 400 pages of 20 revisions and a library of 20,000 resources in the network.
    ``scale`` multiplies the members, spaces, events, wiki pages and resources (never below what
    the pages' checks need: a second page of members, of spaces, of wiki pages and of resources,
    a page with fifteen links to others).
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
    spaces = seed_spaces(
        members=max(60, round(2000 * scale)), spaces=max(40, round(200 * scale)), joined_by=member
    )
    activity = seed_activity(
        network_slug=spaces["network_slug"], events=max(1000, round(EVENTS * scale))
    )
    # At least a second screen of the wiki's index (100 a screen), which the bench checks.
    wiki = seed_wiki(network_slug=spaces["network_slug"], pages=max(101, round(WIKI_PAGES * scale)))
    library = seed_library(
        network_slug=spaces["network_slug"],
        resources=max(60, round(LIBRARY_RESOURCES * scale)),
        password=password,
    )

    return {
        "users": {
            "member": {
                "email": member.email,
                "password": password,
                "display_name": member.display_name,
            },
            **library["users"],
        },
        # Facts that page definitions may use in their paths and expected texts.
        "facts": {
            "member_id": member.pk,
            "member_name": member.display_name,
            "member_organisation": member.organisation,
            "has_feed": has_route("spaces:activity", spaces["network_slug"]),
            **spaces,
            **wiki["facts"],
            **library["facts"],
        },
        "activity": activity,
        "wiki": wiki["report"],
        "library": library["report"],
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
        "network_name": network.name,
        "network_members": counts.get(network.pk, 0),
        "skill_slug": common_skill.slug,
        "skill_name": common_skill.name,
        "skill_members": skill_counts.get(common_skill.pk, 0),
        "search": "Bocage",
        "spaces": len(home_spaces),
    }


# --------------------------------------------------------------------------------------------
# Activity (issue 4): a log of 1,000,000 events over 24 months, and the rollups built from it.

EVENTS = 1_000_000
MONTHS = 24
# Relative activity of a member by participation profile (drawn once per person).
PROFILES = [  # (share of people, weight range)
    ("proactive", 0.04, (25.0, 60.0)),
    ("reactive", 0.21, (4.0, 12.0)),
    ("observer", 0.45, (0.3, 1.5)),
    ("inactive", 0.30, (0.0, 0.0)),
]
DRIFT_SHARE = 0.2  # of active people, who stop 1 to 8 months after joining
OTHER_SPACES_FACTOR = 0.3  # a person is less active in a small space than in the network
ADMIN_SHARE = 0.08  # of a facilitator's events: editing cards, sending invitations
# Local hours of the day people act at (weights), and how a week and a year breathe.
HOURS = [0, 0, 0, 0, 0, 0, 1, 3, 7, 10, 10, 9, 6, 7, 9, 9, 8, 7, 6, 5, 5, 4, 2, 1]
WEEKDAYS = [1.0, 1.0, 0.95, 1.0, 0.85, 0.3, 0.2]
CARD_NAMES = [
    "Visio du lundi", "Pad des comptes rendus", "Liste de diffusion", "Nuage partagé",
    "Messagerie instantanée", "Agenda partagé", "Carte des initiatives", "Forum des adhérents",
    "Tableur des contacts", "Sondages", "Boîte à idées", "Kit de communication",
]  # fmt: skip


def _draw_weight(rng: Any) -> float:
    """How active one person is, drawn from the profile shares."""
    draw, cumulative = rng.random(), 0.0
    for _name, share, (low, high) in PROFILES:
        cumulative += share
        if draw < cumulative:
            return float(rng.uniform(low, high))
    return 0.0


def _day_weight(day: Any, first: Any, span: int) -> float:
    season = 0.45 if day.month == 8 else 0.35 if (day.month, day.day) >= (12, 22) else 1.0
    season = 0.35 if day.month == 1 and day.day <= 2 else season
    growth = 0.6 + 0.6 * (day - first).days / max(span, 1)  # the network grows over two years
    return WEEKDAYS[day.weekday()] * season * growth


def seed_activity(
    *, network_slug: str, events: int = EVENTS, months: int = MONTHS, seed: int = 4
) -> dict[str, Any]:
    """``events`` activity events over ``months`` months, up to now, in the network and the
    other open spaces of ``seed_spaces``.

    Realistic in shape: a few proactive people do most of it, many only read, a third never
    act; some drift away; weekdays and working hours, quiet Augusts and Christmases, a network
    that grows. Kinds are the declared ones only (``spaces.*`` and the External tools kinds):
    everyone's joining, facilitators' card edits and invitations, and reading by name (the
    spaces measure it), which is most of a real log. Rows go in by day, in time order, with
    COPY on PostgreSQL and ``executemany`` on SQLite. The same code runs at a tiny size in the
    test suite. Returns facts for the report and for tests.
    """
    import random
    import time
    from datetime import UTC, timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from coopilote.activity.recording import declared_participation
    from coopilote.activity.rollups import day_start, local_today
    from coopilote.spaces.models import Membership, Space, SpaceTool
    from coopilote.tools.external.manifest import KEY, MANIFEST
    from coopilote.tools.external.models import ExternalTool

    started = time.perf_counter()
    rng = random.Random(seed)
    network = Space.objects.get(slug=network_slug)
    spaces = [network, *Space.objects.filter(status="open").exclude(pk=network.pk).order_by("pk")]
    today = local_today()
    first = today - timedelta(days=round(months * 30.44))
    span = (today - first).days
    now = timezone.now()

    # The tool and its cards, which reading events are about.
    SpaceTool.objects.bulk_create(
        [
            SpaceTool(space=space, tool_key=KEY, slug=MANIFEST.slug, title="Outils externes")
            for space in spaces
        ],
        ignore_conflicts=True,
    )
    cards = ExternalTool.objects.bulk_create(
        [
            ExternalTool(
                space=space,
                name=name,
                url=f"https://outils.example.org/{space.pk}/{n}",
                category="other",
                purpose="Ce pour quoi le groupe l'utilise.",
                agreed_uses="On l'utilise pour échanger entre deux rencontres.",
                avoid="On évite d'y mettre des données personnelles.",
                position=n,
            )
            for space in spaces
            for n, name in enumerate(CARD_NAMES if space is network else CARD_NAMES[:1])
        ]
    )
    Space.objects.filter(pk__in=[space.pk for space in spaces]).update(reading_measurement=True)
    cards_of: dict[int, list[int]] = {}
    for card in cards:
        cards_of.setdefault(card.space_id, []).append(card.pk)
    card_weights = {
        space: list(itertools.accumulate(1 / (n + 1) for n in range(len(ids))))
        for space, ids in cards_of.items()
    }
    hour_weights = list(itertools.accumulate(HOURS))

    # Who acts how much, from when to when.
    profile: dict[int, tuple[float, Any]] = {}  # user → (weight, last active day or None)
    rows = list(
        Membership.objects.filter(space__in=spaces)
        .order_by("pk")
        .values_list("pk", "space_id", "user_id", "role", "joined_at")
    )
    for _pk, space_id, user_id, role, joined_at in sorted(rows, key=lambda row: row[2]):
        if user_id in profile:
            continue
        weight = _draw_weight(rng)
        if space_id == network.pk and role in ("owner", "facilitator"):
            weight = rng.uniform(*PROFILES[0][2])
        stop = None
        if weight and rng.random() < DRIFT_SHARE:
            stop = joined_at.date() + timedelta(days=rng.randint(30, 240))
        profile[user_id] = (weight, stop)
    slots = []  # (space, user, role, weight, first day, last day)
    joins = []  # (day, membership, space, user, role, joined_at)
    for pk, space_id, user_id, role, joined_at in rows:
        weight, stop = profile[user_id]
        joined = max(joined_at.date(), first)
        if joined_at.date() >= first:
            joins.append((joined, pk, space_id, user_id, role, joined_at))
        if weight:
            factor = 1.0 if space_id == network.pk else OTHER_SPACES_FACTOR
            slots.append((space_id, user_id, role, weight * factor, joined, stop or today))

    joins_by_day: dict[Any, list[Any]] = {}
    for join in joins:
        joins_by_day.setdefault(join[0], []).append(join)
    budget = max(events - len(joins), 0)
    days = [first + timedelta(days=n) for n in range(span + 1)]
    weights = [_day_weight(day, first, span) for day in days]
    total_weight = sum(weights)

    joined_kind, opened_kind = "spaces.member.joined", "external.tool.opened"
    edited_kind, invited_kind = "external.tool.edited", "spaces.invitation.sent"
    classes = {
        kind: str(declared_participation(kind))
        for kind in (joined_kind, opened_kind, edited_kind, invited_kind)
    }
    card_type, membership_type = "external.externaltool", "spaces.membership"

    def rows_of_day(day: Any, count: int) -> list[tuple[Any, ...]]:
        start = day_start(day).astimezone(UTC)
        limit = (now - start).total_seconds() if day == today else 86_400.0
        active = [slot for slot in slots if slot[4] <= day <= slot[5]]
        out = []
        for _day, pk, space_id, user_id, role, joined_at in joins_by_day.get(day, ()):
            payload = json.dumps({"user": user_id, "role": role, "how": "invitation"})
            out.append(
                (space_id, user_id, "spaces", joined_kind, classes[joined_kind],
                 membership_type, pk, payload, joined_at.astimezone(UTC))
            )  # fmt: skip
        if active and count:
            cumulative = list(itertools.accumulate(slot[3] for slot in active))
            actors = rng.choices(active, cum_weights=cumulative, k=count)
            hours = rng.choices(range(24), cum_weights=hour_weights, k=count)
            for (space_id, user_id, role, *_rest), hour in zip(actors, hours, strict=True):
                offset = (hour + rng.random()) * 3600
                if offset >= limit:
                    offset = rng.random() * limit
                when = start + timedelta(seconds=offset)
                if role in ("owner", "facilitator") and rng.random() < ADMIN_SHARE:
                    if rng.random() < 0.6:
                        card = rng.choice(cards_of[space_id])
                        row = ("external", edited_kind, classes[edited_kind], card_type, card,
                               '{"fields": ["agreed_uses"]}')  # fmt: skip
                    else:
                        count_sent = json.dumps({"count": rng.randint(1, 12)})
                        row = ("spaces", invited_kind, classes[invited_kind], "", None, count_sent)
                else:
                    card = rng.choices(cards_of[space_id], cum_weights=card_weights[space_id])[0]
                    row = ("external", opened_kind, classes[opened_kind], card_type, card, "{}")
                tool, kind, participation, target_type, target_id, payload = row
                out.append(
                    (space_id, user_id, tool, kind, participation, target_type, target_id,
                     payload, when)
                )  # fmt: skip
        out.sort(key=lambda row: row[-1])
        return out

    # Events per day in proportion to its weight, exactly ``budget`` in all (largest
    # remainders); a day nobody could act on (before the first members) hands its share on.
    shares = [budget * weight / total_weight for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(days)), key=lambda n: counts[n] - shares[n])
    for n in by_remainder[: budget - sum(counts)]:
        counts[n] += 1
    inserted, carried, pending = 0, 0, []
    insert = _copy_postgres if connection.vendor == "postgresql" else _insert_rows
    with transaction.atomic():
        for day, count in zip(days, counts, strict=True):
            day_rows = rows_of_day(day, count + carried)
            placed = len(day_rows) - len(joins_by_day.get(day, ()))
            carried = count + carried - placed
            pending += day_rows
            if len(pending) >= 50_000:
                inserted += insert(pending)
                pending = []
        inserted += insert(pending)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE activity_activityevent")
    return {
        "activity_events": inserted,
        "activity_first_day": first.isoformat(),
        "activity_days": span + 1,
        "activity_members": len(profile),
        "activity_seed_seconds": round(time.perf_counter() - started, 1),
    }


EVENT_COLUMNS = (
    "space_id", "actor_id", "tool_key", "kind", "participation", "target_type", "target_id",
    "payload", "created_at",
)  # fmt: skip


def _insert_rows(rows: list[tuple[Any, ...]]) -> int:
    """SQLite (and any other database): one prepared INSERT run for every row."""
    from django.db import connection

    if not rows:
        return 0
    adapt = connection.ops.adapt_datetimefield_value
    placeholders = ", ".join(["%s"] * (len(EVENT_COLUMNS) + 2))
    sql = (
        f"INSERT INTO activity_activityevent ({', '.join(EVENT_COLUMNS)}, parent_type, "  # noqa: S608 - constants only
        f"parent_id) VALUES ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row[:-1], adapt(row[-1]), "", None) for row in rows])
    return len(rows)


def _copy_postgres(rows: list[tuple[Any, ...]]) -> int:
    """PostgreSQL: COPY ... FROM STDIN, the fastest way in."""
    from django.db import connection

    if not rows:
        return 0
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        statement = (
            f"COPY activity_activityevent ({', '.join(EVENT_COLUMNS)}, parent_type) FROM STDIN"
        )
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row((*row, ""))
    return len(rows)


# --------------------------------------------------------------------------------------------
# Wiki (issue 5): 400 pages of 20 revisions each in the network, rendered by the wiki itself.

WIKI_PAGES = 400
WIKI_REVISIONS = 20
WIKI_HUB = "Charte de fonctionnement du réseau"  # measured: about fifteen links and a toc
WIKI_HUB_LINKS = 15
WIKI_SAVED = "Relevé de décisions du bureau"  # the page the bench saves again and again
WIKI_MARK = "Dernière relecture : "  # the line ``edited_body`` rewrites
MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip
WIKI_PLACES = [
    "Tours", "Chinon", "Redon", "Die", "Crest", "Blois", "Angers", "Saumur", "Vendôme",
    "Loches", "Amboise", "Montoire",
]  # fmt: skip
WIKI_PROJECTS = [
    "Jardin partagé", "Repair café", "Fablab", "Épicerie solidaire", "Atelier vélo",
    "Ressourcerie", "Cantine coopérative", "Chantier participatif", "Café des langues",
    "Marché de producteurs", "Inventaire des mares", "Plantation de haies",
]  # fmt: skip
WIKI_THEMES = [
    "gouvernance partagée", "accueil des nouveaux", "modèle économique", "communication",
    "bénévolat", "financements publics", "mesure d'impact", "numérique responsable",
    "mobilités", "alimentation locale",
]  # fmt: skip
WIKI_MEETINGS = [
    "comité de pilotage", "bureau", "groupe communication", "cercle animation",
    "réunion des référents", "groupe financements",
]  # fmt: skip
WIKI_SENTENCES = [
    "Le groupe s'est retrouvé au tiers-lieu pour faire le point sur l'avancement.",
    "Les bénévoles souhaitent un calendrier plus lisible, partagé avec les partenaires.",
    "La communauté de communes confirme son soutien pour l'année prochaine.",
    "Il reste à trouver une solution pour le stockage du matériel pendant l'hiver.",
    "Trois nouvelles structures ont rejoint la démarche depuis la dernière rencontre.",
    "Le budget prévisionnel doit être validé avant la fin du trimestre.",
    "Chacun peut proposer un point à l'ordre du jour jusqu'à la veille de la réunion.",
    "Les décisions sont prises par consentement, après un tour de parole.",
    "Une visite de terrain est prévue au printemps avec les habitants du quartier.",
    "L'animation tourne entre les membres du groupe, un mois chacun.",
    "Les comptes rendus sont publiés ici dans la semaine qui suit la réunion.",
    "Le dossier de subvention a été déposé auprès de la région.",
    "Les retours du questionnaire montrent une forte attente sur la formation.",
    "La prochaine rencontre aura lieu en visio pour limiter les déplacements.",
]
WIKI_GOALS = [
    "Mutualiser le matériel entre les structures du réseau",
    "Accueillir chaque nouveau membre dans le mois qui suit son arrivée",
    "Publier un bilan annuel lisible par les financeurs",
    "Former deux personnes à l'animation de réunions",
    "Ouvrir le lieu au moins deux samedis par mois",
    "Documenter les savoir-faire pour qu'ils ne dépendent pas d'une seule personne",
    "Associer les habitants aux choix d'aménagement",
    "Réduire de moitié les déplacements en voiture pour les réunions",
]
WIKI_ACTIONS = [
    "Rédiger l'appel à bénévoles", "Réserver la salle", "Relancer les partenaires",
    "Mettre à jour la carte des initiatives", "Préparer le bilan financier",
    "Organiser la visite de terrain", "Envoyer la lettre d'information",
    "Commander les outils", "Préparer l'ordre du jour", "Accueillir les nouveaux membres",
]  # fmt: skip
WIKI_COMMENTS = [
    "Ajout des décisions de la réunion", "Coquilles", "Mise à jour du calendrier",
    "Compléments après relecture", "Nouvelles actions", "Mise à jour du tableau", "",
    "Précisions sur le budget", "Liens vers les fiches projets", "",
]  # fmt: skip


def _french_date(day: Any) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def wiki_titles(count: int, rng: Any, today: Any) -> list[str]:
    """``count`` page titles with different addresses: the charter and the decisions first, then
    meeting notes, project sheets, workshops and presentation sheets."""
    from datetime import timedelta

    from coopilote.tools.wiki.actions import page_slug

    titles = [WIKI_HUB, WIKI_SAVED][:count]
    seen = {page_slug(title) for title in titles}
    n = 0
    while len(titles) < count:
        n += 1
        place = rng.choice(WIKI_PLACES)
        if n % 4 == 0:
            day = today - timedelta(days=7 * n + rng.randint(0, 6))
            title = f"Compte rendu du {rng.choice(WIKI_MEETINGS)} du {_french_date(day)}"
        elif n % 4 == 1:
            title = f"Fiche projet : {rng.choice(WIKI_PROJECTS)} de {place}"
        elif n % 4 == 2:
            title = f"Atelier {rng.choice(WIKI_THEMES)} à {place}"
        else:
            title = f"Fiche de présentation : {rng.choice(ORGANISATIONS)}"
        if page_slug(title) in seen:
            title = f"{title} ({n})"
        seen.add(page_slug(title))
        titles.append(title)
    return titles


def wiki_body(
    title: str, links: list[str], missing: list[str], number: int, rng: Any, today: Any
) -> str:
    """Revision ``number`` of a page: French Markdown of 2 to 5 KB with headings, lists, a
    table and ``[[links]]``. ``rng`` must be seeded the same for every revision of a page: the
    text grows and changes from one revision to the next as a page really does."""
    from datetime import timedelta

    sentences = rng.sample(WIKI_SENTENCES, 9)
    goals = rng.sample(WIKI_GOALS, rng.randint(4, 6))
    actions = rng.sample(WIKI_ACTIONS, 6)
    people = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}." for _ in range(6)]
    inline, listed = links[:3], links[3:]
    rows = []
    for index, action in enumerate(actions):
        done = index < number // 4
        when = today - timedelta(days=60 - 10 * index)
        status = "fait" if done else "en cours" if index == number // 4 else "à faire"
        rows.append(f"| {action} | {people[index]} | {_french_date(when)} | {status} |")
    journal = [
        f"{step}. {_french_date(today - timedelta(days=200 - 9 * step))} : "
        f"{WIKI_SENTENCES[(step * 5) % len(WIKI_SENTENCES)]}"
        for step in range(1, number + 1)
    ]
    context_links = " ".join(f"Voir aussi [[{name}]]." for name in inline)
    lines = [
        f"{sentences[0]} {sentences[1]}",
        "",
        f"{WIKI_MARK}révision {number}.",
        "",
        "## Contexte",
        "",
        f"{sentences[2]} {sentences[3]} {context_links}",
        "",
        f"{sentences[4]} {sentences[5]}",
        "",
        "## Objectifs",
        "",
        *[f"- {goal}" for goal in goals],
        "",
        "## Qui fait quoi",
        "",
        "| Action | Qui | Échéance | Statut |",
        "|---|---|---|---|",
        *rows,
        "",
        "### Points de vigilance",
        "",
        f"- {sentences[6]}",
        f"- {sentences[7]}",
        f"- **À ne pas oublier** : {sentences[8].lower()}",
        "",
        "## Suivi",
        "",
        *journal,
        "",
        "## Voir aussi",
        "",
        *[f"- [[{name}]]" for name in [*listed, *missing]],
        "",
        f"> Page tenue par le groupe « {title} ». Chacun peut la compléter.",
    ]
    return "\n".join(lines) + "\n"


def edited_body(body: str, label: str) -> str:
    """``body`` with its last-reading line rewritten with ``label``: a new text for each label,
    the same length whatever the number of edits before (the bench's saves)."""
    lines = [line for line in body.rstrip("\n").split("\n") if not line.startswith(WIKI_MARK)]
    return "\n".join(lines).rstrip("\n") + f"\n\n{WIKI_MARK}relecture {label}.\n"


def seed_wiki(
    *,
    network_slug: str,
    pages: int = WIKI_PAGES,
    revisions: int = WIKI_REVISIONS,
    seed: int = 5,
) -> dict[str, Any]:
    """The wiki enabled in the network, with ``pages`` pages of ``revisions`` revisions each.

    Fast but faithful: rows go in with ``bulk_create``, while every stored HTML and table of
    contents comes from the wiki's own rendering (``actions.render``, what a save stores) and
    each page's links from the helper its saves use. A few people write most of it, over the
    last eighteen months; each page is followed by its creator, as ``page_create`` does, and by
    up to two others. No activity event is written for this history (the log is
    ``seed_activity``'s).
    """
    import random
    import time
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from coopilote.spaces.access import access_for
    from coopilote.spaces.actions import space_tool_enable
    from coopilote.spaces.models import Membership, Space
    from coopilote.spaces.policies import Role
    from coopilote.tools.wiki import actions
    from coopilote.tools.wiki.manifest import KEY
    from coopilote.tools.wiki.models import Page, PageFollower, PageLink, Revision

    started = time.perf_counter()
    rng = random.Random(seed)
    network = Space.objects.get(slug=network_slug)
    contributors = Membership.objects.filter(
        space=network, role__in=[Role.OWNER, Role.FACILITATOR, Role.MEMBER]
    ).order_by("pk")
    owner = contributors.filter(role=Role.OWNER).select_related("user").first()
    assert owner is not None
    space_tool_enable(access=access_for(network, owner.user), tool_key=KEY)
    writers = list(contributors.values_list("user_id", flat=True))
    writers = rng.sample(writers, min(len(writers), 40))  # a few people write most pages
    weights = list(itertools.accumulate(1 / (n + 1) for n in range(len(writers))))
    now = timezone.now()
    today = timezone.localdate()
    titles = wiki_titles(pages, rng, today)
    slugs = [actions.page_slug(title) for title in titles]
    revision_count = 0
    with transaction.atomic():
        created = Page.objects.bulk_create(
            [
                Page(
                    space=network,
                    title=title,
                    slug=slug,
                    created_by_id=rng.choices(writers, cum_weights=weights)[0],
                    created_at=now - timedelta(days=rng.randint(30, 540), hours=rng.randint(0, 23)),
                )
                for title, slug in zip(titles, slugs, strict=True)
            ],
            batch_size=500,
        )
        for start in range(0, len(created), 25):
            batch = created[start : start + 25]
            rows, last_rendered = [], []
            for index, page in enumerate(batch, start):
                others = [title for title in titles if title != page.title]
                links = rng.sample(others, WIKI_HUB_LINKS if index == 0 else rng.randint(4, 10))
                missing = []  # a link to a page nobody wrote yet, on a third of the pages
                if index > 0 and rng.random() < 0.3:
                    missing.append(f"Compte rendu de la rencontre de {rng.choice(WIKI_PLACES)}")
                text_seed = rng.random()
                span = (now - page.created_at).total_seconds() - 3600
                offsets = [0.0, *sorted(rng.uniform(0, span) for _ in range(revisions - 1))]
                for number, offset in enumerate(offsets, 1):
                    text = wiki_body(
                        page.title, links, missing, number, random.Random(text_seed), today
                    )
                    body = actions.clean_body(text)
                    rendered = actions.render(network, body)
                    rows.append(
                        Revision(
                            page=page,
                            space_id=page.space_id,
                            number=number,
                            kind=Revision.Kind.CREATED if number == 1 else Revision.Kind.EDITED,
                            title=page.title,
                            body=body,
                            html=rendered.html,
                            toc=actions._toc(rendered),
                            author_id=(
                                page.created_by_id
                                if number == 1
                                else rng.choices(writers, cum_weights=weights)[0]
                            ),
                            comment="" if number == 1 else rng.choice(WIKI_COMMENTS),
                            created_at=page.created_at + timedelta(seconds=offset),
                        )
                    )
                last_rendered.append(rendered)
            rows = Revision.objects.bulk_create(rows, batch_size=500)
            revision_count += len(rows)
            for offset, (page, rendered) in enumerate(zip(batch, last_rendered, strict=True)):
                page.current = rows[(offset + 1) * revisions - 1]
                page.updated_at = page.current.created_at
                actions._store_links(page, rendered)  # the links of its current text
            Page.objects.bulk_update(batch, ["current", "updated_at"])
        followers = {
            (page.pk, user)
            for page in created
            for user in [page.created_by_id, *rng.sample(writers, rng.randint(0, 2))]
        }
        PageFollower.objects.bulk_create(
            [PageFollower(page_id=page, user_id=user) for page, user in sorted(followers)],
            batch_size=1000,
        )
        links_count = PageLink.objects.filter(from_page__space=network).count()
        # Each save mails these people (``notifications.page_changed``): part of its cost.
        save_followers = PageFollower.objects.filter(page=created[1]).count()
    if connection.vendor == "postgresql":  # planner statistics, as a live database has them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE wiki_page, wiki_revision, wiki_pagelink, wiki_pagefollower")
    return {
        "facts": {
            "wiki_page": slugs[0],
            "wiki_page_title": titles[0],
            "wiki_save_page": slugs[1],
            "wiki_save_title": titles[1],
            "wiki_revisions": revisions,
        },
        "report": {
            "wiki_pages": len(created),
            "wiki_revisions": revision_count,
            "wiki_links": links_count,
            "wiki_save_followers": save_followers,
            "wiki_seed_seconds": round(time.perf_counter() - started, 1),
        },
    }


# --------------------------------------------------------------------------------------------
# Library (issue 6): 20,000 resources in the network, 40 % files really stored.

LIBRARY_RESOURCES = 20_000
LIBRARY_SHARED = 0.02  # of the network's resources: added in a working group and shared into it
LIBRARY_COLLECTION = 40  # items of the measured collection
LIBRARY_SEARCH = ("guide", "cc-by-sa", "humides")  # type, licence, words of the search page
LIBRARY_TAG_NAMES = [
    *SKILLS, *(name for name in INTERESTS if name not in SKILLS), "Fiche pratique", "Tutoriel",
    "Vidéo", "Podcast", "Infographie", "Tableur", "Diaporama", "Affiche", "Webinaire",
    "Bibliographie", "Kit pédagogique", "Charte", "Convention", "Budget", "Subventions", "Mécénat",
    "Bénévolat", "Accueil des nouveaux", "Intelligence collective", "Prise de décision",
    "Sociocratie", "Consentement", "Facilitation graphique", "Forum ouvert", "World café",
    "Photolangage", "Brise-glace", "Rétrospective", "Évaluation participative", "Mesure d'impact",
    "Rapport d'activité", "Assemblée générale", "Statuts", "SCIC", "SCOP", "Association loi 1901",
    "Fiscalité", "RGPD", "Assurances", "Marchés publics", "Appel à projets", "FEADER", "LEADER",
    "Politique de la ville", "Ruralité", "Centres-bourgs", "Mobilité rurale", "Covoiturage",
    "Vélo", "Logistique", "Restauration collective", "Projet alimentaire territorial",
    "Maraîchage", "Semences paysannes", "Haies", "Bocage", "Mares", "Rivières",
    "Continuités écologiques", "Trame verte et bleue", "Pollinisateurs", "Inventaire participatif",
    "Atlas de la biodiversité", "Sentiers", "Éducation à l'environnement", "Sorties nature",
    "Compostage", "Réemploi", "Ressourcerie", "Repair café", "Low-tech", "Rénovation énergétique",
    "Énergies renouvelables", "Sobriété énergétique", "Eau potable", "Assainissement",
    "Sécheresse", "Adaptation au changement climatique", "Risques naturels", "Urbanisme",
    "Foncier", "Habitat inclusif", "Logement", "Tiers-lieux nourriciers", "Fablab", "Numérique",
    "Inclusion numérique", "Logiciels libres", "Cartographie participative", "Open data",
    "Données ouvertes", "Wikipédia", "OpenStreetMap", "Jeunes", "Seniors", "Parentalité",
    "Santé environnementale", "Handicap", "Accessibilité", "Égalité femmes-hommes",
    "Interculturalité", "Médiation culturelle", "Patrimoine bâti", "Archives", "Mémoire locale",
    "Fête de quartier", "Marché", "Circuits courts", "Monnaie locale", "Finance solidaire",
    "Épargne citoyenne", "Coopération", "Mutualisation", "Gouvernance", "Animation", "Réunions",
    "Visio", "Outils collaboratifs", "Communication interne", "Lettre d'information",
    "Réseaux sociaux", "Presse locale", "Plaidoyer", "Élus", "Collectivités", "Intercommunalité",
    "Département", "Région", "Europe", "Loire", "Bretagne", "Drôme", "Auvergne-Rhône-Alpes",
    "Centre-Val de Loire", "Pays de la Loire", "Indre-et-Loire", "Loir-et-Cher", "Maine-et-Loire",
    "Ille-et-Vilaine", "Isère", "Loire-Atlantique", "Rhône", "Morbihan", "Ardèche", "Outils",
    "Méthode", "Retour d'expérience", "Formation de formateurs", "Éducation populaire",
]  # fmt: skip
LIBRARY_SUBJECTS = [
    "la gouvernance partagée", "l'accueil des nouveaux bénévoles",
    "la restauration des zones humides", "les jardins partagés", "les réunions en visio",
    "la prise de décision par consentement", "le budget d'un tiers-lieu",
    "la mesure d'impact social", "les haies bocagères", "les mares et leur faune",
    "les circuits courts alimentaires", "le compostage de quartier",
    "la mobilisation des habitants", "la communication d'un réseau", "les financements européens",
    "le bénévolat associatif", "l'inventaire participatif de la biodiversité",
    "la rénovation énergétique", "les cantines scolaires", "le réemploi des matériaux",
    "l'animation d'un forum ouvert", "la cartographie des initiatives", "la qualité de l'eau",
    "les chantiers participatifs", "l'inclusion numérique", "la coopération entre associations",
    "les marchés publics responsables", "l'éducation à l'environnement", "les mobilités douces",
    "la gestion des conflits dans un collectif",
]  # fmt: skip
LIBRARY_TITLES = {
    "guide": ["Guide pratique : {subject}", "Mémento : {subject}",
              "Guide méthodologique sur {subject}"],
    "tool": ["Boîte à outils pour {subject}", "Grille d'auto-diagnostic : {subject}",
             "Fiche outil : {subject}"],
    "experience": ["Retour d'expérience : {project} de {place}",
                   "Ce que nous avons appris sur {subject} à {place}"],
    "data": ["Données sur {subject} — {place} {year}", "Tableau de bord : {subject} ({year})"],
    "template": ["Modèle de convention de partenariat ({place})",
                 "Modèle de compte rendu : {subject}",
                 "Modèle de budget prévisionnel {year}", "Modèle de charte pour {subject}"],
    "study": ["Étude : {subject} en {region}", "Diagnostic territorial : {subject} à {place}"],
    "training": ["Support de formation : {subject}", "Module {number} — {subject}"],
    "other": ["Revue de presse : {subject} ({year})", "Affiche : {project} de {place}"],
}  # fmt: skip
LIBRARY_REGIONS = ["Centre-Val de Loire", "Bretagne", "Auvergne-Rhône-Alpes", "Pays de la Loire"]
LIBRARY_SENTENCES = [
    "Ce document rassemble ce que le réseau a appris en trois ans de pratique.",
    "Il s'adresse aux **animateurs et animatrices** qui démarrent un projet collectif.",
    "Chaque fiche tient sur une page et peut être imprimée pour un atelier.",
    "Les exemples viennent de structures adhérentes du réseau.",
    "Une version plus courte existe pour les réunions de bureau.",
    "Les chiffres ont été mis à jour avec les données de la dernière enquête.",
    "À utiliser avec le [kit d'animation](https://ressources.example.org/kit) du réseau.",
    "Réalisé avec le soutien de la région et de l'agence de l'eau.",
    "Les retours des participants ont été intégrés dans cette version.",
    "Merci de citer la source si vous le réutilisez.",
    "Trois points d'attention :\n\n- prévoir le temps d'accueil ;\n- nommer un gardien du temps ;\n"
    "- garder une trace des décisions.",
    "On y trouve une méthode pas à pas, des exemples et une bibliographie.",
]
LIBRARY_AUTHORS = [
    "ADEME", "Cerema", "Agence de l'eau Loire-Bretagne", "Office français de la biodiversité",
    "Réseau des CIVAM", "France Tiers-Lieux", "Réseau Cocagne", "Les Petits Débrouillards",
    "Conservatoire d'espaces naturels", "Fédération des centres sociaux", "Familles Rurales",
    "Ligue de l'enseignement", "Coopérative Oxalis", "Animacoop", "Colibris",
]  # fmt: skip
LIBRARY_NOTE = """## {title}

{first}

### En pratique

1. Présenter l'objectif en une phrase.
2. Laisser chacun s'exprimer, sans débat, lors d'un premier tour.
3. {second}
4. Noter les décisions et qui s'en charge.

### Pour aller plus loin

- {third}
- Voir aussi les ressources étiquetées *{tag}*.

> {fourth}
"""
LIBRARY_COMMENTS = [
    "Merci, très utile pour notre prochaine assemblée générale !",
    "Nous l'avons testé à **Chinon** : ça marche bien avec une vingtaine de personnes.",
    "Est-ce qu'il existe une version en format modifiable ?",
    "La partie sur le budget mériterait une mise à jour avec les chiffres de cette année.",
    "Je l'ai partagé avec le groupe *zones humides*, qui cherchait justement ça.",
    "Attention, le lien vers la bibliographie ne fonctionne plus.",
]
# (share of the files, kind of content, extension of the name given at upload)
LIBRARY_FILE_MIX = [
    (0.48, "pdf", "pdf"), (0.08, "docx", "docx"), (0.05, "odt", "odt"), (0.04, "xlsx", "xlsx"),
    (0.12, "picture", "jpg"), (0.04, "picture", "png"), (0.09, "csv", "csv"),
    (0.04, "zip", "zip"), (0.06, "gpx", "gpx"),
]  # fmt: skip
LIBRARY_PICTURES = 12  # distinct pictures (re-encoded and thumbnailed once each)


def _pdf(title: str) -> bytes:
    """A one-page PDF showing ``title``, readable by any viewer (and by pdfium)."""
    text = title.encode("latin-1", "replace")
    text = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 16 Tf 50 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n" % (len(objects) + 1, xref)
    return out + b"%%EOF\n"


def _zip(entries: list[tuple[str, str]]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, text, compress_type=compression)
    return buffer.getvalue()


def _file_bytes(content: str, title: str, n: int) -> bytes:
    """The bytes of a small real file of this kind about ``title`` (pictures apart)."""
    main = "application/vnd.openxmlformats-officedocument.{}.main+xml"
    if content == "pdf":
        return _pdf(title)
    if content == "docx":
        types = f'<Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
        body = f"<w:document><w:body><w:p><w:r><w:t>{title}</w:t></w:r></w:p></w:body></w:document>"
        return _zip(
            [
                ("[Content_Types].xml", types.format("wordprocessingml.document")),
                ("word/document.xml", body),
            ]
        )
    if content == "xlsx":
        types = f'<Types><Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>'
        return _zip(
            [
                ("[Content_Types].xml", types.format("spreadsheetml.sheet")),
                ("xl/workbook.xml", f"<workbook><sheets><sheet name='{n}'/></sheets></workbook>"),
            ]
        )
    if content == "odt":
        return _zip(
            [
                ("mimetype", "application/vnd.oasis.opendocument.text"),
                ("content.xml", f"<office:document-content>{title}</office:document-content>"),
            ]
        )
    if content == "csv":
        rows = [f"commune;structure;{title[:40]};année"]
        rows += [
            f"{place};Association {n + k};{k * 7 % 100};{2023 + k % 3}"
            for k, (place, *_) in enumerate(PLACES)
        ]
        return ("\n".join(rows) + "\n").encode()
    if content == "zip":
        return _zip([("lisez-moi.txt", title), ("donnees.csv", "a;b\n1;2\n")])
    points = "".join(
        f'<trkpt lat="{47 + k / 1000:.3f}" lon="{0.6 + k / 1000:.3f}"/>' for k in range(40)
    )
    trace = f"<trk><name>{title}</name><trkseg>{points}</trkseg></trk>"
    return f'<?xml version="1.0"?><gpx>{trace}</gpx>'.encode()


def _pictures(rng: Any) -> list[dict[str, Any]]:
    """A few photos re-encoded and thumbnailed by the library's own functions, as at upload."""
    import io

    from PIL import Image, ImageDraw

    from coopilote.tools.library import uploads

    pictures = []
    for n in range(LIBRARY_PICTURES):
        image = Image.new("RGB", (800, 600), (rng.randint(0, 255), 140, 90))
        draw = ImageDraw.Draw(image)
        for _ in range(30):
            x, y = rng.randint(0, 760), rng.randint(0, 560)
            draw.ellipse(
                (x, y, x + rng.randint(10, 120), y + rng.randint(10, 90)), fill=(0, 90, n * 20)
            )
        raw = io.BytesIO()
        image.save(raw, format="JPEG" if n % 4 else "PNG", quality=80)
        picture = uploads.reencode_image(io.BytesIO(raw.getvalue()))
        pictures.append(
            {
                "content": picture.content,
                "extension": picture.extension,
                "width": picture.width,
                "height": picture.height,
                "thumbnail": uploads.thumbnail(io.BytesIO(picture.content)),
            }
        )
    return pictures


def _library_space(network: Any, owner: Any, writers: list[int], now: Any) -> Any:
    """The working group whose resources are shared into the network's library."""
    from coopilote.core.markdown import render_markdown
    from coopilote.spaces.models import Kind, Membership, Space, Visibility
    from coopilote.spaces.policies import Role

    text = "Le groupe qui recense les ressources des structures du réseau."
    group = Space.objects.create(
        name="Groupe de travail Ressources partagées",
        slug=f"{network.slug}-ressources",
        kind=Kind.WORKING_GROUP,
        field=network.field,
        parent=network,
        description=text,
        description_html=render_markdown(text),
        visibility=Visibility.MEMBERS,
        created_by=owner,
        created_at=now,
    )
    Membership.objects.bulk_create(
        [Membership(space=group, user=owner, role=Role.OWNER)]
        + [
            Membership(space=group, user_id=user, role=Role.MEMBER)
            for user in writers
            if user != owner.pk
        ]
    )
    group.member_count = Membership.objects.filter(space=group).count()
    group.save(update_fields=["member_count"])
    return group


def seed_library(
    *, network_slug: str, resources: int = LIBRARY_RESOURCES, password: str = "", seed: int = 6
) -> dict[str, Any]:
    """The library enabled in the network (``space_tool_enable``), showing ``resources``
    resources: 40 % files, 30 % links, 30 % notes, a fiftieth of them added in a working group
    and shared into the network.

    Fast but faithful: rows go in with ``bulk_create``; tags are cleaned by the library's own
    ``clean_tags``, descriptions, notes and comments rendered by ``render_markdown`` as the
    actions do. Every file version is a small real file (PDF, office document, picture, CSV,
    archive, GPS trace) written to the storage under ``uploads.storage_name``, its metadata
    from ``uploads.inspect``; pictures are re-encoded and thumbnailed by ``uploads`` (a dozen
    distinct ones, reused), PDFs get the preview of their first page (rendered once). About 200
    tags in a long tail, 1 to 5 per resource; dates over three years. The measured resource is
    a PDF with three versions, four tags and six comments; the measured collection holds 40
    resources, two of them shared from the group. No activity event is written
    (``seed_activity`` owns the log).

    With ``password``, a second member of the network is returned as the ``reader`` user: the
    exports are limited to 20 an hour per person (SEC-T36), so each export page is measured
    with its own person.
    """
    import hashlib
    import io
    import random
    import time
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone
    from django.utils.html import escape
    from django.utils.text import slugify

    from coopilote.accounts.models import User
    from coopilote.core.markdown import render_markdown
    from coopilote.spaces.access import access_for
    from coopilote.spaces.actions import space_tool_enable
    from coopilote.spaces.models import Membership, Space
    from coopilote.spaces.policies import Role
    from coopilote.tools.library import uploads
    from coopilote.tools.library.actions import clean_tags
    from coopilote.tools.library.manifest import KEY
    from coopilote.tools.library.models import (
        Collection,
        CollectionItem,
        Comment,
        Favourite,
        Language,
        Licence,
        Resource,
        ResourceFile,
        ResourceTag,
        ResourceType,
        Share,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    network = Space.objects.get(slug=network_slug)
    contributors = Membership.objects.filter(
        space=network, role__in=[Role.OWNER, Role.FACILITATOR, Role.MEMBER]
    ).order_by("pk")
    owner = contributors.filter(role=Role.OWNER).select_related("user").first()
    assert owner is not None
    writers = rng.sample(
        list(contributors.values_list("user_id", flat=True)), min(contributors.count(), 60)
    )
    weights = list(itertools.accumulate(1 / (n + 1) for n in range(len(writers))))
    readers = list(Membership.objects.filter(space=network).values_list("user_id", flat=True))
    space_tool_enable(access=access_for(network, owner.user), tool_key=KEY)
    users = {}
    if password:
        reader = User.objects.create_user(
            "dominique.bench@example.org", password, display_name="Dominique Bench", language="fr"
        )
        EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
        Membership.objects.create(space=network, user=reader, role=Role.MEMBER)
        Space.objects.filter(pk=network.pk).update(member_count=F("member_count") + 1)
        users["reader"] = {"email": reader.email, "password": password, "display_name": "reader"}
    group = _library_space(network, owner.user, writers[:12], now)
    space_tool_enable(access=access_for(group, owner.user), tool_key=KEY)

    tag_names = list(dict.fromkeys(LIBRARY_TAG_NAMES))
    rng.shuffle(tag_names)
    tag_weights = list(itertools.accumulate(1 / (n + 1) ** 0.9 for n in range(len(tag_names))))
    type_weights = dict(zip(ResourceType.values, [20, 15, 15, 8, 12, 10, 12, 8], strict=True))
    licence_weights = {
        Licence.CC_BY_SA: 30, Licence.CC_BY: 25, Licence.ALL_RIGHTS_RESERVED: 15,
        Licence.CC_BY_NC: 12, Licence.PUBLIC_DOMAIN: 6, Licence.CC0: 6, Licence.CC_BY_ND: 6,
    }  # fmt: skip
    language_weights = {Language.FRENCH: 86, Language.ENGLISH: 8, Language.SPANISH: 2,
                        Language.GERMAN: 1, Language.BRETON: 1, Language.OCCITAN: 1,
                        Language.ITALIAN: 1}  # fmt: skip
    shared_count = max(3, round(resources * LIBRARY_SHARED))
    kinds = [Resource.Kind.FILE] * round(resources * 0.4) + [Resource.Kind.LINK] * round(
        resources * 0.3
    )
    kinds += [Resource.Kind.NOTE] * (resources - len(kinds))
    rng.shuffle(kinds)
    span = 3 * 365 * 86_400
    added = sorted(now - timedelta(seconds=rng.uniform(3600, span)) for _ in range(resources))
    rendered: dict[str, str] = {}

    def render(text: str) -> str:
        if text not in rendered:
            rendered[text] = render_markdown(text)
        return rendered[text]

    def resource_row(n: int, kind: str, when: Any) -> tuple[Resource, list[tuple[str, str]]]:
        resource_type = rng.choices(list(type_weights), list(type_weights.values()))[0]
        place = rng.choice(WIKI_PLACES)
        title = rng.choice(LIBRARY_TITLES[resource_type]).format(
            subject=rng.choice(LIBRARY_SUBJECTS),
            project=rng.choice(WIKI_PROJECTS),
            place=place,
            region=rng.choice(LIBRARY_REGIONS),
            year=rng.randint(2018, 2026),
            number=rng.randint(1, 12),
        )
        chosen = rng.choices(tag_names, cum_weights=tag_weights, k=rng.randint(1, 5))
        tags = clean_tags(", ".join(chosen))
        description = " ".join(rng.sample(LIBRARY_SENTENCES, rng.randint(1, 3)))
        description = f"{description}\n\nExpérimenté à {place}."
        body = ""
        if kind == Resource.Kind.NOTE:
            first, second, third, fourth = rng.sample(LIBRARY_SENTENCES, 4)
            body = LIBRARY_NOTE.format(
                title=title, first=first, second=second, third=third, fourth=fourth,
                tag=tags[0][0],
            )  # fmt: skip
        published = when.date() - timedelta(days=rng.randint(0, 400))
        resource = Resource(
            kind=kind,
            title=title,
            description=description,
            description_html=render(description),
            resource_type=resource_type,
            author=(
                rng.choice(LIBRARY_AUTHORS if rng.random() < 0.5 else ORGANISATIONS)
                if rng.random() < 0.85
                else ""
            ),
            language=rng.choices(list(language_weights), list(language_weights.values()))[0],
            published_on=published if rng.random() < 0.8 else None,
            licence=rng.choices(list(licence_weights), list(licence_weights.values()))[0],
            url=f"https://ressources.example.org/{slugify(title)[:60]}-{n}"
            if kind == Resource.Kind.LINK
            else "",
            body=body,
            body_html=render(body) if body else "",
            created_by_id=rng.choices(writers, cum_weights=weights)[0],
            created_at=when,
            updated_at=when + timedelta(days=rng.randint(0, 30)) if rng.random() < 0.2 else when,
            view_count=int(rng.paretovariate(1.2) * 3),
            download_count=int(rng.paretovariate(1.3)) if kind == Resource.Kind.FILE else 0,
        )
        return resource, tags

    rows, tags_of = [], []
    shared_at = set(rng.sample(range(resources), shared_count))
    for n, (kind, when) in enumerate(zip(kinds, added, strict=True)):
        resource, tags = resource_row(n, kind, when)
        resource.space = group if n in shared_at else network
        rows.append(resource)
        tags_of.append(tags)
    # The resource the bench opens: a PDF guide added in the network with three versions.
    measured = next(
        n for n in range(resources - 1, -1, -1)
        if kinds[n] == Resource.Kind.FILE and n not in shared_at
    )  # fmt: skip
    rows[measured].title = "Guide de l'animation de réunions coopératives"
    rows[measured].resource_type = ResourceType.GUIDE
    tags_of[measured] = clean_tags("Facilitation, Réunions, Gouvernance partagée, Fiche pratique")

    # Files: one version for most, two or three for some; pictures and PDFs get previews.
    pictures = _pictures(rng)
    pdf_preview = uploads.pdf_thumbnail(io.BytesIO(_pdf("Aperçu")))
    mix_weights = list(itertools.accumulate(share for share, *_ in LIBRARY_FILE_MIX))
    written = 0
    with transaction.atomic():
        rows = Resource.objects.bulk_create(rows, batch_size=500)
        ResourceTag.objects.bulk_create(
            [
                ResourceTag(resource=resource, name=name, slug=slug)
                for resource, tags in zip(rows, tags_of, strict=True)
                for name, slug in tags
            ],
            batch_size=1000,
        )
        files = []
        for n, resource in enumerate(rows):
            if resource.kind != Resource.Kind.FILE:
                continue
            _share, content, declared = rng.choices(LIBRARY_FILE_MIX, cum_weights=mix_weights)[0]
            if n == measured:
                content, declared = "pdf", "pdf"
            versions = 3 if n == measured else rng.choices([1, 2, 3], [87, 10, 3])[0]
            uploaded = resource.created_at
            for number in range(1, versions + 1):
                picture = rng.choice(pictures) if content == "picture" else None
                data = (
                    picture["content"]
                    if picture
                    else _file_bytes(content, f"{resource.title} (version {number})", n)
                )
                raw_name = f"{slugify(resource.title)[:60]}.{declared}"
                inspected = uploads.inspect(io.BytesIO(data), name=raw_name, max_bytes=10**8)
                stored = default_storage.save(
                    uploads.storage_name(inspected.extension), ContentFile(data)
                )
                preview = (
                    picture["thumbnail"] if picture else pdf_preview if content == "pdf" else None
                )
                thumbnail = ""
                if preview:
                    thumbnail = default_storage.save(
                        uploads.storage_name("webp"), ContentFile(preview)
                    )
                written += 1 + bool(preview)
                files.append(
                    ResourceFile(
                        resource=resource,
                        number=number,
                        storage_name=stored,
                        name=uploads.display_name(raw_name),
                        size=inspected.size,
                        content_type=inspected.content_type,
                        file_kind=inspected.kind.value,
                        extension=inspected.extension,
                        sha256=hashlib.sha256(data).hexdigest(),
                        width=picture["width"] if picture else None,
                        height=picture["height"] if picture else None,
                        thumbnail=thumbnail,
                        uploaded_by_id=resource.created_by_id
                        if number == 1
                        else rng.choices(writers, cum_weights=weights)[0],
                        uploaded_at=uploaded,
                    )
                )
                uploaded = min(now, uploaded + timedelta(days=rng.randint(1, 120)))
        files = ResourceFile.objects.bulk_create(files, batch_size=500)
        current = {}
        for file in files:  # versions in order: the last one of each resource wins
            current[file.resource_id] = file
        by_id = {resource.pk: resource for resource in rows}
        for resource_id, file in current.items():
            by_id[resource_id].current_file = file
        Resource.objects.bulk_update(
            [by_id[pk] for pk in current], ["current_file"], batch_size=500
        )

        shared = [rows[n] for n in sorted(shared_at)]
        Share.objects.bulk_create(
            [
                Share(
                    resource=resource,
                    space=network,
                    shared_by_id=resource.created_by_id,
                    created_at=min(now, resource.created_at + timedelta(days=rng.randint(0, 20))),
                )
                for resource in shared
            ]
        )
        in_network = [resource for resource in rows if resource.space_id == network.pk]

        # The measured collection (40 items, two shared from the group) and four smaller ones.
        introduction = (
            "Ce kit rassemble ce qu'il faut lire **dans l'ordre** pour rejoindre le réseau :\n\n"
            "1. qui nous sommes ;\n2. comment nous décidons ;\n3. les outils du quotidien.\n\n"
            "Une question ? Écrivez à l'équipe d'animation."
        )
        collections = Collection.objects.bulk_create(
            [
                Collection(
                    space=network,
                    title=title,
                    slug=slugify(title),
                    introduction=introduction,
                    introduction_html=render(introduction),
                    created_by_id=owner.user_id,
                    created_at=now - timedelta(days=30 * (index + 1)),
                    updated_at=now - timedelta(days=index + 1),
                )
                for index, title in enumerate(
                    [
                        "Kit d'accueil du nouveau membre",
                        "Boîte à outils concertation",
                        "Zones humides : l'essentiel",
                        "Financer un projet collectif",
                        "Animer à distance",
                    ]
                )
            ]
        )
        chosen = rng.sample(in_network, min(len(in_network), LIBRARY_COLLECTION - 2)) + shared[:2]
        items = [
            CollectionItem(
                collection=collections[0],
                resource=resource,
                position=position,
                note="À lire en premier." if position == 1 else "",
            )
            for position, resource in enumerate(chosen, 1)
        ]
        for collection in collections[1:]:
            picked = rng.sample(in_network, min(len(in_network), rng.randint(5, 12)))
            items += [
                CollectionItem(collection=collection, resource=resource, position=position)
                for position, resource in enumerate(picked, 1)
            ]
        CollectionItem.objects.bulk_create(items, batch_size=500)

        # Comments written in the network (six on the measured resource) and favourites.
        commented = [rows[measured]] * len(LIBRARY_COMMENTS) + rng.sample(
            in_network, min(len(in_network), max(10, resources // 60))
        )
        Comment.objects.bulk_create(
            [
                Comment(
                    resource=resource,
                    space=network,
                    author_id=rng.choices(writers, cum_weights=weights)[0],
                    body=text,
                    html=render(text),
                    created_at=resource.created_at + timedelta(hours=3 * (index + 1)),
                )
                for index, (resource, text) in enumerate(
                    (resource, LIBRARY_COMMENTS[index % len(LIBRARY_COMMENTS)])
                    for index, resource in enumerate(commented)
                )
            ],
            batch_size=500,
        )
        favourites = {
            (user, rng.choice(rows).pk) for user in rng.sample(readers, min(len(readers), 300))
        }
        Favourite.objects.bulk_create(
            [
                Favourite(user_id=user, resource_id=resource)
                for user, resource in sorted(favourites)
            ],
            batch_size=500,
        )
    if connection.vendor == "postgresql":  # planner statistics, as a live database has them
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE library_resource, library_resourcefile, library_resourcetag, "
                "library_share, library_collectionitem, library_comment"
            )

    # Facts for the pages: what the first page, each filter and each export must show.
    listed = [*in_network, *shared]
    shown = len(listed)
    newest = max(listed, key=lambda resource: (resource.created_at, resource.pk))
    oldest = min(listed, key=lambda resource: (resource.created_at, resource.pk))
    tag_counts: dict[str, int] = {}
    for tags in tags_of:
        for _name, slug in tags:
            tag_counts[slug] = tag_counts.get(slug, 0) + 1
    tag_slug = max(tag_counts, key=lambda slug: (tag_counts[slug], slug))
    tag_name = next(name for tags in tags_of for name, slug in tags if slug == tag_slug)
    search_type, search_licence, search_words = LIBRARY_SEARCH
    matching = sum(
        1
        for resource in rows
        if resource.resource_type == search_type
        and resource.licence == search_licence
        and (search_words in resource.title.lower() or search_words in resource.description.lower())
    )
    last_item = chosen[-1]
    return {
        "users": users,
        "facts": {
            "has_library": True,
            "library_count": shown,
            "library_newest_title": escape(newest.title),
            "library_newest_id": newest.public_id,
            "library_oldest_id": oldest.public_id,
            "library_tag_slug": tag_slug,
            "library_tag_name": escape(tag_name),
            "library_tag_count": tag_counts[tag_slug],
            "library_search_type": search_type,
            "library_search_licence": search_licence,
            "library_search": search_words,
            "library_search_count": matching,
            "library_resource": rows[measured].public_id,
            "library_resource_title": escape(rows[measured].title),
            "library_comment": LIBRARY_COMMENTS[0].removesuffix(" !"),
            "library_collection": collections[0].slug,
            "library_collection_last": escape(last_item.title),
            "library_group_name": escape(group.name),
        },
        "report": {
            "library_resources": shown,
            "library_own": shown - len(shared),
            "library_shared": len(shared),
            "library_kinds": {kind.value: kinds.count(kind) for kind in Resource.Kind},
            "library_file_versions": len(files),
            "library_files_written": written,
            "library_tags": sum(len(tags) for tags in tags_of),
            "library_distinct_tags": len(tag_counts),
            "library_seed_seconds": round(time.perf_counter() - started, 1),
        },
    }


def measure_rollups() -> dict[str, Any]:
    """Time the rebuild of every day (the management command, as an operator runs it), then
    the roll-up of one busy day (what the hourly job does each night)."""
    import io
    import statistics
    import time
    from datetime import timedelta

    from django.core.management import call_command
    from django.db.models import Count

    from coopilote.activity.models import DailyActivity, RolledDay
    from coopilote.activity.rollups import local_today, roll_up

    started = time.perf_counter()
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_activity_rollups", stdout=out, stderr=err)
    rebuild = time.perf_counter() - started
    days = RolledDay.objects.count()
    recent = RolledDay.objects.filter(day__gte=local_today() - timedelta(days=8))
    busiest = recent.order_by("-events").first()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        roll_up(busiest.day, busiest.day)
        timings.append(time.perf_counter() - started)
    return {
        "rebuild_seconds": round(rebuild, 2),
        "rebuild_days": days,
        "rebuild_output": out.getvalue().strip(),
        "rollup_rows": DailyActivity.objects.count(),
        "day": busiest.day.isoformat(),
        "day_events": busiest.events,
        "day_rows": DailyActivity.objects.filter(day=busiest.day).aggregate(n=Count("id"))["n"],
        "day_seconds": round(statistics.median(timings), 3),
    }


def count_queries(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """Count the SQL queries of one warm request per page, through the full middleware stack.

    Each page is ``{"name", "path", "cookies", "method"}``. The page is requested twice first
    (so that first-request effects such as cache fills do not count), then twice more while
    capturing; both counts are reported so that unstable counts show. A streamed response is
    read to its end inside the capture. A POST page is the wiki
    edit form at ``path``, saved with a new text each time (``wiki_save_data``): four more
    revisions of that page.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results: dict[str, Any] = {}
    for page in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        for name, value in page["cookies"].items():
            client.cookies[name] = value

        def send(label: str, page: dict[str, Any] = page, client: Client = client) -> Any:
            if page.get("method", "GET") == "POST":
                data = wiki_save_data(page["path"], label)
                with CaptureQueriesContext(connection) as captured:
                    response = client.post(page["path"], data)
            else:
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(page["path"])
                    if response.streaming:  # the exports read the database while they are sent
                        b"".join(response.streaming_content)  # type: ignore[attr-defined]
            return response, len(captured.captured_queries), captured.captured_queries

        for n in range(2):
            send(f"warm-{n}")
        counts = []
        statuses = []
        for n in range(2):
            response, count, captured = send(f"count-{n}")
            counts.append(count)
            statuses.append(response.status_code)
        results[page["name"]] = {
            "queries": counts[-1],
            "queries_seen": sorted(set(counts)),
            "status": statuses[-1],
            "sql": [query["sql"][:300] for query in captured],
        }
    return results


def _wiki_page_at(path: str) -> Any:
    """The live wiki page whose edit form is at ``path``, with its current revision."""
    from django.urls import resolve

    from coopilote.tools.wiki.models import Page

    kwargs = resolve(path).kwargs
    return (
        Page.objects.filter(space__slug=kwargs["slug"], slug=kwargs["page_slug"])
        .select_related("current")
        .get()
    )


def wiki_save_data(path: str, label: str) -> dict[str, Any]:
    """What the edit form at ``path`` sends for a new edit of the current revision."""
    page = _wiki_page_at(path)
    return {
        "title": page.current.title,
        "body": edited_body(page.current.body, label),
        "comment": f"Relecture {label}",
        "base_number": page.current.number,
        "token": secrets.token_hex(16),
    }


def wiki_revisions(path: str) -> dict[str, int]:
    """How many revisions the page at ``path`` has, and the number of its current one."""
    page = _wiki_page_at(path)
    return {"count": page.revisions.count(), "current": page.current.number}


def has_route(name: str, slug: str) -> bool:
    """Whether a page exists in this version (pages added by later work are measured once
    they are there)."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name, args=[slug])
    except NoReverseMatch:
        return False
    return True


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"seed", "rollups", "queries", "revisions"}:
        print(__doc__, file=sys.stderr)
        return 2
    setup_django()
    if argv[0] == "seed":
        result = seed(float(argv[1]) if len(argv) > 1 else 1.0)
    elif argv[0] == "rollups":
        result = measure_rollups()
    elif argv[0] == "revisions":
        result = wiki_revisions(argv[1])
    else:
        result = count_queries(json.loads(argv[1]))
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
