"""The interface language follows a member's preference, whatever their browser says."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from coopilote.accounts.tests.helpers import in_french

pytestmark = pytest.mark.django_db

EDIT = reverse("accounts:profile_edit")
PROFILE = reverse("accounts:profile")
CHANGE_PASSWORD = reverse("account_change_password")
# allauth's own page title, translated by allauth's catalogue.
ENGLISH = "Change Password"


def profile_form(language: str) -> dict[str, str]:
    return {"display_name": "Camille", "language": language}


def test_choosing_english_in_profile_switches_the_interface(member_client, user):
    before = member_client.get(CHANGE_PASSWORD).content.decode()
    assert '<html lang="fr">' in before
    assert in_french(ENGLISH) in before
    assert in_french(ENGLISH) != ENGLISH

    response = member_client.post(EDIT, profile_form("en"))

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    after = member_client.get(CHANGE_PASSWORD).content.decode()
    assert '<html lang="en">' in after
    assert ENGLISH in after
    assert in_french(ENGLISH) not in after
    profile = member_client.get(PROFILE).content.decode()
    assert '<html lang="en">' in profile


def test_member_preference_beats_browser_language(member_client, user):
    user.language = "en"
    user.save()

    response = member_client.get(CHANGE_PASSWORD, headers={"accept-language": "fr-FR,fr;q=0.9"})

    assert '<html lang="en">' in response.content.decode()


def test_switching_back_to_french(member_client, user):
    member_client.post(EDIT, profile_form("en"))
    member_client.post(EDIT, profile_form("fr"))

    page = member_client.get(CHANGE_PASSWORD).content.decode()

    assert '<html lang="fr">' in page
    assert in_french(ENGLISH) in page


def test_anonymous_visitor_gets_browser_language(client):
    english = client.get(reverse("account_login"), headers={"accept-language": "en"})
    french = Client().get(reverse("account_login"), headers={"accept-language": "fr"})

    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="fr">' in french.content.decode()


def test_language_stays_after_logout_through_cookie(member_client):
    member_client.post(EDIT, profile_form("en"))
    member_client.post(reverse("account_logout"))

    page = member_client.get(reverse("account_login"), headers={"accept-language": "fr"})

    assert '<html lang="en">' in page.content.decode()
