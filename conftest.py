"""Shared pytest fixtures: fast password hashing and ready-made accounts."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 at Django 6.1's default cost takes ~0.4 s per hash; tests need many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def password() -> str:
    return "un-mot-de-passe-solide-42"


@pytest.fixture
def make_user(db, password):
    from allauth.account.models import EmailAddress

    from coopilote.accounts.models import User

    def make(email: str = "camille@example.org", *, verified: bool = True, **fields) -> User:
        user = User.objects.create_user(email=email, password=password, **fields)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def staff_user(make_user):
    return make_user("equipe@example.org", is_staff=True)


@pytest.fixture(autouse=True)
def _outbox_backend(settings):
    # pytest-django swaps EMAIL_BACKEND for Django's locmem backend; tests read mail from the
    # project's real outbox, exactly as the worker finds it.
    settings.EMAIL_BACKEND = "coopilote.mail.backends.OutboxBackend"


@pytest.fixture
def worker():
    """Run the real task worker until the queue is empty."""
    from coopilote.core.tests.worker import run_worker

    return run_worker


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a file of their own rather than Django's shared in-memory database.

    Concurrency tests open several connections at once; an in-memory database shared between
    them answers "database table is locked" at once instead of waiting for the lock as a
    file database does (busy timeout), so they could not prove anything about real locking.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get(
        "NAME"
    ):
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "test.sqlite3"
        )
        # A test database need not survive a power cut; syncing every commit costs seconds.
        options = database.setdefault("OPTIONS", {})
        options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
