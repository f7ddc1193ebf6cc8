"""Logging in and out: rate limit, no account enumeration, session handling."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from coopilote.accounts.tests.helpers import error_texts, in_french, normalise

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
WRONG = "pas-le-bon-mot-de-passe"


def attempt(client: Client, email: str, secret: str, ip: str = "203.0.113.7"):
    return client.post(LOGIN, {"login": email, "password": secret}, REMOTE_ADDR=ip)


def test_seventh_login_attempt_after_six_failures_is_refused_with_429_even_if_correct(
    client, user, password
):
    for _ in range(6):
        response = attempt(client, user.email, WRONG)
        assert response.status_code == 200
        assert error_texts(response.content.decode())

    refused = attempt(client, user.email, password)

    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_failures_on_unknown_addresses_count_towards_the_same_ip_limit(
    client, user, password
):
    for i in range(6):
        assert attempt(client, f"personne{i}@example.org", WRONG).status_code == 200

    assert attempt(client, user.email, password).status_code == 429


def test_login_rate_limit_is_per_address_of_origin(client, user, password, login):
    for _ in range(6):
        attempt(client, user.email, WRONG)
    assert attempt(client, user.email, password).status_code == 429

    other = Client()
    response = attempt(other, user.email, password, ip="198.51.100.20")

    assert response.status_code == 302
    assert "_auth_user_id" in other.session


def test_successful_logins_do_not_use_up_the_failure_allowance(client, user, password):
    for _ in range(8):
        response = attempt(Client(), user.email, password)
        assert response.status_code == 302


def test_wrong_password_on_known_address_answers_like_unknown_address(user):
    unknown = "inconnue@example.org"

    known = attempt(Client(), user.email, WRONG)
    other = attempt(Client(), unknown, WRONG)

    assert known.status_code == other.status_code == 200
    errors = error_texts(known.content.decode())
    assert errors
    assert errors == error_texts(other.content.decode())
    assert in_french("The email address and/or password you specified are not correct.") in errors
    assert normalise(known.content.decode(), user.email) == normalise(
        other.content.decode(), unknown
    )


def test_session_key_rotates_on_login(client, user, login):
    session = client.session
    session["before_login"] = "yes"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    old_key = session.session_key

    login(client, user.email)

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert Session.objects.filter(session_key=new_key).exists()
    assert UserSession.objects.filter(user=user, session_key=new_key).exists()


def test_logout_by_post_ends_the_session(member_client, user):
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert member_client.get(reverse("accounts:profile")).status_code == 200

    response = member_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    after = member_client.get(reverse("accounts:profile"))
    assert after.status_code == 302
    assert after["Location"].startswith(LOGIN)
    # Replaying the old cookie does not bring the session back.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("accounts:profile")).status_code == 302


def test_logout_by_get_only_asks_for_confirmation(member_client):
    response = member_client.get(reverse("account_logout"))

    assert response.status_code == 200
    assert "_auth_user_id" in member_client.session
    assert member_client.get(reverse("accounts:profile")).status_code == 200
