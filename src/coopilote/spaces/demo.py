"""The demo network of the embedded default: "Réseau Eau et Biodiversité du Val de Loire".

About thirty people from associations, local authorities, river-basin syndicates, research and
farming, with their roles, skills and places; two working groups (one members-only, one public)
and a public consultation; External tools cards with the group's usage agreement; and six months
of activity history shaped like a real network (a few proactive members, more reactive ones,
many observers, some newcomers, some who drifted away), rolled up like the scheduled job does.

Everything a person could do in the app goes through the real actions (spaces, tools, cards)
and is then moved back to the day it "happened"; the bulk of people, memberships and past
events goes in with ``bulk_create`` (the password is hashed once), so a load takes well under
five seconds. Events use only kinds the platform declares: the ``spaces.*`` kinds that
``spaces/actions.py`` records and the kinds of the External tools manifest. Opening a card is
recorded by name only where the space measures reading (DESIGN); elsewhere it is an anonymous
daily count, exactly as ``external_tool_open`` does.

Idempotent: once the network exists, nothing is touched.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

DEMO_DOMAIN = "demo.coopilote.localhost"
NETWORK_SLUG = "reseau-eau-biodiversite"
CAMILLE = "animatrice@coopilote.localhost"
LUCAS = "membre@coopilote.localhost"
HISTORY_DAYS = 182
RANDOM_SEED = 37  # Indre-et-Loire

# How often (opens of a tool card per week) each participation shape reads, and for how long.
SHAPES: dict[str, float] = {
    "proactive": 3.0,
    "reactive": 1.2,
    "observer": 0.3,
    "newcomer": 2.0,
    "drifted": 1.0,  # reads for two months after joining, then nothing
    "left": 0.8,  # reads until the day they leave the network
}
DRIFT_AFTER_DAYS = 60


@dataclass(frozen=True)
class Place:
    name: str
    latitude: str
    longitude: str


TOURS = Place("Tours (37)", "47.39", "0.69")
AMBOISE = Place("Amboise (37)", "47.41", "0.98")
LOCHES = Place("Loches (37)", "47.13", "1.00")
BLOIS = Place("Blois (41)", "47.59", "1.33")
CHINON = Place("Chinon (37)", "47.17", "0.24")
SEUILLY = Place("Seuilly (37)", "47.14", "0.18")
ORLEANS = Place("Orléans (45)", "47.90", "1.90")
SAUMUR = Place("Saumur (49)", "47.26", "-0.08")
MONTSOREAU = Place("Montsoreau (49)", "47.22", "0.06")
ILE_BOUCHARD = Place("L'Île-Bouchard (37)", "47.12", "0.43")
VERON = Place("Beaumont-en-Véron (37)", "47.19", "0.18")
MONTLOUIS = Place("Montlouis-sur-Loire (37)", "47.39", "0.83")
AZAY = Place("Azay-le-Rideau (37)", "47.26", "0.47")
JOUE = Place("Joué-lès-Tours (37)", "47.35", "0.66")
VENDOME = Place("Vendôme (41)", "47.79", "1.07")
ROMORANTIN = Place("Romorantin-Lanthenay (41)", "47.36", "1.74")


@dataclass(frozen=True)
class DemoMember:
    """One person of the network; ``email`` names an existing demo account (accounts/demo.py)."""

    name: str
    organisation: str
    place: Place
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    role: str = "member"  # in the network
    shape: str = "reactive"
    joined: int = 170  # days ago
    groups: tuple[tuple[str, str], ...] = ()  # (group key, role)
    bio: str = ""
    comfort: int | None = 2
    email: str = ""
    left: int | None = None  # days ago, for someone who left the network


@dataclass(frozen=True)
class DemoSpace:
    key: str
    name: str
    slug: str
    kind: str
    field: str
    visibility: str
    created: int  # days ago
    description: str


NETWORK = DemoSpace(
    key="network",
    name="Réseau Eau et Biodiversité du Val de Loire",
    slug=NETWORK_SLUG,
    kind="network",
    field="environment",
    visibility="public",
    created=HISTORY_DAYS,
    description=(
        "Le réseau rassemble **associations, collectivités, syndicats de bassin, chercheurs et "
        "agriculteurs** qui agissent pour l'eau et la biodiversité du Val de Loire.\n\n"
        "- partager les données et les retours d'expérience ;\n"
        "- mutualiser les outils et les solutions ;\n"
        "- cartographier les initiatives du territoire ;\n"
        "- préparer ensemble les avis sur les documents de planification (SAGE, PLUi)."
    ),
)
GROUPS = [
    DemoSpace(
        key="wetlands",
        name="Groupe de travail zones humides",
        slug="zones-humides",
        kind="working_group",
        field="environment",
        visibility="members",
        created=170,
        description=(
            "Inventaires partagés et suivi des zones humides et des mares du bassin de la "
            "Vienne. Réservé aux membres : on y échange des localisations d'espèces sensibles."
        ),
    ),
    DemoSpace(
        key="farming",
        name="Groupe de travail agriculture et qualité de l'eau",
        slug="agriculture-qualite-eau",
        kind="working_group",
        field="environment",
        visibility="public",
        created=120,
        description=(
            "Agriculteurs, chercheurs et techniciens de rivière cherchent ensemble des pratiques "
            "qui protègent les captages : couverts végétaux, haies, bandes enherbées."
        ),
    ),
    DemoSpace(
        key="consultation",
        name="Concertation sur le SAGE de la Vienne tourangelle",
        slug="concertation-sage-vienne",
        kind="consultation",
        field="territory",
        visibility="public",
        created=60,
        description=(
            "Recueillir l'avis des habitants, des usagers et des élus sur le futur schéma "
            "d'aménagement et de gestion des eaux (SAGE) de la Vienne tourangelle."
        ),
    ),
]

# The gare centrale's blocks as the facilitators wrote them: (block, text, days ago, author).
GARE_CENTRALE: dict[str, list[tuple[str, str, int, str]]] = {
    "network": [
        (
            "welcome",
            "Bienvenue dans le réseau ! Ici se retrouvent celles et ceux qui agissent pour "
            "l'eau et la biodiversité du Val de Loire : on y partage les données, les retours "
            "d'expérience et les outils.",
            176,
            "Camille Martin",
        ),
        (
            "start_here",
            "1. Complétez votre fiche (compétences, sujets qui vous intéressent) : c'est ce qui "
            "permet de trouver **qui sait quoi**.\n"
            "2. Lisez nos accords d'usage dans **Nos outils en ligne** : quel outil pour quoi.\n"
            "3. Venez à la visio mensuelle du premier lundi, 12 h 30 : on y accueille les "
            "nouveaux.\n"
            "4. Une question ? Écrivez à Camille ou à Élise.",
            100,
            "Camille Martin",
        ),
        (
            "message",
            "Rencontre annuelle du réseau à Chinon dans trois semaines : inscrivez-vous sur le "
            "pad des comptes rendus. Au programme : bilan des inventaires de mares et avis sur "
            "le SAGE.",
            3,
            "Élise Girard",
        ),
    ],
    "wetlands": [
        (
            "welcome",
            "Le groupe suit les zones humides et les mares du bassin de la Vienne.",
            168,
            "Aïcha Benali",
        ),
        (
            "start_here",
            "Avant votre première sortie, lisez le protocole d'inventaire dans le nuage partagé "
            "et ajoutez vos observations à la **carte collaborative des mares**.",
            150,
            "Aïcha Benali",
        ),
        (
            "message",
            "Sortie inventaire des mares samedi prochain : rendez-vous à 9 h au CPIE de "
            "Seuilly. Bottes conseillées !",
            5,
            "Aïcha Benali",
        ),
    ],
    "farming": [
        (
            "welcome",
            "Un groupe ouvert à toutes et tous sur l'agriculture et la qualité de l'eau : "
            "essais de couverts végétaux, haies, protection des captages.",
            118,
            "Guillaume Roux",
        ),
        (
            "start_here",
            "Présentez votre exploitation ou votre structure lors de la prochaine visio, puis "
            "notez vos essais dans le tableur partagé.",
            110,
            "Guillaume Roux",
        ),
    ],
    "consultation": [
        (
            "welcome",
            "Donnez votre avis sur le futur schéma d'aménagement et de gestion des eaux de la "
            "Vienne tourangelle.",
            59,
            "Élise Girard",
        ),
        (
            "start_here",
            "Lisez la synthèse du diagnostic, puis répondez aux trois questions posées.",
            59,
            "Élise Girard",
        ),
        (
            "message",
            "Les contributions restent ouvertes encore un mois : chaque avis compte.",
            10,
            "Élise Girard",
        ),
    ],
}

# Spaces that measure who reads what (DESIGN): turned on by the owner, told to members; some
# members opted out. (space key, days ago); then (name, space key) of those who opted out.
READING_MEASURED = [("network", 150), ("wetlands", 150)]
READING_OPT_OUTS = [("Marc Aubert", "network"), ("Yann Le Goff", "network")]

MEMBERS = [
    # The demo accounts of accounts/demo.py.
    DemoMember(
        "Camille Martin",
        "Réseau Eau et Biodiversité du Val de Loire",
        TOURS,
        ("animation de réseau", "facilitation", "cartographie"),
        ("eau", "biodiversité", "concertation"),
        role="owner",
        shape="proactive",
        joined=HISTORY_DAYS,
        email=CAMILLE,
    ),
    DemoMember(
        "Lucas Bernard",
        "Association Les Amis de la Vienne",
        CHINON,
        ("inventaires naturalistes",),
        ("zones humides", "sciences participatives"),
        shape="reactive",
        joined=165,
        groups=(("wetlands", "member"),),
        email=LUCAS,
    ),
    # Facilitators.
    DemoMember(
        "Aïcha Benali",
        "Fédération de pêche d'Indre-et-Loire",
        AMBOISE,
        ("suivi de la qualité de l'eau", "pédagogie", "animation de groupes"),
        ("rivières", "poissons migrateurs"),
        role="facilitator",
        shape="proactive",
        joined=178,
        groups=(("wetlands", "facilitator"),),
        bio="Technicienne rivière, j'anime le groupe zones humides.",
        comfort=3,
    ),
    DemoMember(
        "Élise Girard",
        "CPIE Touraine Val de Loire",
        SEUILLY,
        ("animation nature", "facilitation", "concertation"),
        ("éducation à l'environnement", "participation citoyenne"),
        role="facilitator",
        shape="proactive",
        joined=178,
        groups=(("consultation", "facilitator"),),
        bio="Animatrice au CPIE, je co-anime le réseau et la concertation sur le SAGE.",
        comfort=3,
    ),
    # Proactive members.
    DemoMember(
        "Bruno Lefèvre",
        "Syndicat d'aménagement de la vallée de l'Indre",
        LOCHES,
        ("hydrologie", "SIG", "restauration de cours d'eau"),
        ("zones humides", "continuité écologique"),
        shape="proactive",
        joined=176,
        groups=(("wetlands", "member"), ("farming", "member")),
        bio="Technicien de rivière au syndicat de bassin de l'Indre.",
        comfort=3,
    ),
    DemoMember(
        "Fatou Diop",
        "Association Les Amis de la Vienne",
        CHINON,
        ("cartographie", "photographie", "inventaires naturalistes"),
        ("zones humides", "biodiversité"),
        shape="proactive",
        joined=175,
        groups=(("wetlands", "member"),),
        bio="Bénévole, je tiens la carte des mares du Chinonais.",
    ),
    DemoMember(
        "Inès Fontaine",
        "Université de Tours, laboratoire CITERES",
        TOURS,
        ("statistiques", "sciences participatives", "données ouvertes"),
        ("eau", "gouvernance de l'eau"),
        shape="proactive",
        joined=172,
        groups=(("wetlands", "member"),),
        bio="Chercheuse en géographie de l'environnement.",
        comfort=3,
    ),
    # Reactive members.
    DemoMember(
        "Chloé Moreau",
        "LPO Centre-Val de Loire",
        BLOIS,
        ("ornithologie", "inventaires naturalistes"),
        ("oiseaux", "sciences participatives"),
        joined=176,
        groups=(("wetlands", "member"),),
    ),
    DemoMember(
        "David Nguyen",
        "Commune de Chinon",
        CHINON,
        ("marchés publics", "concertation"),
        ("eau potable", "participation citoyenne"),
        joined=150,
        groups=(("consultation", "member"),),
        bio="Chargé de mission environnement à la mairie.",
    ),
    DemoMember(
        "Guillaume Roux",
        "Chambre d'agriculture d'Indre-et-Loire",
        TOURS,
        ("agronomie", "animation de groupes"),
        ("agriculture", "qualité de l'eau"),
        joined=160,
        groups=(("farming", "facilitator"),),
        bio="Conseiller agronomie, j'anime le groupe agriculture et qualité de l'eau.",
    ),
    DemoMember(
        "Julien Marchand",
        "Coopérative L'Eau Vive",
        SAUMUR,
        ("comptabilité", "gouvernance partagée"),
        ("économie sociale et solidaire", "eau"),
        joined=140,
        groups=(("farming", "member"),),
    ),
    DemoMember(
        "Margaux Lemoine",
        "Tours Métropole Val de Loire, service GEMAPI",
        TOURS,
        ("gestion des milieux aquatiques", "prévention des inondations"),
        ("Loire", "zones d'expansion des crues"),
        joined=130,
        groups=(("consultation", "member"),),
    ),
    DemoMember(
        "Samuel Ferreira",
        "GAEC des Prés de la Vienne (éleveur)",
        ILE_BOUCHARD,
        ("élevage", "prairies humides"),
        ("agriculture", "haies"),
        joined=118,
        groups=(("farming", "member"),),
        comfort=1,
    ),
    DemoMember(
        "Nadia Haddad",
        "Syndicat de la Vienne et de ses affluents",
        CHINON,
        ("hydromorphologie", "suivi de chantiers"),
        ("continuité écologique", "rivières"),
        joined=110,
    ),
    DemoMember(
        "Olivier Dumas",
        "INRAE Centre-Val de Loire",
        ORLEANS,
        ("agronomie", "modélisation"),
        ("qualité de l'eau", "pesticides"),
        joined=115,
        groups=(("farming", "member"),),
        comfort=3,
    ),
    DemoMember(
        "Pauline Carré",
        "Parc naturel régional Loire-Anjou-Touraine",
        MONTSOREAU,
        ("gestion de sites", "botanique"),
        ("zones humides", "paysage"),
        joined=100,
        groups=(("wetlands", "member"),),
    ),
    DemoMember(
        "Estelle Barbier",
        "France Nature Environnement Centre-Val de Loire",
        ORLEANS,
        ("plaidoyer", "droit de l'environnement"),
        ("eau", "biodiversité"),
        joined=90,
    ),
    # Observers.
    DemoMember(
        "Hélène Petit",
        "Conservatoire d'espaces naturels Centre-Val de Loire",
        ORLEANS,
        ("gestion de sites", "botanique"),
        ("tourbières", "biodiversité"),
        role="observer",
        shape="observer",
        joined=170,
        groups=(("wetlands", "observer"),),
    ),
    DemoMember(
        "Thierry Vasseur",
        "Conseil départemental d'Indre-et-Loire",
        TOURS,
        ("espaces naturels sensibles", "financements"),
        ("biodiversité",),
        role="observer",
        shape="observer",
        joined=155,
        groups=(("consultation", "observer"),),
    ),
    DemoMember(
        "Sophie Renard",
        "Agence de l'eau Loire-Bretagne",
        ORLEANS,
        ("financements", "aides aux collectivités"),
        ("qualité de l'eau", "captages"),
        role="observer",
        shape="observer",
        joined=150,
        groups=(("farming", "observer"),),
    ),
    DemoMember(
        "Marc Aubert",
        "Office français de la biodiversité",
        BLOIS,
        ("police de l'environnement", "hydrobiologie"),
        ("rivières", "espèces protégées"),
        role="observer",
        shape="observer",
        joined=140,
    ),
    DemoMember(
        "Claire Besnard",
        "Communauté de communes Loches Sud Touraine",
        LOCHES,
        ("urbanisme", "PLUi"),
        ("eau potable", "trame verte et bleue"),
        role="observer",
        shape="observer",
        joined=95,
        groups=(("consultation", "observer"),),
    ),
    DemoMember(
        "Yann Le Goff",
        "BRGM, direction régionale Centre-Val de Loire",
        ORLEANS,
        ("hydrogéologie",),
        ("nappes", "sécheresse"),
        role="observer",
        shape="observer",
        joined=80,
    ),
    # Newcomers (the last three weeks).
    DemoMember(
        "Léna Rivière",
        "Ferme du Véron (maraîchage bio)",
        VERON,
        ("maraîchage biologique", "irrigation économe"),
        ("agriculture", "sécheresse"),
        shape="newcomer",
        joined=18,
        groups=(("farming", "member"),),
        comfort=1,
    ),
    DemoMember(
        "Karim Bensaïd",
        "Université d'Orléans (master gestion de l'eau)",
        ORLEANS,
        ("SIG", "statistiques"),
        ("zones humides", "données ouvertes"),
        shape="newcomer",
        joined=9,
    ),
    DemoMember(
        "Manon Chevalier",
        "Commune de Montlouis-sur-Loire (élue à l'environnement)",
        MONTLOUIS,
        ("concertation",),
        ("Loire", "participation citoyenne"),
        shape="newcomer",
        joined=14,
        groups=(("consultation", "member"),),
    ),
    DemoMember(
        "Théo Gauthier",
        "SEPANT (Société d'étude et de protection de la nature en Touraine)",
        TOURS,
        ("inventaires naturalistes", "entomologie"),
        ("zones humides", "libellules"),
        shape="newcomer",
        joined=20,
        groups=(("wetlands", "member"),),
    ),
    # Members who drifted away: active the first weeks, quiet since.
    DemoMember(
        "Romain Leclerc",
        "Fédération des CUMA de Loir-et-Cher",
        VENDOME,
        ("machinisme agricole",),
        ("agriculture", "haies"),
        shape="drifted",
        joined=120,
        groups=(("farming", "member"),),
    ),
    DemoMember(
        "Isabelle Noël",
        "Commune d'Azay-le-Rideau (élue)",
        AZAY,
        ("concertation",),
        ("eau potable",),
        shape="drifted",
        joined=175,
    ),
    DemoMember(
        "Antoine Perrin",
        "Bureau d'études en hydrologie",
        JOUE,
        ("hydrologie", "études d'impact"),
        ("rivières",),
        shape="drifted",
        joined=172,
    ),
    # Someone who left the network six weeks ago (their past events stay in the log).
    DemoMember(
        "Gilles Morin",
        "Syndicat du bassin du Cher",
        ROMORANTIN,
        ("hydrologie",),
        ("rivières",),
        shape="left",
        joined=174,
        left=45,
    ),
]

# Théo joined the wetlands group by a join request that Aïcha accepted; Karim's is pending.
ACCEPTED_REQUEST = ("Théo Gauthier", "wetlands", 12)  # name, group, asked (days ago)
PENDING_REQUEST = ("Karim Bensaïd", "wetlands", 2)


@dataclass(frozen=True)
class DemoCard:
    space: str
    name: str
    url: str
    category: str
    purpose: str
    agreed_uses: str
    avoid: str
    contact: str  # name of the member to ask
    help_text: str
    added: int  # days ago
    popularity: int  # relative share of the opens
    edit: tuple[int, dict[str, str]] | None = None  # (days ago, changed fields)


CARDS = [
    DemoCard(
        space="network",
        name="Salle de visio du réseau",
        url="https://visio.eau-val-de-loire.example/rooms/reseau",
        category="video",
        purpose=(
            "La visio mensuelle du premier lundi (12 h 30 – 13 h 30) et les réunions à distance."
        ),
        agreed_uses=(
            "On l'utilise pour les rencontres mensuelles et les réunions de groupe de moins de "
            "deux heures ; on coupe son micro quand on ne parle pas."
        ),
        avoid=(
            "On évite de l'utiliser pour des décisions importantes sans compte rendu écrit, et "
            "d'enregistrer sans l'accord de toutes et tous."
        ),
        contact="Aïcha Benali",
        help_text="Testez votre micro 10 minutes avant : la salle est ouverte.",
        added=174,
        popularity=5,
        edit=(
            30,
            {
                "help_text": (
                    "Testez votre micro 10 minutes avant : la salle est ouverte. Par téléphone : "
                    "01 86 95 00 00, code 4721."
                )
            },
        ),
    ),
    DemoCard(
        space="network",
        name="Pad des comptes rendus",
        url="https://pad.eau-val-de-loire.example/p/comptes-rendus",
        category="pad",
        purpose="Les ordres du jour et les comptes rendus des rencontres, écrits à plusieurs.",
        agreed_uses=(
            "On l'utilise pour préparer l'ordre du jour et prendre les notes en direct pendant "
            "les réunions."
        ),
        avoid="On évite d'y mettre des données personnelles et les versions finales.",
        contact="Élise Girard",
        help_text="",
        added=174,
        popularity=4,
        edit=(
            80,
            {
                "avoid": (
                    "On évite d'y mettre des données personnelles ; les versions finales vont "
                    "dans le nuage partagé, dossier « Comptes rendus »."
                )
            },
        ),
    ),
    DemoCard(
        space="network",
        name="Liste de diffusion eau-biodiversite",
        url="https://listes.eau-val-de-loire.example/sympa/info/eau-biodiversite",
        category="mailing_list",
        purpose="Les annonces du réseau : rencontres, appels à projets, offres d'emploi.",
        agreed_uses="On l'utilise pour les annonces qui concernent tout le réseau.",
        avoid=(
            "On évite d'y débattre : les discussions se poursuivent en visio ou dans les groupes "
            "de travail. Pas de « répondre à tous »."
        ),
        contact="Camille Martin",
        help_text="Pour vous inscrire ou vous désinscrire, écrivez à Camille.",
        added=150,
        popularity=2,
    ),
    DemoCard(
        space="network",
        name="Nuage partagé",
        url="https://nuage.eau-val-de-loire.example/s/reseau",
        category="drive",
        purpose="Les documents de référence : protocoles, études, cartes, comptes rendus validés.",
        agreed_uses="On l'utilise pour les versions finales, rangées par année et par thème.",
        avoid=(
            "On évite les brouillons (ils restent dans le pad) et les fichiers de plus de "
            "100 Mo (demandez à Bruno)."
        ),
        contact="Bruno Lefèvre",
        help_text="Identifiants perdus ? Bruno les renvoie.",
        added=90,
        popularity=3,
    ),
    DemoCard(
        space="wetlands",
        name="Carte collaborative des mares",
        url="https://carte.eau-val-de-loire.example/m/mares-vienne",
        category="other",
        purpose="Localiser les mares et zones humides inventoriées, avec leur état.",
        agreed_uses="On l'utilise pour noter chaque mare visitée, avec la date et l'observateur.",
        avoid=(
            "On évite d'y localiser précisément les espèces sensibles : on les signale à "
            "Fatou, qui les transmet au Conservatoire."
        ),
        contact="Fatou Diop",
        help_text="Un tutoriel de cinq minutes est dans le nuage partagé.",
        added=160,
        popularity=3,
    ),
    DemoCard(
        space="farming",
        name="Tableur des essais de couverts",
        url="https://pad.eau-val-de-loire.example/calc/essais-couverts",
        category="pad",
        purpose="Les essais de couverts végétaux des exploitations volontaires, saison par saison.",
        agreed_uses="On l'utilise pour noter les dates de semis, les espèces et les résultats.",
        avoid="On évite d'y mettre le nom des parcelles : un numéro suffit.",
        contact="Guillaume Roux",
        help_text="",
        added=110,
        popularity=1,
    ),
]

# Facilitation moves, as facilitators made them (days ago).
NETWORK_EDITED = 100
TOOL_RENAMED = ("Nos outils en ligne", 150)
ROLE_CHANGES = [("Aïcha Benali", 150, "Camille Martin"), ("Élise Girard", 60, "Camille Martin")]


@dataclass
class _Seeding:
    """What one load builds, passed between the steps."""

    now: datetime
    today: date
    rng: random.Random
    users: dict[str, Any] = field(default_factory=dict)  # name → User
    spaces: dict[str, Any] = field(default_factory=dict)  # key → Space
    memberships: dict[tuple[str, str], Any] = field(default_factory=dict)  # (key, name) → m
    former: dict[tuple[str, str], Any] = field(default_factory=dict)  # memberships since left
    measured_since: dict[str, datetime] = field(default_factory=dict)  # space key → turned on
    events: list[Any] = field(default_factory=list)  # ActivityEvent rows to bulk_create
    cards: list[tuple[DemoCard, Any]] = field(default_factory=list)  # spec, ExternalTool


def _moment(seeding: _Seeding, days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local time ``days_ago`` days before today, never in the future."""
    from coopilote.activity.rollups import local_zone

    day = seeding.today - timedelta(days=days_ago)
    moment = datetime.combine(day, time(hour, minute), tzinfo=local_zone())
    return min(moment, seeding.now - timedelta(minutes=5))


