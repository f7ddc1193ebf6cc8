"""Who may do what with external tools: every route, six personas, three visibilities.

The table is the specification (issue 4): everyone who may read the space reads the cards and
opens them; owners and facilitators manage them. Visitors of a secret space get the 404 of a
missing space, anonymous people who may know the space are asked to log in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.external.models import ExternalTool
from coopilote.tools.external.tests.helpers import state

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
MANAGERS = {"facilitator", "owner"}
ROLES = {"observer", "member", "facilitator", "owner"}

# route → (verb, status of a successful GET, a valid POST body or None when GET only)
VALID = {
    "name": "Salle de visio du lundi",
    "url": "https://visio.example.org/lundi",
    "category": "video",
    "purpose": "Les réunions du lundi",
    "agreed_uses": "",
    "avoid": "",
    "help_contact": "",
    "help_text": "",
}
ROUTES = {
    "index": ("read", 200, None),
    "open": ("read", 302, None),
    "add": ("manage", 200, VALID),
    "edit": ("manage", 200, VALID),
    "delete": ("manage", 200, {}),
    "move": ("manage", 405, {"direction": "down"}),
}


def expected(verb: str, persona: str, visibility: str, success: int) -> int:
    if persona in ROLES:
        return success if verb == "read" or persona in MANAGERS else 403
    if visibility == "secret":
        return 404
    if verb == "read" and visibility == "public":
        return success
    return 302 if persona == "anonymous" else 403


def url_of(name: str, space, card) -> str:
    args = [space.slug] if name in ("index", "add") else [space.slug, card.pk]
    return reverse(f"external:{name}", args=args)


def assert_answer(response, wanted: int, persona: str) -> None:
    assert response.status_code == wanted, (persona, response.status_code)
    if wanted == 302 and persona == "anonymous" and response["Location"].startswith("/"):
        assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_page_answers_every_persona_as_the_tool_matrix_says(
    tool_space, add_card, name, visibility
):
    space, clients = tool_space(visibility)
    card = add_card(space, clients.users["owner"])
    add_card(space, clients.users["owner"], name="Liste de diffusion")
    verb, success, _body = ROUTES[name]
    url = url_of(name, space, card)
    for persona in PERSONAS:
        assert_answer(
            clients[persona].get(url), expected(verb, persona, visibility, success), persona
        )


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", [name for name, route in ROUTES.items() if route[2] is not None])
def test_a_refused_post_changes_nothing_and_an_allowed_one_commits(
    tool_space, add_card, name, visibility
):
    space, clients = tool_space(visibility)
    card = add_card(space, clients.users["owner"])
    add_card(space, clients.users["owner"], name="Liste de diffusion")
    url = url_of(name, space, card)
    body = ROUTES[name][2]
    for persona in ["anonymous", "outsider", "observer", "member"]:
        before = state()
        response = clients[persona].post(url, body)
        assert_answer(response, expected("manage", persona, visibility, 302), persona)
        assert state() == before, persona
    for persona in ["facilitator", "owner"]:
        if name == "delete" and persona == "owner":
            card = add_card(space, clients.users["owner"], name="Pad de remplacement")
            url = url_of(name, space, card)
        before = state()
        response = clients[persona].post(url, own_body(name, persona))
        assert response.status_code == 302, (persona, response.content[:2000])
        assert state() != before, persona


def own_body(name: str, persona: str) -> dict[str, str]:
    """A POST that changes something each time (a second identical edit would change nothing)."""
    if name == "move":
        return {"direction": "down" if persona == "facilitator" else "up"}
    if name in ("add", "edit"):
        return {**VALID, "name": f"Visio ({persona})"}
    return {}


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_disabled_tool_answers_404_to_everyone_and_keeps_its_cards(tool_space, add_card, name):
    space, clients = tool_space("public")
    card = add_card(space, clients.users["owner"])
    space_actions.space_tool_disable(
        access=access_for(space, clients.users["owner"]), tool_key="external"
    )
    before = state()
    url = url_of(name, space, card)
    for persona in PERSONAS:
        assert clients[persona].get(url).status_code == 404, persona
        body = ROUTES[name][2]
        if body is not None:
            assert clients[persona].post(url, body).status_code == 404, persona
    assert state() == before
    assert ExternalTool.objects.filter(pk=card.pk).exists()


def test_a_tool_never_enabled_answers_404_even_to_the_owner(personas):
    space, clients = personas("public")
    for persona in PERSONAS:
        assert clients[persona].get(reverse("external:index", args=[space.slug])).status_code == 404


def test_enabling_the_tool_again_brings_back_the_same_cards(tool_space, add_card):
    space, clients = tool_space("members")
    add_card(space, clients.users["owner"], name="Drive partagé")
    owner_access = access_for(space, clients.users["owner"])
    space_actions.space_tool_disable(access=owner_access, tool_key="external")
    space_actions.space_tool_enable(access=owner_access, tool_key="external")
    response = clients["member"].get(reverse("external:index", args=[space.slug]))
    assert response.status_code == 200
    assert "Drive partagé" in response.content.decode()


@pytest.mark.parametrize("name", list(ROUTES))
def test_an_archived_space_keeps_its_cards_readable_and_refuses_every_change(
    tool_space, add_card, name
):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    add_card(space, clients.users["owner"], name="Liste de diffusion")
    space_actions.space_set_status(
        access=access_for(space, clients.users["owner"]), status="archived"
    )
    verb, success, body = ROUTES[name]
    url = url_of(name, space, card)
    before = state()
    for persona in ["observer", "member", "facilitator", "owner"]:
        wanted = success if verb == "read" else 403
        assert clients[persona].get(url).status_code == wanted, persona
        if body is not None:
            assert clients[persona].post(url, body).status_code == 403, persona
    if name != "open":  # opening counts an anonymous view, it changes no content
        assert state() == before


def test_the_cards_of_an_archived_space_offer_no_change(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    space_actions.space_set_status(
        access=access_for(space, clients.users["owner"]), status="archived"
    )
    html = clients["owner"].get(reverse("external:index", args=[space.slug])).content.decode()
    assert reverse("external:edit", args=[space.slug, card.pk]) not in html
    assert reverse("external:add", args=[space.slug]) not in html
    assert reverse("external:open", args=[space.slug, card.pk]) in html


def test_only_managers_see_the_buttons_that_change_cards(tool_space, add_card):
    space, clients = tool_space("public")
    card = add_card(space, clients.users["owner"])
    edit_url = reverse("external:edit", args=[space.slug, card.pk])
    for persona in PERSONAS:
        html = clients[persona].get(reverse("external:index", args=[space.slug])).content.decode()
        assert (edit_url in html) is (persona in MANAGERS), persona


def test_a_card_of_another_space_is_not_found_through_this_space(
    tool_space, add_card, make_space, make_user
):
    space, clients = tool_space("members")
    stranger = make_user("autre@example.org")
    other = make_space("Autre réseau", owner=stranger)
    space_actions.space_tool_enable(access=access_for(other, stranger), tool_key="external")
    foreign = add_card(other, stranger, name="Pad étranger")
    before = state()
    for name in ["open", "edit", "delete"]:
        url = url_of(name, space, foreign)
        assert clients["owner"].get(url).status_code == 404, name
    assert clients["owner"].post(url_of("delete", space, foreign)).status_code == 404
    assert clients["owner"].post(url_of("edit", space, foreign), VALID).status_code == 404
    move = url_of("move", space, foreign)
    assert clients["owner"].post(move, {"direction": "up"}).status_code == 404
    assert state() == before


def test_an_anonymous_visitor_asked_to_log_in_comes_back_to_the_same_page(tool_space):
    space, clients = tool_space("members")
    url = reverse("external:index", args=[space.slug])
    response = clients["anonymous"].get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"
