"""Where Redis is configured, the login rate limits live in Redis, shared by every process."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[4]
REDIS = "redis://127.0.0.1:6379/15"


def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return client


def test_redis_url_switches_the_cache_to_redis():
    env = {**os.environ, "REDIS_URL": REDIS, "DJANGO_SETTINGS_MODULE": "coopilote.config.settings"}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr  # says why, should the start-up ever fail
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.django_db
def test_failed_logins_are_counted_in_redis_and_refused_from_the_seventh(client, user):
    connection = redis_client()
    prefix = f"coopilote-test-{secrets.token_hex(4)}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        with override_settings(CACHES=caches):
            statuses = [
                client.post(
                    reverse("account_login"), {"login": user.email, "password": "wrong-password"}
                ).status_code
                for _ in range(7)
            ]
            assert statuses[:6] == [200] * 6
            assert statuses[6] == 429
            assert connection.keys(f"{prefix}:*"), "the counters must be stored in Redis"
    finally:
        for key in connection.keys(f"{prefix}:*"):
            connection.delete(key)