def _event(
    seeding: _Seeding,
    space: Any,
    actor: Any,
    kind: str,
    when: datetime,
    target: Any = None,
    **payload: Any,
) -> None:
    """A past event, as the action that makes it would have recorded it (declared kinds only:
    the class comes from the declaration, and an undeclared kind raises)."""
    from coopilote.activity.models import ActivityEvent
    from coopilote.activity.recording import declared_participation

    seeding.events.append(
        ActivityEvent(
            space=space,
            actor=actor,
            tool_key=kind.split(".", 1)[0],
            kind=kind,
            participation=declared_participation(kind),
            target_type=target._meta.label_lower if target is not None else "",
            target_id=target.pk if target is not None else None,
            payload=payload,
            created_at=when,
        )
    )


def _then(when: datetime, action: Any, **kwargs: Any) -> Any:
    """Run a real action, then move the events it recorded to ``when``, and drop the background
    work it queued: mail to a page's followers about an edit made "last month" must not arrive
    today, when the worker starts."""
    from django.db.models import Max
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from coopilote.activity.models import ActivityEvent

    last = ActivityEvent.objects.aggregate(last=Max("id"))["last"] or 0
    started = timezone.now()
    result = action(**kwargs)
    ActivityEvent.objects.filter(pk__gt=last).update(created_at=when)
    DBTaskResult.objects.filter(enqueued_at__gte=started).delete()
    return result


