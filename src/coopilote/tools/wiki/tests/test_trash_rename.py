"""Trash, renaming, moving and the page tree: who may do it, and that links keep working.

Deleting and restoring are the "manage" verb (facilitators and owners); renaming and moving are
"edit" (every contributor), since a renamed page keeps its old address as a redirect.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopilote.accounts.tests.helpers import in_french
from coopilote.activity.models import ActivityEvent
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.wiki import actions
from coopilote.tools.wiki.models import Page, PageRedirect, Revision
from coopilote.tools.wiki.tests.helpers import state, wiki_access_for

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
ROLES = {"observer", "member", "facilitator", "owner"}
ALLOWED = {
    "read": ROLES,
    "edit": {"member", "facilitator", "owner"},
    "manage": {"facilitator", "owner"},
}

# route → (verb, status of a successful GET, whether it takes a POST)
ROUTES: dict[str, tuple[str, int, bool]] = {
    "tree": ("read", 200, False),
    "trash": ("manage", 200, False),
    "undelete": ("manage", 405, True),
    "delete": ("manage", 200, True),
    "rename": ("edit", 200, True),
    "move": ("edit", 200, True),
}


def expected(verb: str, persona: str, visibility: str, success: int) -> int:
    if persona in ROLES:
        return success if persona in ALLOWED[verb] else 403
    if visibility == "secret":
        return 404
    if verb == "read" and visibility == "public":
        return success
    return 302 if persona == "anonymous" else 403


def full_state() -> dict[str, Any]:
    return {**state(), "redirects": list(PageRedirect.objects.order_by("pk").values())}


def assert_answer(response, wanted: int, persona: str) -> None:
    assert response.status_code == wanted, (persona, response.status_code)
    if wanted == 302 and persona == "anonymous":
        assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.fixture
def world(wiki_space, add_page):
    """A space with a page, another page linking to it, and a page in the trash."""

    def build(visibility: str = "members"):
        space, clients = wiki_space(visibility)
        owner = clients.users["owner"]
        page = add_page(space, owner, title="Charte")
        linking = add_page(space, owner, title="Accueil", body="Lire la [[Charte]].\n")
        trashed = add_page(space, owner, title="Vieille page", body="Ancien.\n")
        actions.page_delete(access=wiki_access_for(space, owner), page=trashed)
        return space, clients, page, linking, trashed

    return build


def url_of(name: str, space, page, trashed) -> str:
    if name in ("tree", "trash"):
        return reverse(f"wiki:{name}", args=[space.slug])
    if name == "undelete":
        return reverse("wiki:undelete", args=[space.slug, trashed.pk])
    return reverse(f"wiki:{name}", args=[space.slug, page.slug])


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_new_page_answers_every_persona_as_the_tool_matrix_says(world, name, visibility):
    space, clients, page, _linking, trashed = world(visibility)
    verb, success, _post = ROUTES[name]
    url = url_of(name, space, page, trashed)
    before = full_state()
    for persona in PERSONAS:
        assert_answer(
            clients[persona].get(url), expected(verb, persona, visibility, success), persona
        )
    assert full_state() == before  # a GET writes nothing


def post_for(name: str, persona: str, space, clients, page, add_page) -> tuple[str, dict]:
    """A POST that changes something each time a different persona sends it."""
    owner = clients.users["owner"]
    if name == "delete":
        target = add_page(space, owner, title=f"À jeter {persona}")
        return reverse("wiki:delete", args=[space.slug, target.slug]), {}
    if name == "undelete":
        target = add_page(space, owner, title=f"À restaurer {persona}")
        actions.page_delete(access=wiki_access_for(space, owner), page=target)
        return reverse("wiki:undelete", args=[space.slug, target.pk]), {}
    current = Page.objects.get(pk=page.pk)
    if name == "rename":
        return reverse("wiki:rename", args=[space.slug, current.slug]), {
            "title": f"Charte {persona}",
            "comment": "",
        }
    parent = add_page(space, owner, title=f"Parent {persona}")
    return reverse("wiki:move", args=[space.slug, current.slug]), {"parent": str(parent.pk)}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", [name for name, route in ROUTES.items() if route[2]])
def test_a_refused_post_changes_nothing_and_an_allowed_one_commits(
    world, add_page, name, visibility
):
    space, clients, page, _linking, _trashed = world(visibility)
    verb = ROUTES[name][0]
    for persona in PERSONAS:
        url, data = post_for(name, persona, space, clients, page, add_page)
        before = full_state()
        response = clients[persona].post(url, data)
        if persona in ALLOWED[verb]:
            assert response.status_code == 302, (persona, response.content[:2000])
            assert full_state() != before, persona
        else:
            assert_answer(response, expected(verb, persona, visibility, 302), persona)
            assert full_state() == before, persona


@pytest.mark.parametrize("name", list(ROUTES))
def test_an_archived_space_refuses_every_change_of_the_tree_and_trash(world, add_page, name):
    space, clients, page, _linking, trashed = world("members")
    space_actions.space_set_status(
        access=access_for(space, clients.users["owner"]), status="archived"
    )
    verb, success, post = ROUTES[name]
    before = full_state()
    url = url_of(name, space, page, trashed)
    assert clients["owner"].get(url).status_code == (success if verb == "read" else 403)
    if post:
        assert clients["owner"].post(url, {"title": "Autre", "parent": ""}).status_code == 403
    assert full_state() == before


# Trash ----------------------------------------------------------------------------------------


def shown(client, space, page) -> str:
    """The text of ``page`` as this client's reader sees it (links resolved for them)."""
    response = client.get(reverse("wiki:page", args=[space.slug, page.slug]))
    assert response.status_code == 200
    return response.context["body_html"]


