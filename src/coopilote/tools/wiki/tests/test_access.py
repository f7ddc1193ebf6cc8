"""Who may do what in the wiki: every route, six personas, three visibilities.

Everyone who may read the space reads the pages, their history and diffs; owners, facilitators
and members write; observers only read. A secret space answers the 404 of a missing space to
visitors; anonymous people who may know the space are asked to log in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, get_resolver, reverse

from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.wiki import actions
from coopilote.tools.wiki.models import Draft, Page, Revision
from coopilote.tools.wiki.tests.helpers import state, wiki_access_for

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
EDITORS = {"member", "facilitator", "owner"}
ROLES = {"observer", "member", "facilitator", "owner"}

# route → (verb, status of a successful GET, whether it takes a POST)
ROUTES: dict[str, tuple[str, int, bool]] = {
    "index": ("read", 200, False),
    "page": ("read", 200, False),
    "revision": ("read", 200, False),
    "history": ("read", 200, False),
    "diff": ("read", 200, False),
    "create": ("edit", 200, True),
    "edit": ("edit", 200, True),
    "restore": ("edit", 200, True),
    "preview": ("edit", 405, True),
    "draft_save": ("edit", 405, True),
    "draft_discard": ("edit", 405, True),
    "new_draft_save": ("edit", 405, True),
    "new_draft_discard": ("edit", 405, True),
}
SPACE_ONLY = {"index", "create", "preview", "new_draft_save", "new_draft_discard"}


def test_every_route_of_the_wiki_has_a_row_in_the_permission_table():
    _prefix, resolver = get_resolver().namespace_dict["wiki"]
    names = [p.name for p in resolver.url_patterns if isinstance(p, URLPattern)]
    from coopilote.tools.wiki.tests.test_follow_changes import ROUTES as FOLLOW_ROUTES
    from coopilote.tools.wiki.tests.test_templates import ROUTES as TEMPLATE_ROUTES
    from coopilote.tools.wiki.tests.test_trash_rename import ROUTES as TREE_AND_TRASH_ROUTES

    assert sorted(names) == sorted(
        [*ROUTES, *TREE_AND_TRASH_ROUTES, *FOLLOW_ROUTES, *TEMPLATE_ROUTES]
    )


def expected(verb: str, persona: str, visibility: str, success: int) -> int:
    if persona in ROLES:
        return success if verb == "read" or persona in EDITORS else 403
    if visibility == "secret":
        return 404
    if verb == "read" and visibility == "public":
        return success
    return 302 if persona == "anonymous" else 403


def url_of(name: str, space, page, number: int = 1) -> str:
    if name in SPACE_ONLY:
        return reverse(f"wiki:{name}", args=[space.slug])
    if name in ("revision", "restore"):
        return reverse(f"wiki:{name}", args=[space.slug, page.slug, number])
    return reverse(f"wiki:{name}", args=[space.slug, page.slug])


def assert_answer(response, wanted: int, persona: str) -> None:
    assert response.status_code == wanted, (persona, response.status_code)
    if wanted == 302 and persona == "anonymous":
        assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.fixture
def world(wiki_space, add_page):
    """A space of the given visibility with a page of two revisions."""

    def build(visibility: str):
        space, clients = wiki_space(visibility)
        owner = clients.users["owner"]
        page = add_page(space, owner)
        actions.page_save(
            access=wiki_access_for(space, owner),
            page=page,
            title=page.title,
            body="# Nos valeurs\n\nCoopérer, toujours.\n",
            comment="Plus court",
            base_number=1,
        )
        page.refresh_from_db()
        return space, clients, page

    return build


def body_for(name: str, persona: str, page: Page) -> dict[str, Any]:
    """A POST that changes something each time it is sent by a different persona."""
    current = Revision.objects.get(pk=Page.objects.get(pk=page.pk).current_id)
    if name == "create":
        return {"title": f"Compte rendu ({persona})", "body": "Présents : tous.", "token": ""}
    if name == "edit":
        return {
            "title": current.title,
            "body": f"{current.body}\nAjout de {persona}.\n",
            "comment": "",
            "base_number": current.number,
            "token": f"jeton{persona}",
        }
    if name in ("draft_save", "new_draft_save"):
        return {"title": "Brouillon", "body": f"Texte de {persona}", "base_number": current.number}
    if name == "preview":
        return {"body": "**gras**"}
    return {"comment": ""}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_page_answers_every_persona_as_the_tool_matrix_says(world, name, visibility):
    space, clients, page = world(visibility)
    verb, success, _post = ROUTES[name]
    url = url_of(name, space, page)
    for persona in PERSONAS:
        assert_answer(
            clients[persona].get(url), expected(verb, persona, visibility, success), persona
        )


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", [name for name, route in ROUTES.items() if route[2]])
def test_a_refused_post_changes_nothing_and_an_allowed_one_commits(world, name, visibility):
    space, clients, page = world(visibility)
    for persona in ["anonymous", "outsider", "observer"]:
        before = state()
        response = clients[persona].post(url_of(name, space, page), body_for(name, persona, page))
        assert_answer(response, expected("edit", persona, visibility, 302), persona)
        assert state() == before, persona
    for number, persona in zip([1, 2, 1], ["member", "facilitator", "owner"], strict=True):
        if name.endswith("draft_discard"):
            actions.draft_save(
                access=wiki_access_for(space, clients.users[persona]),
                page=None if name.startswith("new_") else page,
                title="Brouillon",
                body="À jeter",
            )
        before = state()
        response = clients[persona].post(
            url_of(name, space, page, number), body_for(name, persona, page)
        )
        if name == "preview":
            assert response.status_code == 200
            assert response.content.decode().count("<strong>gras</strong>") == 1
            assert state() == before  # a preview writes nothing
            continue
        assert response.status_code == 302, (persona, response.content[:3000])
        assert state() != before, persona


def test_observers_see_no_edit_link_and_members_do(world):
    space, clients, page = world("members")
    edit_url = reverse("wiki:edit", args=[space.slug, page.slug])
    assert edit_url not in clients["observer"].get(url_of("page", space, page)).content.decode()
    assert edit_url in clients["member"].get(url_of("page", space, page)).content.decode()
    create_url = reverse("wiki:create", args=[space.slug])
    assert create_url not in clients["observer"].get(url_of("index", space, page)).content.decode()


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_disabled_wiki_answers_404_to_everyone_and_keeps_its_pages(world, name):
    space, clients, page = world("public")
    space_actions.space_tool_disable(
        access=access_for(space, clients.users["owner"]), tool_key="wiki"
    )
    before = state()
    url = url_of(name, space, page)
    for persona in PERSONAS:
        assert clients[persona].get(url).status_code == 404, persona
        if ROUTES[name][2]:
            assert clients[persona].post(url, body_for(name, persona, page)).status_code == 404
    assert state() == before
    assert Page.objects.filter(pk=page.pk).exists()


@pytest.mark.parametrize("name", list(ROUTES))
def test_an_archived_space_keeps_its_pages_readable_and_refuses_every_change(world, name):
    space, clients, page = world("members")
    space_actions.space_set_status(
        access=access_for(space, clients.users["owner"]), status="archived"
    )
    verb, success, post = ROUTES[name]
    url = url_of(name, space, page)
    before = state()
    for persona in ["observer", "member", "facilitator", "owner"]:
        assert clients[persona].get(url).status_code == (success if verb == "read" else 403)
        if post:
            assert clients[persona].post(url, body_for(name, persona, page)).status_code == 403
    assert state() == before


def test_a_role_lowered_meanwhile_cannot_still_save(world):
    space, clients, page = world("members")
    access = wiki_access_for(space, clients.users["member"])
    from coopilote.spaces.models import Membership

    Membership.objects.filter(space=space, user=clients.users["member"]).update(role="observer")
    before = state()
    with pytest.raises(actions.PermissionDenied):
        actions.page_save(access=access, page=page, title=page.title, body="Autre", base_number=2)
    assert state() == before


def test_drafts_are_private_to_their_writer(world):
    space, clients, page = world("members")
    actions.draft_save(
        access=wiki_access_for(space, clients.users["member"]),
        page=page,
        title=page.title,
        body="Mon idée secrète",
        base_number=2,
    )
    edit_url = reverse("wiki:edit", args=[space.slug, page.slug])
    assert (
        "Mon idée secrète"
        not in clients["facilitator"].get(edit_url + "?brouillon=1").content.decode()
    )
    assert "Mon idée secrète" in clients["member"].get(edit_url + "?brouillon=1").content.decode()
    clients["facilitator"].post(reverse("wiki:draft_discard", args=[space.slug, page.slug]))
    assert Draft.objects.filter(user=clients.users["member"]).count() == 1