def seed_spaces() -> str:
    from django.utils import timezone

    from coopilote.activity.rollups import local_today
    from coopilote.spaces.models import Space

    if Space.objects.filter(slug=NETWORK_SLUG).exists():
        return "demo network already there."
    seeding = _Seeding(now=timezone.now(), today=local_today(), rng=random.Random(RANDOM_SEED))  # noqa: S311
    _people(seeding)
    _spaces(seeding)
    _memberships(seeding)
    _home_and_settings(seeding)
    _tools(seeding)
    _reading(seeding)
    counted = _store_and_roll_up(seeding)
    network = Space.objects.get(pk=seeding.spaces["network"].pk)
    return (
        f"“{network.name}” with {network.member_count} members, {len(GROUPS)} sub-spaces, "
        f"{len(CARDS)} external tools and {counted} past events rolled up."
    )


def _people(seeding: _Seeding) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils.text import slugify

    from coopilote.accounts.demo import DEMO_PASSWORD
    from coopilote.accounts.models import Tag, User

    existing = {user.email: user for user in User.objects.filter(email__in=[CAMILLE, LUCAS])}
    hashed = make_password(DEMO_PASSWORD)  # once: the hasher is slow on purpose
    new = []
    for person in MEMBERS:
        if person.email:
            seeding.users[person.name] = existing[person.email]
            continue
        email = f"{slugify(person.name)}@{DEMO_DOMAIN}"
        new.append(
            User(
                email=email,
                password=hashed,
                display_name=person.name,
                organisation=person.organisation,
                place_name=person.place.name,
                place_latitude=Decimal(person.place.latitude),
                place_longitude=Decimal(person.place.longitude),
                bio=person.bio,
                digital_comfort=person.comfort,
                date_joined=_moment(seeding, person.joined, 9),
            )
        )
    for user in User.objects.bulk_create(new):
        seeding.users[user.display_name] = user
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in new]
    )
    tags = {slugify(tag.name)[:50]: tag for tag in Tag.from_names(_all_tags())}
    skills, interests = [], []
    for person in MEMBERS:
        if person.email:
            continue  # the demo accounts have their own
        user = seeding.users[person.name]
        skills += [
            User.skills.through(user=user, tag=tags[slugify(name)[:50]]) for name in person.skills
        ]
        interests += [
            User.interests.through(user=user, tag=tags[slugify(name)[:50]])
            for name in person.interests
        ]
    User.skills.through.objects.bulk_create(skills, ignore_conflicts=True)
    User.interests.through.objects.bulk_create(interests, ignore_conflicts=True)


