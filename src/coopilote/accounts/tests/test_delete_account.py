"""Deleting one's account: personal data erased at once, the row kept as "former member"."""

from __future__ import annotations

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coopilote.accounts.models import Tag, User
from coopilote.accounts.tests.helpers import error_texts, image_bytes, in_french, upload
from coopilote.mail.actions import subscription_set
from coopilote.mail.models import EmailSubscription, OutboxMessage

pytestmark = pytest.mark.django_db

DELETE = reverse("accounts:delete")
EMAIL = "camille@example.org"
DISPLAY_NAME = "Camille Quelquepart"


@pytest.fixture
def rich_user(user, member_client, password):
    """A member with a bit of everything: profile, tags, second address, 2FA, picture, mail."""
    member_client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": DISPLAY_NAME,
            "bio": "Une bio personnelle",
            "organisation": "Ma structure",
            "place_name": "Nantes",
            "place_latitude": "47.22",
            "place_longitude": "-1.55",
            "skills_text": "facilitation",
            "interests_text": "eau",
            "digital_comfort": "2",
            "language": "fr",
            "avatar_file": upload("moi.png", image_bytes("PNG")),
        },
    )
    user.refresh_from_db()
    assert user.avatar
    EmailAddress.objects.create(user=user, email="camille.pro@example.org", verified=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "X"})
    subscription_set(actor=user, kind="tips", subscribed=False)
    member_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": password + "-b", "password2": password + "-b"},
    )
    member_client.post(
        reverse("account_change_password"),
        {"oldpassword": password + "-b", "password1": password, "password2": password},
    )
    assert OutboxMessage.objects.filter(recipient_user=user).exists()
    user.refresh_from_db()
    return user


def state(user: User) -> dict[str, object]:
    user.refresh_from_db()
    return {
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "avatar": user.avatar,
        "is_active": user.is_active,
        "deleted_at": user.deleted_at,
        "password": user.password,
        "addresses": EmailAddress.objects.filter(user=user).count(),
        "factors": Authenticator.objects.filter(user=user).count(),
        "subscriptions": EmailSubscription.objects.filter(user=user).count(),
        "mail": OutboxMessage.objects.filter(recipient_user=user).count(),
        "skills": user.skills.count(),
    }


def test_delete_page_asks_for_password(member_client):
    response = member_client.get(DELETE)
    assert response.status_code == 200
    assert 'type="password"' in response.content.decode()


def test_wrong_password_is_refused_and_nothing_changes(member_client, rich_user):
    before = state(rich_user)

    response = member_client.post(DELETE, {"password": "pas-le-bon", "confirm": "on"})

    assert response.status_code == 400
    assert in_french("This password is not correct.") in " ".join(
        error_texts(response.content.decode())
    )
    assert state(rich_user) == before
    assert (Path(settings.MEDIA_ROOT) / rich_user.avatar).is_file()
    assert member_client.get(reverse("accounts:profile")).status_code == 200


def test_missing_confirmation_is_refused_and_nothing_changes(member_client, rich_user, password):
    before = state(rich_user)

    response = member_client.post(DELETE, {"password": password})

    assert response.status_code == 400
    assert state(rich_user) == before


def test_deletion_anonymises_and_erases_personal_data(
    member_client, rich_user, password, django_capture_on_commit_callbacks
):
    avatar = Path(settings.MEDIA_ROOT) / rich_user.avatar
    skill_ids = list(rich_user.skills.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(DELETE, {"password": password, "confirm": "on"})

    assert response.status_code == 200
    user = User.objects.get(pk=rich_user.pk)
    assert user.is_deleted
    with translation.override("fr"):
        assert user.public_name == in_french("Former member")
    assert str(user) == user.public_name
    assert user.email == f"former-member-{user.pk}@deleted.invalid"
    for field in ("display_name", "bio", "organisation", "place_name", "avatar"):
        assert getattr(user, field) == ""
    assert user.place_latitude is None
    assert user.place_longitude is None
    assert user.digital_comfort is None
    assert user.is_active is False
    assert not user.has_usable_password()
    assert not user.skills.exists()
    assert not user.interests.exists()
    assert Tag.objects.filter(pk__in=skill_ids).count() == len(skill_ids)  # shared tags stay
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not EmailSubscription.objects.filter(user=user).exists()
    assert not OutboxMessage.objects.filter(recipient_user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not avatar.exists()


def test_deleted_account_leaves_no_trace_of_email_or_name(member_client, rich_user, password):
    member_client.post(DELETE, {"password": password, "confirm": "on"})

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user")
        users = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM account_emailaddress")
        addresses = repr(cursor.fetchall())
        cursor.execute(
            "SELECT COUNT(*) FROM account_emailaddress WHERE LOWER(email) LIKE %s",
            ["%camille%"],
        )
        matching_addresses = cursor.fetchone()[0]
    for trace in (EMAIL, "camille.pro@example.org", DISPLAY_NAME, "Une bio personnelle"):
        assert trace not in users
        assert trace not in addresses
    assert matching_addresses == 0


def test_deletion_ends_the_session_and_login_is_impossible(member_client, user, password, login):
    key = member_client.cookies[settings.SESSION_COOKIE_NAME].value
    other_device = Client()
    login(other_device, EMAIL)
    other_key = other_device.cookies[settings.SESSION_COOKIE_NAME].value

    member_client.post(DELETE, {"password": password, "confirm": "on"})

    assert "_auth_user_id" not in member_client.session
    assert not Session.objects.filter(session_key__in=[key, other_key]).exists()
    for client in (member_client, other_device):
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    attempt = Client().post(reverse("account_login"), {"login": EMAIL, "password": password})
    assert attempt.status_code == 200
    assert error_texts(attempt.content.decode())


def test_deleted_address_can_sign_up_again(member_client, rich_user, password):
    member_client.post(DELETE, {"password": password, "confirm": "on"})

    response = Client().post(
        reverse("account_signup"), {"email": EMAIL, "password1": password, "password2": password}
    )

    assert response.status_code == 302
    fresh = User.objects.get(email=EMAIL)
    assert fresh.pk != rich_user.pk
    assert fresh.display_name == ""


def test_deleting_one_account_leaves_others_alone(member_client, rich_user, password, make_user):
    other = make_user("dominique@example.org", display_name="Dominique")
    other.skills.set(Tag.from_names(["facilitation"]))

    member_client.post(DELETE, {"password": password, "confirm": "on"})

    other.refresh_from_db()
    assert not other.is_deleted
    assert other.email == "dominique@example.org"
    assert other.display_name == "Dominique"
    assert EmailAddress.objects.filter(user=other).count() == 1
    assert list(other.skills.values_list("name", flat=True)) == ["facilitation"]
