"""Invitees open their link, sign up or log in, accept or decline; every bad link is explained."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.models import User
from coopilote.accounts.tests.helpers import in_french, link_in, mails_to, path_of
from coopilote.spaces import actions, handlers
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Invitation, InvitationStatus, Membership

pytestmark = pytest.mark.django_db

INVITEE = "invitee@example.org"


@pytest.fixture
def space_and_owner(make_space, make_user):
    owner = make_user("hote@example.org", display_name="Hélène Hôte")
    space = make_space("Réseau Eau", owner=owner, visibility="secret")
    return space, owner


def invite(space, owner, email: str = INVITEE, role: str = "member", **fields) -> str:
    """Send through the real action; the path of the link in the mail."""
    actions.invitations_send(
        access=access_for(space, owner),
        rows=[actions.InvitationRow(email=email, name=fields.get("name", ""), role=role)],
        message=fields.get("message", ""),
    )
    return path_of(link_in(mails_to(email)[-1].body_text, "/invitations/"))


def login(client: Client, email: str, password: str, next_url: str = ""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def member_role(space, user):
    return Membership.objects.filter(space=space, user=user).values_list("role", flat=True).first()


# --- people without an account ---------------------------------------------------------------


def test_someone_without_account_signs_up_from_the_link_and_lands_in_the_space(
    space_and_owner, password
):
    space, owner = space_and_owner
    link = invite(
        space, owner, role="observer", message="Bienvenue <parmi> nous", name="Alix Nouvelle"
    )
    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert space.name in html
    assert "Hélène Hôte" in html
    assert "Bienvenue &lt;parmi&gt; nous" in html
    assert client.session[handlers.SESSION_KEY]
    signup_link = page.context["signup_url"]
    query = parse_qs(urlsplit(signup_link).query)
    assert query == {"email": [INVITEE], "next": [link]}
    form = client.get(signup_link)
    assert form.status_code == 200
    assert f'value="{INVITEE}"' in form.content.decode()

    response = client.post(
        signup_link, {"email": INVITEE, "password1": password, "password2": password}
    )
    # No confirmation mail to wait for: the link proved the address.
    assert response.status_code == 302
    assert response["Location"] == link
    user = User.objects.get(email=INVITEE)
    assert EmailAddress.objects.get(user=user).verified is True
    assert member_role(space, user) == "observer"
    # The name the facilitator typed becomes the newcomer's display name.
    assert user.display_name == "Alix Nouvelle"
    assert Invitation.objects.get().status == InvitationStatus.ACCEPTED

    landing = client.get(link)
    assert landing.status_code == 302
    assert landing["Location"] == space.get_absolute_url()
    welcome = client.get(landing["Location"])
    assert welcome.status_code == 200
    assert in_french(
        "Welcome to “%(space)s”! You are now %(role)s.",
        space=space.name,
        role=in_french("observer"),
    ) in welcome.content.decode().replace("&#x27;", "'")
    # Single use: the same link opened by anyone else now explains it was used.
    assert Client().get(link).status_code == 410


def test_signing_up_with_another_address_verifies_nothing_and_joins_nothing(
    space_and_owner, password
):
    space, owner = space_and_owner
    link = invite(space, owner)
    client = Client()
    signup_link = client.get(link).context["signup_url"]
    response = client.post(
        signup_link,
        {"email": "autre@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="autre@example.org")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("autre@example.org", False)
    ]
    assert not EmailAddress.objects.filter(email=INVITEE).exists()
    assert member_role(space, user) is None
    assert Invitation.objects.get().status == InvitationStatus.PENDING


# --- people with an account -------------------------------------------------------------------


def test_someone_with_an_account_logs_in_from_the_link_and_accepts(
    space_and_owner, make_user, password
):
    space, owner = space_and_owner
    invitee = make_user(INVITEE)
    link = invite(space, owner, role="facilitator")
    client = Client()
    login_link = client.get(link).context["login_url"]
    response = client.post(login_link, {"login": INVITEE, "password": password})
    assert response.status_code == 302
    assert response["Location"] == link
    page = client.get(link)
    assert page.status_code == 200
    assert 'value="accept"' in page.content.decode()
    assert member_role(space, invitee) is None
    response = client.post(link, {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"] == space.get_absolute_url()
    assert member_role(space, invitee) == "facilitator"
    assert client.get(link).status_code == 302  # already theirs: straight to the space


def test_declining_from_the_link_leaves_no_membership_and_the_link_then_says_so(
    space_and_owner, make_user
):
    space, owner = space_and_owner
    invitee = make_user(INVITEE)
    link = invite(space, owner)
    client = Client()
    client.force_login(invitee)
    response = client.post(link, {"answer": "decline"})
    assert response.status_code == 302
    assert Invitation.objects.get().status == InvitationStatus.DECLINED
    assert member_role(space, invitee) is None
    again = client.get(link)
    assert again.status_code == 410
    assert "Hélène Hôte" in again.content.decode()
    assert client.post(link, {"answer": "accept"}).status_code == 410
    assert member_role(space, invitee) is None


def test_someone_logged_in_with_another_address_is_told_and_cannot_accept(
    space_and_owner, make_user
):
    space, owner = space_and_owner
    other = make_user("autre@example.org")
    make_user(INVITEE, verified=False)
    link = invite(space, owner)
    client = Client()
    client.force_login(other)
    page = client.get(link)
    assert page.status_code == 403
    html = page.content.decode()
    assert INVITEE in html
    assert reverse("account_email") in html
    assert 'value="accept"' not in html
    response = client.post(link, {"answer": "accept"})
    assert response.status_code == 403
    assert member_role(space, other) is None
    assert Invitation.objects.get().status == InvitationStatus.PENDING


def test_an_unverified_address_is_not_enough_to_accept(space_and_owner, make_user):
    space, owner = space_and_owner
    invitee = make_user(INVITEE, verified=False)
    link = invite(space, owner)
    client = Client()
    client.force_login(invitee)
    assert client.post(link, {"answer": "accept"}).status_code == 403
    assert member_role(space, invitee) is None


def test_anonymous_answers_are_sent_to_the_login_page(space_and_owner):
    space, owner = space_and_owner
    link = invite(space, owner)
    response = Client().post(link, {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Invitation.objects.get().status == InvitationStatus.PENDING


# --- links that no longer work ------------------------------------------------------------------


def test_a_forged_link_gets_a_clear_404(space_and_owner):
    space, owner = space_and_owner
    invite(space, owner)
    response = Client().get(reverse("spaces:invitation", args=["forged-token-123"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert in_french("This invitation link does not work") in html
    assert space.name not in html


def test_an_expired_link_names_the_inviter_to_ask(space_and_owner, make_user, time_machine):
    space, owner = space_and_owner
    invitee = make_user(INVITEE)
    link = invite(space, owner)
    time_machine.move_to(timezone.now() + dt.timedelta(days=15))
    response = Client().get(link)
    assert response.status_code == 410
    assert "Hélène Hôte" in response.content.decode()
    client = Client()
    client.force_login(invitee)
    assert client.post(link, {"answer": "accept"}).status_code == 410
    assert member_role(space, invitee) is None


def test_a_revoked_link_and_a_closed_space_are_explained(space_and_owner):
    space, owner = space_and_owner
    link = invite(space, owner)
    second = invite(space, owner, "deux@example.org")
    invitation = Invitation.objects.get(email=INVITEE)
    actions.invitation_revoke(access=access_for(space, owner), invitation_id=invitation.pk)
    response = Client().get(link)
    assert response.status_code == 410
    assert response.context["reason"] == "revoked"
    actions.space_set_status(access=access_for(space, owner), status="archived")
    response = Client().get(second)
    assert response.status_code == 410
    assert response.context["reason"] == "space_not_open"


def test_a_used_link_cannot_be_used_again_by_someone_else(space_and_owner, make_user):
    space, owner = space_and_owner
    invitee = make_user(INVITEE)
    link = invite(space, owner)
    first = Client()
    first.force_login(invitee)
    assert first.post(link, {"answer": "accept"}).status_code == 302
    intruder = make_user("intrus@example.org")
    client = Client()
    client.force_login(intruder)
    response = client.get(link)
    assert response.status_code == 410
    assert response.context["reason"] == "used"
    assert client.post(link, {"answer": "accept"}).status_code == 410
    assert member_role(space, intruder) is None


# --- the home page's buttons -------------------------------------------------------------------


def test_home_page_invitations_can_be_accepted_and_declined(make_space, make_user):
    owner = make_user("hote@example.org")
    invitee = make_user(INVITEE)
    first = make_space("Premier", owner=owner)
    second = make_space("Second", owner=owner)
    invite(first, owner, role="observer")
    invite(second, owner)
    client = Client()
    client.force_login(invitee)
    home = client.get(reverse("home")).content.decode()
    assert "Premier" in home and "Second" in home
    one = Invitation.objects.get(space=first)
    two = Invitation.objects.get(space=second)
    response = client.post(reverse("spaces:invitation_answer", args=[one.pk]), {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"] == first.get_absolute_url()
    assert member_role(first, invitee) == "observer"
    response = client.post(
        reverse("spaces:invitation_answer", args=[two.pk]), {"answer": "decline"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get(pk=two.pk).status == InvitationStatus.DECLINED
    assert member_role(second, invitee) is None
    home = client.get(reverse("home")).content.decode()
    assert reverse("spaces:invitation_answer", args=[two.pk]) not in home


def test_home_page_answers_only_work_for_the_invited_person(make_space, make_user):
    owner = make_user("hote@example.org")
    make_user(INVITEE)
    other = make_user("autre@example.org")
    space = make_space("Premier", owner=owner)
    invite(space, owner)
    invitation = Invitation.objects.get()
    url = reverse("spaces:invitation_answer", args=[invitation.pk])
    client = Client()
    client.force_login(other)
    assert client.post(url, {"answer": "accept"}).status_code == 404
    assert client.get(url).status_code == 405
    assert Client().post(url, {"answer": "accept"}).status_code == 302  # to the login page
    assert member_role(space, other) is None
    assert Invitation.objects.get().status == InvitationStatus.PENDING


def test_the_invitation_mail_is_plain_text_with_the_names_as_written(space_and_owner):
    space, owner = space_and_owner
    invite(space, owner, name="Zoé <Z>", message="Venez & voyez")
    [mail] = mails_to(INVITEE)
    assert mail.body_html == ""
    assert "Zoé <Z>" in mail.body_text
    assert "Venez & voyez" in mail.body_text
    assert "&amp;" not in mail.body_text
