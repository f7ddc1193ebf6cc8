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
