"""Fixtures for the account tests: mail written to the real outbox, members logged in for real."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def login(password):
    """Log in through allauth's real form, so that its signals and user sessions run."""

    def do(client, email: str, secret: str | None = None, **extra):
        response = client.post(
            reverse("account_login"),
            {"login": email, "password": secret or password},
            **extra,
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert "_auth_user_id" in client.session
        return response

    return do


@pytest.fixture
def member_client(client, user, login):
    login(client, user.email)
    return client
