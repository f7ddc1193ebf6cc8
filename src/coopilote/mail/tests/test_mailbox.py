"""The local mailbox: staff only, and only when mail is kept locally."""

from __future__ import annotations

import pytest
from django.core.mail import send_mail
from django.urls import reverse

from coopilote.mail.models import OutboxMessage

pytestmark = pytest.mark.django_db

BODY = (
    "Confirm your address: https://coopilote.example/accounts/confirm/abc123/\n"
    "<script>alert('x')</script>"
)


@pytest.fixture
def messages(settings):
    settings.MAIL_TRANSPORT = "mailbox"
    send_mail("Confirm your address", BODY, None, ["camille@example.org"])
    send_mail("Reset your password", "Reset it here.", None, ["dominique@example.org"])
    return list(OutboxMessage.objects.order_by("pk"))


def test_mailbox_redirects_anonymous_visitors_to_login(client, messages):
    response = client.get(reverse("mail:mailbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("mail:mailbox_message", args=[messages[0].pk])).status_code == 404


def test_mailbox_is_404_for_a_logged_in_member_who_is_not_staff(client, user, messages):
    client.force_login(user)

    assert client.get(reverse("mail:mailbox")).status_code == 404
    assert client.get(reverse("mail:mailbox_message", args=[messages[0].pk])).status_code == 404


def test_mailbox_lists_every_subject_for_staff(client, staff_user, messages):
    client.force_login(staff_user)

    response = client.get(reverse("mail:mailbox"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm your address" in page
    assert "Reset your password" in page
    assert reverse("mail:mailbox_message", args=[messages[0].pk]) in page


def test_mailbox_message_shows_the_body_with_clickable_links_and_escapes_html(
    client, staff_user, messages
):
    client.force_login(staff_user)

    response = client.get(reverse("mail:mailbox_message", args=[messages[0].pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="https://coopilote.example/accounts/confirm/abc123/"' in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_mailbox_is_404_even_for_staff_when_mail_goes_out_by_smtp(
    client, staff_user, messages, settings
):
    settings.MAIL_TRANSPORT = "smtp"
    client.force_login(staff_user)

    assert client.get(reverse("mail:mailbox")).status_code == 404
    assert client.get(reverse("mail:mailbox_message", args=[messages[0].pk])).status_code == 404
    client.logout()
    assert client.get(reverse("mail:mailbox")).status_code == 404