def _all_tags() -> list[str]:
    return list(dict.fromkeys(n for p in MEMBERS for n in (*p.skills, *p.interests)))


def _spaces(seeding: _Seeding) -> None:
    from coopilote.spaces import actions
    from coopilote.spaces.access import access_for
    from coopilote.spaces.models import Membership, Space

    camille = seeding.users["Camille Martin"]
    for spec in [NETWORK, *GROUPS]:
        when = _moment(seeding, spec.created, 9, 30)
        description = spec.description
        if spec is NETWORK:
            # The first version, before the facilitators' later edit below.
            description = spec.description.rsplit("\n- ", 1)[0]
        space = _then(
            when,
            actions.space_create,
            actor=camille,
            name=spec.name,
            slug=spec.slug,
            kind=spec.kind,
            field=spec.field,
            visibility=spec.visibility,
            parent=seeding.spaces.get("network"),
            description=description,
        )
        Space.objects.filter(pk=space.pk).update(created_at=when)
        Membership.objects.filter(space=space, user=camille).update(joined_at=when)
        seeding.spaces[spec.key] = space
        seeding.memberships[(spec.key, "Camille Martin")] = Membership.objects.get(
            space=space, user=camille
        )
    _then(
        _moment(seeding, NETWORK_EDITED, 17, 10),
        actions.space_edit,
        access=access_for(seeding.spaces["network"], camille),
        name=NETWORK.name,
        kind=NETWORK.kind,
        field=NETWORK.field,
        description=NETWORK.description,
    )


