"""The part of the bench that runs inside Django, in a subprocess with the bench's environment.

``run.py`` never imports Django itself: it runs this file with the same production-like
environment variables as the server, so that seeding and query counting use exactly the settings,
database and cache the measured gunicorn worker uses.

    python bench/django_side.py seed [SCALE]    # create the bench data, print facts as JSON
    python bench/django_side.py rollups         # rebuild the activity rollups, time it
    python bench/django_side.py queries PAGES   # count SQL queries per page (PAGES is JSON)

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
    some of the 200 spaces listed on the home page, and 1,000,000 activity events over 24
    months. ``scale`` multiplies the members, spaces and events (never below what the pages'
    checks need: a second page of members and of spaces).
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
            "has_feed": has_route("spaces:activity", spaces["network_slug"]),
            **spaces,
        },
        "activity": activity,
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
    if not argv or argv[0] not in {"seed", "rollups", "queries"}:
        print(__doc__, file=sys.stderr)
        return 2
    setup_django()
    if argv[0] == "seed":
        result = seed(float(argv[1]) if len(argv) > 1 else 1.0)
    elif argv[0] == "rollups":
        result = measure_rollups()
    else:
        result = count_queries(json.loads(argv[1]))
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
