"""Hostile and broken input: refused with a clear message that keeps the text, or neutralised.

SEC-T23 payloads in titles, bodies and comments; huge pages; empty and duplicate titles.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from coopilote.accounts.tests.helpers import error_texts
from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.tools.wiki.models import Page, Revision
from coopilote.tools.wiki.tests.helpers import form_values, state
from coopilote.tools.wiki.tests.xss_corpus import CORPUS, SEC_T23, problems

pytestmark = pytest.mark.django_db

MARKUP = "HTML tags are not accepted here; please write plain text."


def create_form(client, space) -> tuple[str, dict]:
    url = reverse("wiki:create", args=[space.slug])
    return url, form_values(client.get(url))


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_body_is_saved_but_never_executes_in_the_page(wiki_space, name):
    space, clients = wiki_space("members")
    url, form = create_form(clients["member"], space)
    payload = CORPUS[name]
    response = clients["member"].post(
        url, {**form, "title": "Piège", "body": f"Avant\n\n{payload}\n\nAprès"}
    )
    assert response.status_code == 302
    page = Page.objects.get(space=space)
    assert problems(Revision.objects.get(pk=page.current_id).html) == []
    html = clients["observer"].get(response["Location"]).content.decode()
    body = html.split('<div class="wiki-body">', 1)[1].split("</article>", 1)[0]
    assert problems(body) == [], name


@pytest.mark.parametrize("name", list(SEC_T23))
def test_a_hostile_title_or_comment_is_refused_and_the_text_kept(wiki_space, name):
    space, clients = wiki_space("members")
    url, form = create_form(clients["member"], space)
    payload = SEC_T23[name]
    before = state()
    for field in ("title", "comment"):
        values = {**form, "title": "Charte", "body": "Mon texte", field: payload}
        response = clients["member"].post(url, values)
        if "<" in payload:
            assert response.status_code == 400, (field, name)
            assert response.context["form"].errors[field] == [fr(MARKUP)]
            assert "Mon texte" in response.content.decode()
            assert payload not in response.content.decode()  # shown back escaped
            assert state() == before
        else:  # "[a](javascript:…)" is only words in a plain-text title: shown as text
            assert response.status_code == 302
            Page.objects.all().delete()
            before = state()


def test_a_page_over_the_size_limit_is_refused_with_its_text_kept(wiki_space, settings):
    settings.WIKI_MAX_PAGE_CHARS = 1000
    space, clients = wiki_space("members")
    url, form = create_form(clients["member"], space)
    before = state()
    text = "Un long compte rendu. " * 60
    response = clients["member"].post(url, {**form, "title": "Long", "body": text})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["body"]
    assert "1\u202f000" in message and "1\u202f319" in message
    assert any("1\u202f000" in error for error in error_texts(response.content.decode()))
    assert response.context["form"]["body"].value() == text
    assert state() == before
    preview = clients["member"].post(reverse("wiki:preview", args=[space.slug]), {"body": text})
    assert preview.status_code == 400


def test_an_empty_title_is_refused(wiki_space):
    space, clients = wiki_space("members")
    url, form = create_form(clients["member"], space)
    before = state()
    response = clients["member"].post(url, {**form, "title": "   ", "body": "Texte"})
    assert response.status_code == 400
    assert response.context["form"].errors["title"] == [fr("Give the page a title.")]
    assert state() == before


@pytest.mark.parametrize("title", ["Charte", "charte", "CHARTE ", "Chârte", "charte!"])
def test_a_second_page_with_the_same_name_is_refused(wiki_space, add_page, title):
    space, clients = wiki_space("members")
    add_page(space, clients.users["owner"], title="Charte")
    url, form = create_form(clients["member"], space)
    before = state()
    response = clients["member"].post(url, {**form, "title": title, "body": "Autre"})
    assert response.status_code == 400
    assert response.context["form"].errors["title"] == [
        fr("A page named “%(title)s” already exists in this space.", title="Charte")
    ]
    assert state() == before


@pytest.mark.parametrize("title", ["nouvelle page", "Aperçu"])
def test_a_page_named_like_a_route_gets_its_own_address(wiki_space, add_page, title):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], title=title)
    response = clients["member"].get(reverse("wiki:page", args=[space.slug, page.slug]))
    assert response.status_code == 200
    assert response.context["page"] == page


def test_control_characters_are_taken_out_of_texts(wiki_space):
    space, clients = wiki_space("members")
    url, form = create_form(clients["member"], space)
    clients["member"].post(url, {**form, "title": "Ch\u202earte", "body": "a\x07b\r\nc"})
    page = Page.objects.get()
    assert page.title == "Charte"
    assert Revision.objects.get(page=page).body == "ab\nc\n"
