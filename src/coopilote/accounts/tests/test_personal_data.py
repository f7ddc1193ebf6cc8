"""Downloading one's personal data: complete for oneself, nothing about anyone else."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from coopilote.accounts.models import DigitalComfort, Tag
from coopilote.mail.actions import subscription_set

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("accounts:personal_data_download")
CANARY = "canari-7f3e9b2a-autre-membre"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def profile(user):
    user.display_name = "Camille Martin"
    user.bio = "J'anime un réseau de tiers-lieux."
    user.organisation = "Réseau des Communs"
    user.place_name = "Nantes"
    user.place_latitude = Decimal("47.22")
    user.place_longitude = Decimal("-1.55")
    user.digital_comfort = DigitalComfort.CONFIDENT
    user.save()
    user.skills.set(Tag.from_names(["facilitation", "cartographie"]))
    user.interests.set(Tag.from_names(["eau"]))
    EmailAddress.objects.create(user=user, email="camille.pro@example.org", verified=False)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    subscription_set(actor=user, kind="tips", subscribed=False)
    return user


@pytest.fixture
def someone_else(make_user):
    other = make_user("dominique@example.org", display_name="Dominique " + CANARY)
    other.bio = f"Bio secrète {CANARY}"
    other.organisation = f"Structure {CANARY}"
    other.save()
    other.skills.set(Tag.from_names([f"secret {CANARY}"[:40]]))
    EmailAddress.objects.create(user=other, email="dominique.perso@example.org", verified=True)
    Authenticator.objects.create(
        user=other, type=Authenticator.Type.TOTP, data={"secret": "OTHERSECRET" + CANARY}
    )
    return other


def download(client: Client) -> tuple[object, dict]:
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_download_is_a_json_attachment_not_cached(member_client, profile):
    response, _data = download(member_client)

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "coopilote-personal-data-" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"


def test_download_contains_profile_tags_and_addresses(member_client, profile):
    _response, data = download(member_client)

    assert data["format"] == "coopilote-personal-data"
    assert data["profile"]["email"] == "camille@example.org"
    assert data["profile"]["display_name"] == "Camille Martin"
    assert data["profile"]["bio"] == "J'anime un réseau de tiers-lieux."
    assert data["profile"]["organisation"] == "Réseau des Communs"
    assert data["profile"]["place_name"] == "Nantes"
    assert data["profile"]["place_latitude"] == "47.22"
    assert data["profile"]["place_longitude"] == "-1.55"
    assert data["profile"]["digital_comfort"]
    assert data["profile"]["language"] == "fr"
    assert sorted(data["profile"]["skills"]) == ["cartographie", "facilitation"]
    assert data["profile"]["interests"] == ["eau"]
    assert data["email_addresses"] == [
        {"email": "camille.pro@example.org", "verified": False, "primary": False},
        {"email": "camille@example.org", "verified": True, "primary": True},
    ]
    assert [factor["type"] for factor in data["second_factors"]] == ["totp"]
    assert data["sessions"], "the session used to log in is listed"
    assert {"kind": "tips", "subscribed": False} in data["email_preferences"]


def test_download_lists_mail_sent_to_the_member(member_client, profile, password):
    member_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": password,
            "password1": "phrase-neuve-et-longue",
            "password2": "phrase-neuve-et-longue",
        },
    )

    _response, data = download(member_client)

    assert data["emails_received"]
    assert all(
        set(mail) == {"subject", "status", "created_at", "sent_at"}
        for mail in data["emails_received"]
    )


def test_download_contains_no_secret(member_client, profile):
    response, _data = download(member_client)

    text = response.content.decode()
    assert TOTP_SECRET not in text
    assert profile.password not in text
    assert "password" not in json.loads(text)["profile"]


def test_download_contains_nothing_about_another_member(member_client, profile, someone_else):
    # The other member has mail too.
    Client().post(reverse("account_reset_password"), {"email": someone_else.email})

    response, _data = download(member_client)

    text = response.content.decode()
    assert CANARY not in text
    assert "dominique" not in text.lower()


def test_personal_data_page_links_to_download(member_client):
    response = member_client.get(reverse("accounts:personal_data"))
    assert response.status_code == 200
    assert f'href="{DOWNLOAD}"' in response.content.decode()


@pytest.mark.parametrize("name", ["accounts:personal_data", "accounts:personal_data_download"])
def test_anonymous_is_sent_to_login(client, user, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert b"camille" not in response.content