def _memberships(seeding: _Seeding) -> None:
    """Everyone's memberships, with the events of joining, join requests, role changes and
    leaving, each on its day."""
    from coopilote.spaces.models import JoinRequest, Membership, Space

    created = {spec.key: spec.created for spec in [NETWORK, *GROUPS]}
    rows: list[tuple[str, DemoMember, str, int]] = []  # space key, person, role, days ago
    for person in MEMBERS:
        if person.email != CAMILLE:
            rows.append(("network", person, person.role, person.joined))
        for key, role in person.groups:
            # A few days after both the group and the person are there.
            days = min(created[key], person.joined) - 2 - len(rows) % 9
            rows.append((key, person, role, max(days, 1)))
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                space=seeding.spaces[key],
                user=seeding.users[person.name],
                role=role,
                represents=person.organisation if key == "network" else "",
                joined_at=_moment(seeding, days, 11 + len(person.name) % 7, len(person.name)),
            )
            for key, person, role, days in rows
        ]
    )
    invitations: Counter[tuple[str, int]] = Counter()
    by_request = (ACCEPTED_REQUEST[0], ACCEPTED_REQUEST[1])
    for (key, person, role, days), membership in zip(rows, memberships, strict=True):
        seeding.memberships[(key, person.name)] = membership
        if (person.name, key) == by_request:
            continue  # joined through a request, below
        user = seeding.users[person.name]
        invitations[(key, days + 1)] += 1
        _event(
            seeding, seeding.spaces[key], user, "spaces.member.joined", membership.joined_at,
            membership, user=user.pk, role=role, how="invitation",
        )  # fmt: skip
    inviters = {"network": "Camille Martin", "wetlands": "Aïcha Benali"}
    for (key, days), count in sorted(invitations.items()):
        sender = seeding.users[inviters.get(key, "Camille Martin")]
        when = _moment(seeding, days, 16, 40)
        _event(seeding, seeding.spaces[key], sender, "spaces.invitation.sent", when, count=count)

    # Join requests: one accepted by the group's facilitator, one waiting for an answer.
    name, key, asked = ACCEPTED_REQUEST
    space, user = seeding.spaces[key], seeding.users[name]
    decider = seeding.users["Aïcha Benali"]
    decided_at = _moment(seeding, asked - 1, 8, 50)
    accepted = JoinRequest.objects.create(
        space=space,
        user=user,
        message="Je fais un stage sur les libellules des mares, puis-je rejoindre le groupe ?",
        status="accepted",
        decided_by=decider,
        created_at=_moment(seeding, asked, 20, 15),
        decided_at=decided_at,
    )
    membership = seeding.memberships[(key, name)]
    membership.joined_at = decided_at
    Membership.objects.filter(pk=membership.pk).update(joined_at=decided_at)
    _event(seeding, space, user, "spaces.join_request.created", accepted.created_at, accepted)
    _event(
        seeding, space, decider, "spaces.member.joined", decided_at, membership,
        user=user.pk, role="member", how="request",
    )  # fmt: skip
    name, key, asked = PENDING_REQUEST
    pending = JoinRequest.objects.create(
        space=seeding.spaces[key],
        user=seeding.users[name],
        message="Étudiant en master, je travaille sur les zones humides de la Vienne.",
        created_at=_moment(seeding, asked, 21, 5),
    )
    _event(
        seeding, seeding.spaces[key], seeding.users[name], "spaces.join_request.created",
        pending.created_at, pending,
    )  # fmt: skip

    # Role changes, made by the owner.
    network = seeding.spaces["network"]
    for name, days, by in ROLE_CHANGES:
        membership = seeding.memberships[("network", name)]
        _event(
            seeding, network, seeding.users[by], "spaces.member.role_changed",
            _moment(seeding, days, 14), membership,
            user=membership.user_id, previous="member", role=membership.role,
        )  # fmt: skip

    # Someone who left: the membership goes, the events stay.
    for person in MEMBERS:
        if person.left is None:
            continue
        for key in ["network", *(group for group, _role in person.groups)]:
            membership = seeding.memberships.pop((key, person.name))
            _event(
                seeding, seeding.spaces[key], seeding.users[person.name], "spaces.member.left",
                _moment(seeding, person.left, 18), membership, role=membership.role,
            )  # fmt: skip
            seeding.former[(key, person.name)] = membership
            Membership.objects.filter(pk=membership.pk).delete()

    counts = Counter(membership.space_id for membership in seeding.memberships.values())
    for space in seeding.spaces.values():
        Space.objects.filter(pk=space.pk).update(member_count=counts[space.pk])
        space.member_count = counts[space.pk]


