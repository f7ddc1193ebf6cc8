"""REL-T19: a save sent after the session has ended loses nothing; the text comes back after
logging in again, in the form and as the person's draft."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.tools.wiki.models import Draft, Page, Revision
from coopilote.tools.wiki.tests.helpers import form_values, messages_of

pytestmark = pytest.mark.django_db

RESTORED = (
    "Your session had ended when you saved: your text was not saved yet. "
    "It is back in the form below: check it and save again."
)


def log_in(client: Client, email: str, password: str, next_path: str = "") -> str:
    """Log in through allauth's real form; the address it sends the browser to."""
    data = {"login": email, "password": password}
    if next_path:
        data["next"] = next_path
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def end_session(client: Client) -> None:
    """The session ends on the server (expired, or logged out elsewhere); the browser still
    sends its old cookie and the form it has on screen."""
    Session.objects.filter(session_key=client.session.session_key).delete()


@pytest.fixture
def member(wiki_space, add_page, password):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], title="Compte rendu")
    client = Client()
    log_in(client, clients.users["member"].email, password)
    return space, page, client, clients.users["member"]


def test_a_save_after_the_session_ended_comes_back_in_the_form_after_login(member, password):
    space, page, client, user = member
    edit = reverse("wiki:edit", args=[space.slug, page.slug])
    sent = form_values(client.get(edit))
    sent.update(body="# Compte rendu\n\nÉcrit pendant une heure.\n", comment="Notes du jour")
    end_session(client)

    response = client.post(edit, sent)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == [edit]
    assert Revision.objects.filter(page=page).count() == 1  # nothing saved anonymously
    assert not Draft.objects.exists()

    assert log_in(client, user.email, password, next_path=edit) == edit
    back = client.get(edit)
    assert back.status_code == 200
    values = form_values(back)
    assert values["body"] == sent["body"]
    assert values["comment"] == "Notes du jour"
    assert str(values["base_number"]) == "1"
    assert fr(RESTORED) in messages_of(back)
    (draft,) = Draft.objects.filter(user=user, page=page)
    assert draft.body == sent["body"]
    # Saving it again works like any save, and the text is given back only once.
    client.post(edit, values)
    assert Page.objects.get(pk=page.pk).current.body == sent["body"]
    again = client.get(edit)
    assert fr(RESTORED) not in messages_of(again)
    assert form_values(again)["body"] == sent["body"]


def test_the_kept_text_is_given_back_only_on_the_form_it_was_sent_from(member, add_page, password):
    space, page, client, user = member
    other = add_page(space, user, title="Autre page", body="Autre texte.\n")
    edit = reverse("wiki:edit", args=[space.slug, page.slug])
    sent = form_values(client.get(edit))
    sent["body"] = "Mon texte à garder.\n"
    end_session(client)
    client.post(edit, sent)
    log_in(client, user.email, password)

    elsewhere = client.get(reverse("wiki:edit", args=[space.slug, other.slug]))
    assert form_values(elsewhere)["body"] == "Autre texte.\n"
    assert fr(RESTORED) not in messages_of(elsewhere)
    assert form_values(client.get(edit))["body"] == "Mon texte à garder.\n"


def test_a_new_page_sent_after_the_session_ended_comes_back_after_login(member, password):
    space, _page, client, user = member
    create = reverse("wiki:create", args=[space.slug])
    sent = form_values(client.get(create))
    sent.update(title="Fiche projet", body="Notre projet de recyclerie.\n")
    end_session(client)

    response = client.post(create, sent)

    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert not Page.objects.filter(title="Fiche projet").exists()
    log_in(client, user.email, password, next_path=create)
    back = client.get(create)
    values = form_values(back)
    assert (values["title"], values["body"]) == ("Fiche projet", "Notre projet de recyclerie.\n")
    assert fr(RESTORED) in messages_of(back)
    assert Draft.objects.get(user=user, page=None).body == "Notre projet de recyclerie.\n"
