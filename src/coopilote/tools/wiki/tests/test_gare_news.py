"""Issue 5, point 7: the gare centrale shows the pages changed last on the wiki's card, to
those who may read the wiki, in a number of queries that does not grow with the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.tools.wiki import actions
from coopilote.tools.wiki.tests.helpers import wiki_access_for

pytestmark = pytest.mark.django_db


def gare(client, space):
    response = client.get(reverse("spaces:detail", args=[space.slug]))
    assert response.status_code == 200
    return response


def test_the_wiki_card_lists_the_pages_changed_last_newest_first(wiki_space, add_page):
    space, clients = wiki_space("public")
    owner = clients.users["owner"]
    pages = [add_page(space, owner, title=title) for title in ("Charte", "Accueil", "Budget")]
    add_page(space, owner, title="Fiche mares")
    actions.page_save(
        access=wiki_access_for(space, owner),
        page=pages[0],
        title="Charte",
        body="Nouvelle version.",
        base_number=1,
    )
    for persona in ("anonymous", "outsider", "observer", "member"):
        (card,) = [tool for tool in gare(clients[persona], space).context["tools"] if tool.news]
        assert [item.title for item in card.news] == ["Charte", "Fiche mares", "Budget"], persona
    body = gare(clients["member"], space).content.decode()
    assert f'href="{reverse("wiki:page", args=[space.slug, "charte"])}"' in body


def test_pages_in_the_trash_and_a_disabled_wiki_are_not_shown(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    add_page(space, owner, title="Charte")
    trashed = add_page(space, owner, title="Brouillon de budget")
    actions.page_delete(access=wiki_access_for(space, owner), page=trashed)
    (card,) = [tool for tool in gare(clients["member"], space).context["tools"] if tool.news]
    assert [item.title for item in card.news] == ["Charte"]
    space_actions.space_tool_disable(access=access_for(space, owner), tool_key="wiki")
    body = gare(clients["member"], space).content.decode()
    assert "Charte" not in body


def test_the_gare_reads_the_wiki_news_in_one_query_whatever_the_number_of_pages(
    wiki_space, add_page
):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    add_page(space, owner, title="Charte")
    gare(clients["member"], space)
    with CaptureQueriesContext(connection) as few:
        gare(clients["member"], space)
    for number in range(12):
        add_page(space, owner, title=f"Page {number}")
    with CaptureQueriesContext(connection) as many:
        gare(clients["member"], space)
    assert len(few) == len(many)
    # session, user, space, memberships, the menu's tools, sub-spaces, recent events, the
    # wiki pages they name, "new since", newest members, and the wiki's news
    assert len(many) == 11