def _home_and_settings(seeding: _Seeding) -> None:
    """The gare centrale's blocks, and reading measurement where the owner turned it on."""
    from coopilote.spaces import actions
    from coopilote.spaces.access import access_for
    from coopilote.spaces.models import Space

    for key, blocks in GARE_CENTRALE.items():
        for block, text, days, author in blocks:
            when = _moment(seeding, days, 8, 40)
            space = seeding.spaces[key]
            _then(
                when,
                actions.space_home_edit,
                access=access_for(space, seeding.users[author]),
                block=block,
                text=text,
            )
            if block == "message":
                Space.objects.filter(pk=space.pk).update(message_at=when)
    camille = seeding.users["Camille Martin"]
    for key, days in READING_MEASURED:
        when = _moment(seeding, days, 18, 30)
        space = seeding.spaces[key]
        space.refresh_from_db()
        _then(
            when,
            actions.space_configure,
            access=access_for(space, camille),
            slug=space.slug,
            visibility=space.visibility,
            directory_visibility=space.directory_visibility,
            reading_measurement=True,
        )
        seeding.measured_since[key] = when
    joined = {person.name: person.joined for person in MEMBERS}
    for name, key in READING_OPT_OUTS:
        days = min(dict(READING_MEASURED)[key], joined[name]) - 2
        access = access_for(seeding.spaces[key], seeding.users[name])
        _then(
            _moment(seeding, days, 19),
            actions.membership_set_reading_opt_out,
            access=access,
            opt_out=True,
        )
        seeding.memberships[(key, name)].reading_opt_out = True
    for key in seeding.spaces:
        seeding.spaces[key].refresh_from_db()


