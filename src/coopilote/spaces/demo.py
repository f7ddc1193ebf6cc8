"""Demo network for the embedded default: a water and biodiversity network with its groups."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_DOMAIN = "demo.coopilote.localhost"


@dataclass(frozen=True)
class DemoMember:
    name: str
    organisation: str
    place: str
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    role: str = "member"


# People of the network besides the demo accounts (who log in with the demo password too).
MEMBERS = [
    DemoMember(
        "Aïcha Benali",
        "Fédération de pêche d'Indre-et-Loire",
        "Amboise (37)",
        ("suivi de la qualité de l'eau", "pédagogie"),
        ("rivières", "poissons migrateurs"),
        "facilitator",
    ),
    DemoMember(
        "Bruno Lefèvre",
        "Syndicat du bassin de l'Indre",
        "Loches (37)",
        ("hydrologie", "SIG"),
        ("zones humides", "restauration de cours d'eau"),
    ),
    DemoMember(
        "Chloé Moreau",
        "LPO Centre-Val de Loire",
        "Blois (41)",
        ("ornithologie", "inventaires naturalistes"),
        ("oiseaux", "sciences participatives"),
    ),
    DemoMember(
        "David Nguyen",
        "Commune de Chinon",
        "Chinon (37)",
        ("marchés publics", "concertation"),
        ("eau potable", "participation citoyenne"),
    ),
    DemoMember(
        "Élise Girard",
        "CPIE Touraine Val de Loire",
        "Seuilly (37)",
        ("animation nature", "facilitation"),
        ("éducation à l'environnement",),
    ),
    DemoMember(
        "Fatou Diop",
        "Association Les Amis de la Vienne",
        "Chinon (37)",
        ("cartographie", "photographie"),
        ("zones humides", "biodiversité"),
    ),
    DemoMember(
        "Guillaume Roux",
        "Chambre d'agriculture 37",
        "Tours (37)",
        ("agronomie", "animation de groupes"),
        ("agriculture", "qualité de l'eau"),
    ),
    DemoMember(
        "Hélène Petit",
        "Conservatoire d'espaces naturels",
        "Orléans (45)",
        ("gestion de sites", "botanique"),
        ("tourbières", "biodiversité"),
        "observer",
    ),
    DemoMember(
        "Inès Fontaine",
        "Université de Tours",
        "Tours (37)",
        ("statistiques", "sciences participatives"),
        ("données ouvertes", "eau"),
    ),
    DemoMember(
        "Julien Marchand",
        "Coopérative L'Eau Vive",
        "Saumur (49)",
        ("comptabilité", "gouvernance partagée"),
        ("économie sociale et solidaire",),
    ),
]


def seed_spaces() -> str:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils.text import slugify

    from coopilote.accounts.demo import DEMO_PASSWORD
    from coopilote.accounts.models import Tag, User
    from coopilote.spaces import actions
    from coopilote.spaces.models import Membership, Space

    if Space.objects.filter(slug="reseau-eau-biodiversite").exists():
        return "demo network already there."
    camille = User.objects.get(email="animatrice@coopilote.localhost")
    lucas = User.objects.get(email="membre@coopilote.localhost")
    network = actions.space_create(
        actor=camille,
        name="Réseau Eau et Biodiversité du Val de Loire",
        slug="reseau-eau-biodiversite",
        kind="network",
        field="environment",
        visibility="public",
        description=(
            "Le réseau rassemble **associations, collectivités, syndicats de bassin et "
            "chercheurs** qui agissent pour l'eau et la biodiversité du Val de Loire.\n\n"
            "- partager les données et les retours d'expérience ;\n"
            "- mutualiser les outils et les solutions ;\n"
            "- cartographier les initiatives du territoire."
        ),
    )
    wetlands = actions.space_create(
        actor=camille,
        name="Groupe de travail zones humides",
        kind="working_group",
        field="environment",
        visibility="members",
        parent=network,
        description="Inventaires partagés et suivi des zones humides du bassin de la Vienne.",
    )
    actions.space_create(
        actor=camille,
        name="Concertation sur le SAGE de la Vienne tourangelle",
        kind="consultation",
        field="territory",
        visibility="public",
        parent=network,
        description="Recueillir l'avis des habitants et des usagers sur le futur SAGE.",
    )
    hashed = make_password(DEMO_PASSWORD)
    members = [(lucas, "member")]
    for person in MEMBERS:
        email = f"{slugify(person.name)}@{DEMO_DOMAIN}"
        user = User.objects.create(
            email=email,
            password=hashed,
            display_name=person.name,
            organisation=person.organisation,
            place_name=person.place,
        )
        user.skills.set(Tag.from_names(list(person.skills)))
        user.interests.set(Tag.from_names(list(person.interests)))
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        members.append((user, person.role))
    for user, role in members:
        Membership.objects.create(space=network, user=user, role=role, represents=user.organisation)
    for user, _role in members[:5]:
        Membership.objects.create(space=wetlands, user=user, role="member")
    Space.objects.filter(pk=network.pk).update(member_count=1 + len(members))
    Space.objects.filter(pk=wetlands.pk).update(member_count=1 + 5)
    return f"demo network with {len(members) + 1} members and 2 sub-spaces."
