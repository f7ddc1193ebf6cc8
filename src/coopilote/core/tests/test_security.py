"""Security headers, production settings and template hygiene."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

REPO = Path(settings.BASE_DIR)
PACKAGE = Path(settings.PACKAGE_DIR)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coopilote.config.settings",
        PYTHONPATH=str(REPO / "src"),
        COOPILOTE_DATA_DIR=str(tmp_path),
        DEBUG="0",
    )
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_home_page_sends_a_nonce_based_content_security_policy(client):
    response = client.get("/")

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    nonces = re.findall(r"'nonce-([^']+)'", " ".join(directives["script-src"]))
    assert nonces, policy
    nonce = nonces[0]
    assert len(nonce) >= 16

    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag

    # A fresh nonce for every response.
    other = client.get("/")["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in other


def test_home_page_sends_nosniff_and_a_referrer_policy(client):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }
    assert response["X-Frame-Options"] == "DENY"


def test_deploy_checks_pass_with_production_environment(tmp_path):
    env = production_env(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="coopilote.example"
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path, ALLOWED_HOSTS="coopilote.example")

    result = run_python("import coopilote.config.settings", env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(64))

    result = run_python("import coopilote.config.settings", env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_secure_cookies_and_hsts(tmp_path):
    env = production_env(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="coopilote.example"
    )
    code = (
        "import json; from django.conf import settings; print(json.dumps({name: "
        "getattr(settings, name) for name in ('DEBUG', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_HTTPONLY')}))"
    )

    result = run_python(code, env)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True


def html_templates() -> list[Path]:
    templates = sorted(PACKAGE.rglob("*.html"))
    assert len(templates) > 10  # the search really looks at the templates
    return templates


def test_templates_have_no_inline_event_handlers():
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offending = [
        f"{path.relative_to(PACKAGE)}: {match.group().strip()}"
        for path in html_templates()
        for match in handler.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_templates_have_no_inline_style_attributes():
    style = re.compile(r"\sstyle\s*=", re.IGNORECASE)
    offending = [
        str(path.relative_to(PACKAGE))
        for path in html_templates()
        if style.search(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_runs_on_python_3_12_or_newer():
    assert sys.version_info >= (3, 12)