def _tools(seeding: _Seeding) -> None:
    """The External tools tool enabled where cards are, then the cards, as facilitators did."""
    from coopilote.spaces import actions
    from coopilote.spaces.access import ToolAccess, access_for
    from coopilote.spaces.models import SpaceTool
    from coopilote.tools.external import actions as external
    from coopilote.tools.external.manifest import KEY, MANIFEST
    from coopilote.tools.external.models import ExternalTool

    camille = seeding.users["Camille Martin"]
    accesses: dict[str, ToolAccess] = {}
    for key in dict.fromkeys(card.space for card in CARDS):
        space = seeding.spaces[key]
        first = max(card.added for card in CARDS if card.space == key) + 1
        when = _moment(seeding, first, 9, 15)
        access = access_for(space, camille)
        tool = _then(when, actions.space_tool_enable, access=access, tool_key=KEY)
        SpaceTool.objects.filter(pk=tool.pk).update(created_at=when)
        accesses[key] = ToolAccess(space_access=access, tool=tool, manifest=MANIFEST)
    title, days = TOOL_RENAMED
    _then(
        _moment(seeding, days, 15),
        actions.space_tool_rename,
        access=accesses["network"].space_access,
        tool_key=KEY,
        title=title,
    )
    for card in sorted(CARDS, key=lambda card: -card.added):
        fields = {
            "name": card.name,
            "url": card.url,
            "category": card.category,
            "purpose": card.purpose,
            "agreed_uses": card.agreed_uses,
            "avoid": card.avoid,
            "help_contact": seeding.memberships[(card.space, card.contact)],
            "help_text": card.help_text,
        }
        when = _moment(seeding, card.added, 10, 20)
        added = _then(when, external.external_tool_add, access=accesses[card.space], **fields)
        ExternalTool.objects.filter(pk=added.pk).update(created_at=when, updated_at=when)
        if card.edit is not None:
            days, changes = card.edit
            when = _moment(seeding, days, 11, 45)
            _then(
                when,
                external.external_tool_edit,
                access=accesses[card.space],
                tool_id=added.pk,
                **{**fields, **changes},
            )
            ExternalTool.objects.filter(pk=added.pk).update(updated_at=when)
        seeding.cards.append((card, added))


