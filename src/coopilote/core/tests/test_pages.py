"""Public pages: footer accessibility status, legal pages, language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from coopilote.core.context_processors import accessibility_status

pytestmark = pytest.mark.django_db


def french_translations_exist() -> bool:
    return any(
        (Path(path) / "fr" / "LC_MESSAGES" / "django.mo").exists() for path in settings.LOCALE_PATHS
    )


EXPECTED = {
    "en": {
        None: "not compliant",
        "45": "not compliant",
        "60": "partially compliant",
        "100": "fully compliant",
        "n/a": "not compliant",
    },
    "fr": {
        None: "non conforme",
        "45": "non conforme",
        "60": "partiellement conforme",
        "100": "totalement conforme",
        "n/a": "non conforme",
    },
}
LANGUAGE = "fr" if french_translations_exist() else "en"


@pytest.mark.parametrize("rate", [None, "45", "60", "100", "n/a"])
def test_accessibility_status_follows_the_declared_audit_rate(settings, rate):
    settings.ACCESSIBILITY_AUDIT_RATE = rate

    with translation.override(LANGUAGE):
        assert accessibility_status() == EXPECTED[LANGUAGE][rate]


def footer(response) -> str:
    match = re.search(r"<footer.*?</footer>", response.content.decode(), re.DOTALL)
    assert match, "the page has a footer"
    return match.group()


@pytest.mark.parametrize(
    ("rate", "status"),
    [(None, "not compliant"), ("60", "partially compliant"), ("100", "fully compliant")],
)
def test_footer_shows_the_accessibility_status(client, settings, rate, status):
    settings.ACCESSIBILITY_AUDIT_RATE = rate
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    text = footer(client.get("/"))

    assert f"Accessibility: {status}" in text
    assert 'href="/accessibilite/"' in text


def test_footer_says_non_conforme_in_french_by_default(client):
    if not french_translations_exist():
        pytest.skip("no French translations compiled yet")

    assert "non conforme" in footer(client.get("/"))


@pytest.mark.parametrize("path", ["/accessibilite/", "/mentions-legales/", "/confidentialite/"])
def test_legal_pages_are_public(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_accessibility_statement_states_the_compliance_status(client, settings):
    settings.ACCESSIBILITY_AUDIT_RATE = "60"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get("/accessibilite/").content.decode()

    assert "is partially compliant with the French accessibility standard" in page
    assert "60%" in page


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)


def test_language_switch_serves_the_next_pages_in_english(client):
    assert html_lang(client.get("/")) == settings.LANGUAGE_CODE == "fr"

    response = client.post("/langue/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert html_lang(client.get("/")) == "en"


def test_language_switch_is_remembered_for_a_logged_in_member(client, user):
    assert user.language == "fr"
    client.force_login(user)

    client.post("/langue/", {"language": "en", "next": "/"})

    user.refresh_from_db()
    assert user.language == "en"
    assert html_lang(client.get("/")) == "en"


def test_language_switch_ignores_unknown_languages(client, user):
    client.force_login(user)

    client.post("/langue/", {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == "fr"


def test_language_switch_refuses_get(client):
    assert client.get("/langue/", {"language": "en"}).status_code == 405
