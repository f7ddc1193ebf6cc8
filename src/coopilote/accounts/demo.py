"""Demo accounts loaded by ``make run`` so that a first visitor can log in at once."""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "demo-coopilote-2026"  # noqa: S105 - printed on purpose for the embedded demo


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    description: str
    is_staff: bool = False
    organisation: str = ""
    place_name: str = ""
    bio: str = ""
    skills: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    digital_comfort: int | None = None


DEMO_ACCOUNTS = [
    DemoAccount(
        email="admin@coopilote.localhost",
        display_name="Équipe Coopilote",
        description="platform staff: admin, mailbox",
        is_staff=True,
        digital_comfort=3,
    ),
    DemoAccount(
        email="animatrice@coopilote.localhost",
        display_name="Camille Martin",
        description="facilitator of the demo network",
        organisation="Réseau Eau et Biodiversité du Val de Loire",
        place_name="Tours (37)",
        bio="Chargée de mission, j'anime le réseau depuis 2021.",
        skills=["animation de réseau", "facilitation", "cartographie"],
        interests=["eau", "biodiversité", "concertation"],
        digital_comfort=3,
    ),
    DemoAccount(
        email="membre@coopilote.localhost",
        display_name="Lucas Bernard",
        description="member of the demo network",
        organisation="Association Les Amis de la Vienne",
        place_name="Chinon (37)",
        bio="Bénévole, je suis les zones humides du Chinonais.",
        skills=["inventaires naturalistes"],
        interests=["zones humides", "sciences participatives"],
        digital_comfort=1,
    ),
]


def seed_accounts() -> str:
    """Create the demo accounts (existing ones are left as they are)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from coopilote.accounts.models import Tag, User

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
    return f"{created} accounts created, {len(DEMO_ACCOUNTS) - created} kept."