def _reading(seeding: _Seeding) -> None:
    """Who opened which card, when: the participation shape of the network.

    Where the space measures reading (and the member did not opt out), each opening is a
    ``view`` event by name; elsewhere, and before it was turned on, only the card's anonymous
    count of the day grows, as ``external_tool_open`` does (DESIGN).
    """
    from coopilote.activity.models import ViewCount
    from coopilote.activity.recording import measures_reading

    rng = seeding.rng
    anonymous: Counter[tuple[int, int, date]] = Counter()
    for person in MEMBERS:
        user = seeding.users[person.name]
        memberships = {
            key: membership
            for (key, name), membership in [*seeding.memberships.items(), *seeding.former.items()]
            if name == person.name
        }
        mine = [(card, row) for card, row in seeding.cards if card.space in memberships]
        if not mine:
            continue
        weights = [card.popularity for card, _row in mine]
        measured = {}
        for key, membership in memberships.items():
            if measures_reading(seeding.spaces[key], user, membership):
                measured[key] = seeding.measured_since[key] + timedelta(days=2)
        per_day = SHAPES[person.shape] / 7
        last = person.left or 0
        if person.shape == "drifted":
            last = max(person.joined - DRIFT_AFTER_DAYS, 0)
        for days in range(person.joined - 1, last - 1, -1):
            day = seeding.today - timedelta(days=days)
            weekday = 1.0 if day.weekday() < 5 else 0.25
            if rng.random() >= per_day * weekday:
                continue
            card, row = rng.choices(mine, weights)[0]
            if days >= card.added:
                continue  # not there yet
            when = _moment(seeding, days, rng.randint(8, 21), rng.randint(0, 59))
            space = seeding.spaces[card.space]
            if card.space in measured and when >= measured[card.space]:
                _event(seeding, space, user, "external.tool.opened", when, row)
            else:
                anonymous[(space.pk, row.pk, when.date())] += 1
    ViewCount.objects.bulk_create(
        [
            ViewCount(
                space_id=space_id,
                target_type="external.externaltool",
                target_id=card_id,
                day=day,
                count=count,
            )
            for (space_id, card_id, day), count in anonymous.items()
        ]
    )


def _store_and_roll_up(seeding: _Seeding) -> int:
    """The past events in one insert, then the daily rollups up to yesterday, as the scheduled
    job keeps them (today's events are read live)."""
    from django.db.models import Min

    from coopilote.activity.models import ActivityEvent
    from coopilote.activity.rollups import local_zone, roll_up

    ActivityEvent.objects.bulk_create(seeding.events, batch_size=500)
    ids = [space.pk for space in seeding.spaces.values()]
    first = ActivityEvent.objects.filter(space_id__in=ids).aggregate(first=Min("created_at"))
    start = first["first"].astimezone(local_zone()).date()
    return roll_up(start, seeding.today - timedelta(days=1))
