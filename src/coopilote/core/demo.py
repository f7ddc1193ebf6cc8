"""Demo data for the embedded default: each app registers a seeder; ``load_demo`` runs them all."""

from __future__ import annotations

from collections.abc import Callable

# A seeder creates what is missing (idempotent) and returns one line describing what it did.
Seeder = Callable[[], str]
_seeders: dict[str, Seeder] = {}


def register_seeder(key: str, seeder: Seeder) -> None:
    _seeders[key] = seeder


def seeders() -> list[tuple[str, Seeder]]:
    """In registration order, i.e. INSTALLED_APPS order: accounts before the spaces using them."""
    return list(_seeders.items())
