"""Sign-up, address verification, password reset and email change through allauth's real views."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.models import User
from coopilote.accounts.tests.helpers import (
    error_texts,
    in_french,
    link_in,
    mails_to,
    normalise,
    path_of,
)
from coopilote.mail.models import OutboxMessage

pytestmark = pytest.mark.django_db

NEW = "nouvelle@example.org"
CONFIRM_PREFIX = "/accounts/confirm-email/"
RESET_PREFIX = "/accounts/password/reset/key/"
EXPIRED_LINK_MESSAGE = (
    "This email confirmation link expired or is invalid. Please "
    '<a href="%(email_url)s">issue a new email confirmation request</a>.'
)
BAD_RESET_TOKEN_MESSAGE = (
    "The password reset link was invalid, possibly because it has already been used.  "
    'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
)


def signup(client: Client, email: str, password: str):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def confirmation_path(email: str) -> str:
    mails = mails_to(email)
    assert mails, f"no mail to {email}"
    return path_of(link_in(mails[-1].body_text, CONFIRM_PREFIX))


def expired_link_message() -> str:
    return in_french(EXPIRED_LINK_MESSAGE) % {"email_url": reverse("account_email")}


# --- sign-up and verification ----------------------------------------------------------------


def test_signup_puts_verification_mail_with_site_url_link_in_outbox(client, password):
    response = signup(client, NEW, password)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email=NEW)
    assert EmailAddress.objects.get(user=user).verified is False
    mails = mails_to(NEW)
    assert len(mails) == 1
    mail = mails[0]
    assert mail.status == OutboxMessage.Status.PENDING
    assert mail.kind == "account"
    assert mail.recipient_user == user
    assert mail.subject.startswith("[Coopilote] ")
    link = link_in(mail.body_text, CONFIRM_PREFIX)
    assert link.startswith(f"{settings.SITE_URL}{CONFIRM_PREFIX}")
    assert "testserver" not in link


def test_confirmation_link_needs_post_then_verifies_address_and_login_works(
    client, password, login
):
    signup(client, NEW, password)
    path = confirmation_path(NEW)

    page = client.get(path)
    assert page.status_code == 200
    assert NEW in page.content.decode()
    assert EmailAddress.objects.get(email=NEW).verified is False  # GET alone changes nothing

    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=NEW).verified is True

    fresh = Client()
    login(fresh, NEW)
    profile = fresh.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert NEW in profile.content.decode()


def test_login_before_verification_gives_no_session_on_protected_pages(client, password):
    signup(client, NEW, password)
    other = Client()

    response = other.post(reverse("account_login"), {"login": NEW, "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in other.session
    profile = other.get(reverse("accounts:profile"))
    assert profile.status_code == 302
    assert profile["Location"].startswith(reverse("account_login"))


def test_expired_confirmation_link_shows_clear_message_and_verifies_nothing(client, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signup(client, NEW, password)
        path = confirmation_path(NEW)

    later = start + dt.timedelta(days=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        page = client.get(path)
        post = client.post(path)

    assert page.status_code == 200
    assert expired_link_message() in page.content.decode()
    assert post.status_code == 404
    assert EmailAddress.objects.get(email=NEW).verified is False
    assert "_auth_user_id" not in client.session


def test_confirmation_link_still_works_just_before_expiry(client, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signup(client, NEW, password)
        path = confirmation_path(NEW)
    almost = start + dt.timedelta(days=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS, minutes=-1)
    with time_machine.travel(almost, tick=False):
        response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=NEW).verified is True


def test_reused_confirmation_link_shows_clear_message_and_changes_nothing(client, password):
    signup(client, NEW, password)
    path = confirmation_path(NEW)
    assert client.post(path).status_code == 302
    address = EmailAddress.objects.get(email=NEW)
    before = (address.pk, address.verified, address.primary, address.user_id)
    mail_count = OutboxMessage.objects.count()

    again = Client()
    page = again.get(path)
    post = again.post(path)

    assert page.status_code == 200
    assert expired_link_message() in page.content.decode()
    assert post.status_code == 404
    address.refresh_from_db()
    assert (address.pk, address.verified, address.primary, address.user_id) == before
    assert EmailAddress.objects.filter(email=NEW).count() == 1
    assert OutboxMessage.objects.count() == mail_count
    assert "_auth_user_id" not in again.session


def test_signup_with_existing_address_looks_like_a_new_one(user, password):
    new_client, existing_client = Client(), Client()

    new_response = signup(new_client, NEW, password)
    existing_response = signup(existing_client, user.email, "another-long-passphrase-77")

    assert existing_response.status_code == new_response.status_code == 302
    assert existing_response["Location"] == new_response["Location"]
    new_page = new_client.get(new_response["Location"])
    existing_page = existing_client.get(existing_response["Location"])
    assert existing_page.status_code == new_page.status_code == 200
    assert normalise(existing_page.content.decode(), user.email) == normalise(
        new_page.content.decode(), NEW
    )


def test_signup_with_existing_address_warns_owner_and_changes_nothing(user, password):
    before = User.objects.count()

    signup(Client(), user.email, "another-long-passphrase-77")

    assert User.objects.count() == before
    user.refresh_from_db()
    assert user.check_password(password)
    assert EmailAddress.objects.filter(email=user.email).count() == 1
    mails = mails_to(user.email)
    assert len(mails) == 1
    assert in_french("Account Already Exists") in mails[0].subject
    assert CONFIRM_PREFIX not in mails[0].body_text
    # Every link in an account mail points at the configured site, never the request's host.
    assert "testserver" not in mails[0].body_text
    assert link_in(mails[0].body_text, reverse("account_reset_password"))


@pytest.mark.parametrize(
    "address",
    [
        "pas-une-adresse",
        "camille@",
        "@example.org",
        "camille@@example.org",
        "camille dupont@example.org",
        "camille@example..org",
        "<script>@example.org",
        "camille@example.org\nBcc: victim@example.org",
        "",
    ],
)
def test_signup_with_malformed_address_shows_form_error_and_creates_nothing(
    client, password, address
):
    response = signup(client, address, password)

    assert response.status_code == 200
    assert error_texts(response.content.decode())
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_signup_language_follows_the_interface_language(client, password):
    client.post(
        reverse("account_signup"),
        {"email": NEW, "password1": password, "password2": password},
        headers={"accept-language": "en"},
    )
    assert User.objects.get(email=NEW).language == "en"


# --- password reset --------------------------------------------------------------------------


def test_password_reset_for_unknown_address_looks_like_known_and_sends_nothing(user):
    unknown = "inconnu@example.org"
    known_client, unknown_client = Client(), Client()

    known = known_client.post(reverse("account_reset_password"), {"email": user.email})
    other = unknown_client.post(reverse("account_reset_password"), {"email": unknown})

    assert known.status_code == other.status_code == 302
    assert known["Location"] == other["Location"]
    known_page = known_client.get(known["Location"])
    other_page = unknown_client.get(other["Location"])
    assert normalise(known_page.content.decode(), user.email) == normalise(
        other_page.content.decode(), unknown
    )
    assert len(mails_to(user.email)) == 1
    assert mails_to(unknown) == []


def test_password_reset_link_uses_site_url_and_works_only_once(client, user, password, login):
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = link_in(mails_to(user.email)[-1].body_text, RESET_PREFIX)
    new_password = "une-toute-nouvelle-phrase-de-passe"

    step = client.get(path_of(link))
    assert step.status_code == 302
    done = client.post(step["Location"], {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)

    second = Client()
    page = second.get(path_of(link))
    assert page.status_code == 200
    bad_token = in_french(BAD_RESET_TOKEN_MESSAGE) % {
        "passwd_reset_url": reverse("account_reset_password")
    }
    assert bad_token in page.content.decode()
    attempt = second.post(path_of(link), {"password1": "x" * 20, "password2": "x" * 20})
    assert attempt.status_code == 200
    user.refresh_from_db()
    assert user.check_password(new_password)
    login(Client(), user.email, new_password)


# --- managing a logged-in account ------------------------------------------------------------


def test_change_password_replaces_password_and_notifies(member_client, user, password, login):
    new_password = "une-autre-phrase-bien-longue-9"

    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": new_password, "password2": new_password},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(password)
    assert "_auth_user_id" in member_client.session  # still logged in on this device
    assert mails_to(user.email), "a security notice is sent"
    login(Client(), user.email, new_password)


def test_change_password_with_wrong_current_password_changes_nothing(member_client, user, password):
    response = member_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "not-the-password-at-all",
            "password1": "une-autre-phrase-bien-longue-9",
            "password2": "une-autre-phrase-bien-longue-9",
        },
    )
    assert response.status_code == 200
    assert error_texts(response.content.decode())
    user.refresh_from_db()
    assert user.check_password(password)


def test_change_email_verifies_new_address_then_replaces_old(member_client, user, login):
    old = user.email

    response = member_client.post(reverse("account_email"), {"email": NEW, "action_add": ""})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == old  # nothing changes until the new address is verified
    path = confirmation_path(NEW)
    assert member_client.post(path).status_code == 302
    user.refresh_from_db()
    assert user.email == NEW
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        (NEW, True)
    ]
    login(Client(), NEW)