def test_a_deleted_page_answers_404_to_everyone_and_its_links_show_as_to_create(world):
    space, clients, page, linking, _trashed = world("public")
    page_url = reverse("wiki:page", args=[space.slug, page.slug])
    response = clients["facilitator"].get(reverse("wiki:delete", args=[space.slug, page.slug]))
    assert "Accueil" in response.content.decode()  # the confirmation names linking pages
    assert Page.objects.get(pk=page.pk).deleted_at is None  # asking is not deleting
    response = clients["facilitator"].post(reverse("wiki:delete", args=[space.slug, page.slug]))
    assert response.status_code == 302
    assert Page.objects.get(pk=page.pk).deleted_at is not None
    for persona in PERSONAS:
        assert clients[persona].get(page_url).status_code == 404, persona
    html = shown(clients["member"], space, linking)
    assert "wiki-link--missing" in html
    assert f'href="{page_url}"' not in html
    index = clients["member"].get(reverse("wiki:index", args=[space.slug])).content.decode()
    assert page_url not in index
    event = ActivityEvent.objects.filter(kind="wiki.page.deleted").latest("pk")
    assert event.actor == clients.users["facilitator"]


def test_the_trash_lists_deleted_pages_and_restore_brings_page_and_links_back(world):
    space, clients, page, linking, _trashed = world("members")
    actions.page_delete(access=wiki_access_for(space, clients.users["owner"]), page=page)
    listing = clients["facilitator"].get(reverse("wiki:trash", args=[space.slug])).content.decode()
    assert "Charte" in listing and "Vieille page" in listing
    response = clients["facilitator"].post(reverse("wiki:undelete", args=[space.slug, page.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("wiki:page", args=[space.slug, page.slug])
    assert clients["observer"].get(response["Location"]).status_code == 200
    html = shown(clients["observer"], space, linking)
    assert "wiki-link--missing" not in html
    assert f'href="{reverse("wiki:page", args=[space.slug, page.slug])}"' in html
    assert ActivityEvent.objects.filter(kind="wiki.page.undeleted").count() == 1
    # restoring a live page again changes nothing
    before = full_state()
    response = clients["facilitator"].post(reverse("wiki:undelete", args=[space.slug, page.pk]))
    assert response.status_code == 404
    assert full_state() == before


def test_a_page_in_the_trash_keeps_its_title_from_new_pages(world):
    space, clients, _page, _linking, _trashed = world("members")
    before = full_state()
    response = clients["member"].post(
        reverse("wiki:create", args=[space.slug]),
        {"title": "Vieille page", "body": "Nouveau", "token": ""},
    )
    assert response.status_code == 400
    message = in_french(
        "A page named “%(title)s” is in the trash: a facilitator "
        "can restore it, or choose another title.",
        title="Vieille page",
    )
    assert message in html.unescape(response.content.decode())
    assert full_state() == before


def test_deleting_twice_records_one_event(world):
    space, clients, page, _linking, _trashed = world("members")
    access = wiki_access_for(space, clients.users["owner"])
    actions.page_delete(access=access, page=page)
    actions.page_delete(access=access, page=page)
    assert ActivityEvent.objects.filter(kind="wiki.page.deleted", target_id=page.pk).count() == 1


# Renaming -------------------------------------------------------------------------------------


def test_a_renamed_page_keeps_its_old_address_and_links_as_redirects(world):
    space, clients, page, linking, _trashed = world("members")
    old_url = reverse("wiki:page", args=[space.slug, "charte"])
    response = clients["member"].post(
        reverse("wiki:rename", args=[space.slug, "charte"]),
        {"title": "Charte de fonctionnement", "comment": ""},
    )
    new_url = reverse("wiki:page", args=[space.slug, "charte-de-fonctionnement"])
    assert response.status_code == 302 and response["Location"] == new_url
    page.refresh_from_db()
    assert (page.slug, page.title) == ("charte-de-fonctionnement", "Charte de fonctionnement")
    current = Revision.objects.get(pk=page.current_id)
    assert current.number == 2 and "Charte" in current.comment
    response = clients["observer"].get(old_url)
    assert response.status_code == 302 and response["Location"] == new_url
    html = shown(clients["observer"], space, linking)
    assert f'href="{new_url}"' in html and "wiki-link--missing" not in html
    assert ActivityEvent.objects.filter(kind="wiki.page.renamed").count() == 1
    # "Pages that link here" still finds the page that links by the former name.
    response = clients["observer"].get(new_url)
    assert [page.pk for page in response.context["backlinks"]] == [linking.pk]


def test_renaming_to_a_taken_title_is_refused_and_keeps_what_was_typed(world):
    space, clients, page, _linking, _trashed = world("members")
    before = full_state()
    for taken in ("Accueil", "Vieille page", ""):
        response = clients["member"].post(
            reverse("wiki:rename", args=[space.slug, page.slug]), {"title": taken}
        )
        assert response.status_code == 400, taken
        assert response.context["form"]["title"].value() == taken
    assert full_state() == before


def test_renaming_back_takes_the_address_back_without_a_loop(world):
    space, clients, page, _linking, _trashed = world("members")
    access = wiki_access_for(space, clients.users["member"])
    actions.page_rename(access=access, page=page, title="Règles")
    actions.page_rename(access=access, page=page, title="Charte")
    page.refresh_from_db()
    assert page.slug == "charte"
    assert list(PageRedirect.objects.values_list("old_slug", flat=True)) == ["regles"]
    response = clients["member"].get(reverse("wiki:page", args=[space.slug, "regles"]))
    assert response["Location"] == reverse("wiki:page", args=[space.slug, "charte"])
    assert clients["member"].get(response["Location"]).status_code == 200


def test_a_new_page_takes_a_former_address_from_its_redirect(world, add_page):
    space, clients, page, _linking, _trashed = world("members")
    actions.page_rename(
        access=wiki_access_for(space, clients.users["member"]), page=page, title="Règles"
    )
    add_page(space, clients.users["member"], title="Charte", body="Une autre charte.\n")
    assert not PageRedirect.objects.exists()
    response = clients["member"].get(reverse("wiki:page", args=[space.slug, "charte"]))
    assert response.status_code == 200 and "Une autre charte" in response.content.decode()


def test_the_redirect_of_a_deleted_page_answers_404(world):
    space, clients, page, _linking, _trashed = world("members")
    actions.page_rename(
        access=wiki_access_for(space, clients.users["member"]), page=page, title="Règles"
    )
    actions.page_delete(access=wiki_access_for(space, clients.users["owner"]), page=page)
    assert (
        clients["owner"].get(reverse("wiki:page", args=[space.slug, "charte"])).status_code == 404
    )


# Tree -----------------------------------------------------------------------------------------


def test_the_tree_nests_sub_pages_under_their_parent_ordered_by_title(world, add_page):
    space, clients, page, _linking, _trashed = world("members")
    owner = clients.users["owner"]
    access = wiki_access_for(space, owner)
    zebre = add_page(space, owner, title="Zèbre")
    abeille = add_page(space, owner, title="abeille")
    actions.page_move(access=access, page=zebre, parent=page)
    actions.page_move(access=access, page=abeille, parent=page)
    html = clients["observer"].get(reverse("wiki:tree", args=[space.slug])).content.decode()
    positions = [html.index(f">{title}<") for title in ("Accueil", "Charte", "abeille", "Zèbre")]
    assert positions == sorted(positions)
    assert html.count('<ul class="wiki-tree">') == 2  # Charte's sub-pages in a nested list
    assert "Vieille page" not in html


def test_moving_a_page_under_itself_or_its_sub_page_is_refused(world, add_page):
    space, clients, page, linking, _trashed = world("members")
    access = wiki_access_for(space, clients.users["member"])
    actions.page_move(access=access, page=linking, parent=page)
    grandchild = add_page(space, clients.users["member"], title="Détail")
    actions.page_move(access=access, page=grandchild, parent=linking)
    before = full_state()
    for parent in (page, linking, grandchild):
        with pytest.raises(ValidationError):
            actions.page_move(access=access, page=page, parent=parent)
    response = clients["member"].post(
        reverse("wiki:move", args=[space.slug, page.slug]), {"parent": str(grandchild.pk)}
    )
    assert response.status_code == 400
    choices = response.context["form"].fields["parent"].choices
    assert [value for value, _label in choices] == [""]  # its whole branch is not offered
    assert full_state() == before


def test_a_page_cannot_move_under_a_page_of_another_space_or_the_trash(world, make_space, add_page):
    space, clients, page, _linking, trashed = world("members")
    owner = clients.users["owner"]
    other_space = make_space("Autre réseau", owner=owner)
    space_actions.space_tool_enable(access=access_for(other_space, owner), tool_key="wiki")
    elsewhere = add_page(other_space, owner, title="Ailleurs")
    access = wiki_access_for(space, clients.users["member"])
    before = full_state()
    for parent in (elsewhere, trashed):
        with pytest.raises(ValidationError):
            actions.page_move(access=access, page=page, parent=parent)
    assert full_state() == before


def test_moving_back_to_the_top_and_an_event_per_move(world):
    space, clients, page, linking, _trashed = world("members")
    response = clients["member"].post(
        reverse("wiki:move", args=[space.slug, linking.slug]), {"parent": str(page.pk)}
    )
    assert response.status_code == 302
    assert Page.objects.get(pk=linking.pk).parent_id == page.pk
    response = clients["member"].post(
        reverse("wiki:move", args=[space.slug, linking.slug]), {"parent": ""}
    )
    assert response.status_code == 302
    assert Page.objects.get(pk=linking.pk).parent_id is None
    assert ActivityEvent.objects.filter(kind="wiki.page.moved").count() == 2
