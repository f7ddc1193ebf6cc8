"""Optional emails carry a one-click unsubscribe link; essential ones cannot be turned off."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from coopilote.mail.actions import subscription_set
from coopilote.mail.delivery import deliver
from coopilote.mail.models import EmailSubscription, OutboxMessage
from coopilote.mail.preferences import (
    UNSUBSCRIBE_SALT,
    is_subscribed,
    kinds,
    unsubscribe_token,
)
from coopilote.mail.sending import send_to_user
from coopilote.mail.tests.smtp import RefusingHandler

pytestmark = pytest.mark.django_db


def send_tips(user) -> bool:
    return send_to_user(user=user, kind="tips", template="mail/welcome_tips")


def unsubscribe_path(message: OutboxMessage) -> str:
    url = message.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(settings.SITE_URL + "/")
    return url.removeprefix(settings.SITE_URL)


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser without a token, or a mail client, would."""
    return Client(enforce_csrf_checks=True)


def test_tips_mail_has_list_unsubscribe_headers_and_the_link_in_its_body(user, smtp_server):
    server = smtp_server(RefusingHandler(refusals=0))

    assert send_tips(user) is True
    message = OutboxMessage.objects.get()
    assert message.kind == "tips"
    assert message.recipient_user == user
    url = message.headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^>]+/mail/unsubscribe/[^/>]+/>", url)
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.strip("<>") in message.body_text

    # The headers survive the trip through a real SMTP server.
    assert deliver(message.pk, now=timezone.now()) == "sent"
    received = message_from_bytes(server.accepted[0].original_content, policy=policy.default)
    assert received["List-Unsubscribe"] == url
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_essential_account_mail_has_no_unsubscribe_header(user):
    assert send_to_user(user=user, kind="account", template="mail/welcome_tips") is True
    message = OutboxMessage.objects.get()
    assert message.kind == "account"
    assert "List-Unsubscribe" not in message.headers


def test_get_on_unsubscribe_link_only_asks_for_confirmation(user, csrf_client):
    send_tips(user)
    path = unsubscribe_path(OutboxMessage.objects.get())

    response = csrf_client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<form method="post" action="' + re.escape(path) + '"', page)
    assert not EmailSubscription.objects.exists()
    assert is_subscribed(user, "tips") is True


def test_one_click_post_unsubscribes_without_login_or_csrf_token_and_is_idempotent(
    user, csrf_client
):
    send_tips(user)
    path = unsubscribe_path(OutboxMessage.objects.get())

    first = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert first.status_code == 200
    assert is_subscribed(user, "tips") is False
    second = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert second.status_code == 200
    assert is_subscribed(user, "tips") is False
    assert EmailSubscription.objects.filter(user=user, kind="tips", subscribed=False).count() == 1

    assert send_tips(user) is False
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda token: token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"), id="sig"
        ),
        pytest.param(lambda token: "x" + token, id="prefix"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(
            lambda token: signing.dumps({"u": 1, "k": "tips"}, salt="another-salt"), id="salt"
        ),
        pytest.param(
            lambda token: signing.dumps({"u": 1, "k": "tips"}, key="x" * 50, salt=UNSUBSCRIBE_SALT),
            id="key",
        ),
    ],
)
def test_forged_or_tampered_unsubscribe_token_shows_404_and_changes_nothing(
    user, csrf_client, forge
):
    token = forge(unsubscribe_token(user, "tips"))
    path = reverse("mail:unsubscribe", args=[token])

    assert csrf_client.get(path).status_code == 404
    response = csrf_client.post(path)
    assert response.status_code == 404
    with translation.override(response["Content-Language"]):
        assert translation.gettext("This link does not work") in response.content.decode()
    assert not EmailSubscription.objects.exists()
    assert is_subscribed(user, "tips") is True


def test_unsubscribe_link_of_a_deleted_account_is_404(user, csrf_client):
    path = reverse("mail:unsubscribe", args=[unsubscribe_token(user, "tips")])
    user.deleted_at = timezone.now()
    user.save(update_fields=["deleted_at"])

    assert csrf_client.post(path).status_code == 404
    assert not EmailSubscription.objects.exists()


def test_essential_account_mail_can_never_be_unsubscribed(user, client, csrf_client):
    # Not through a signed link, even one made with the site key...
    path = reverse("mail:unsubscribe", args=[unsubscribe_token(user, "account")])
    assert csrf_client.get(path).status_code == 404
    assert csrf_client.post(path).status_code == 404
    # ...nor through the code, nor through the preferences form.
    subscription_set(actor=user, kind="account", subscribed=False)
    client.force_login(user)
    client.post(reverse("mail:preferences"), {"account": ""})

    assert not EmailSubscription.objects.filter(kind="account").exists()
    assert is_subscribed(user, "account") is True
    assert send_to_user(user=user, kind="account", template="mail/welcome_tips") is True


def test_preferences_page_requires_login(client):
    url = reverse("mail:preferences")

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(url, {"tips": "on"}).status_code == 302
    assert not EmailSubscription.objects.exists()


def test_preferences_page_lists_every_kind_and_saves_choices(user, client):
    client.force_login(user)
    url = reverse("mail:preferences")

    page = client.get(url).content.decode()
    with translation.override(user.language):
        for kind in kinds():
            assert str(kind.label) in page
            assert f'name="{kind.key}"' in page
    assert re.search(r'name="account"[^>]*checked[^>]*disabled', page)
    assert re.search(r'name="tips"[^>]*checked', page)

    response = client.post(url, {})  # every optional box unticked
    assert response.status_code == 302
    assert is_subscribed(user, "tips") is False
    assert is_subscribed(user, "account") is True
    page = client.get(url).content.decode()
    assert not re.search(r'name="tips"[^>]*checked', page)
    assert send_tips(user) is False

    client.post(url, {"tips": "on"})
    assert is_subscribed(user, "tips") is True
    assert send_tips(user) is True
