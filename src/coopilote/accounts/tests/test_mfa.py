"""Optional TOTP second factor: activation with a real code, then required at login."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_activating_totp_with_a_valid_code_then_login_asks_for_the_code(client, user, password):
    login(client, user.email, password)
    # Turning on a second factor asks for the password again, even right after logging in.
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": password})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.post(reverse("account_logout"))
    step_one = login(client, user.email, password)
    assert step_one.status_code == 302
    assert step_one["Location"] == reverse("mfa_authenticate")
    # Between the password and the code, the person is not logged in yet.
    assert client.get(reverse("accounts:profile")).status_code == 302

    step_two = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert step_two.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_the_security_page_offers_the_second_factor_in_french(client, user, password):
    login(client, user.email, password)
    response = client.get(reverse("mfa_index"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert "Authentification à deux facteurs" in response.content.decode()
