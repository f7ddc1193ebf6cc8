"""Who may do what in the library: every route, six personas, three visibilities.

Everyone who may read the space reads the library and downloads its files; owners, facilitators
and members add resources; a resource is changed by whoever added it or by those who manage the
library (here the owner added it, so members and observers are refused). A secret space answers
the 404 of a missing space to visitors, on the file addresses too; anonymous people who may know
the space are asked to log in. Nothing changes on a refusal: no row, no event, no stored file,
no view or download counted.
"""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, get_resolver, reverse

from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.library.models import Resource
from coopilote.tools.library.tests.helpers import counters, picture, state, upload

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
ROLES = {"observer", "member", "facilitator", "owner"}
ALLOWED = {
    "read": ROLES,
    "contribute": {"member", "facilitator", "owner"},
    "manage": {"facilitator", "owner"},  # the owner is also the resource's creator here
}

# route → (verb, status of a successful GET, whether it takes a POST)
ROUTES: dict[str, tuple[str, int, bool]] = {
    "index": ("read", 200, False),
    "add": ("contribute", 200, True),
    "resource": ("read", 200, False),
    "download": ("read", 200, False),
    "version": ("read", 200, False),
    "thumbnail": ("read", 200, False),
    "edit": ("manage", 200, True),
    "new_version": ("manage", 200, True),
    "delete": ("manage", 200, True),
}
SPACE_ONLY = {"index", "add"}
READING = {name for name, (verb, _status, _post) in ROUTES.items() if verb == "read"}


# The library's other test modules, each with the ROUTES table of its own routes (written
# alongside this one: a module not there yet simply adds no row).
OTHER_TABLES = ["test_export", "test_sharing", "test_collections", "test_social", "test_bulk"]


def other_tables() -> dict[str, tuple[str, int, bool]]:
    tables: dict[str, tuple[str, int, bool]] = {}
    for module in OTHER_TABLES:
        try:
            found = importlib.import_module(f"coopilote.tools.library.tests.{module}")
        except ImportError:
            continue
        tables.update(getattr(found, "ROUTES", {}))
    return tables


def test_every_route_of_the_library_has_a_row_in_a_permission_table():
    _prefix, resolver = get_resolver().namespace_dict["library"]
    names = [p.name for p in resolver.url_patterns if isinstance(p, URLPattern)]
    assert sorted(names) == sorted([*ROUTES, *other_tables()])


def expected(verb: str, persona: str, visibility: str, success: int) -> int:
    if persona in ROLES:
        return success if persona in ALLOWED[verb] else 403
    if visibility == "secret":
        return 404
    if verb == "read" and visibility == "public":
        return success
    return 302 if persona == "anonymous" else 403


def url_of(name: str, space, resource: Resource) -> str:
    if name in SPACE_ONLY:
        return reverse(f"library:{name}", args=[space.slug])
    if name == "version":
        return reverse("library:version", args=[space.slug, resource.public_id, 1])
    return reverse(f"library:{name}", args=[space.slug, resource.public_id])


def assert_answer(response, wanted: int, persona: str) -> None:
    assert response.status_code == wanted, (persona, response.status_code)
    if wanted == 302 and persona == "anonymous":
        assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.fixture
def world(library_space, add_resource):
    """A space of the given visibility with a picture resource added by its owner."""

    def build(visibility: str):
        space, clients = library_space(visibility)
        resource = add_resource(
            space, clients.users["owner"], kind="file", upload=upload(picture(), "mare.png")
        )
        return space, clients, resource

    return build


def body_for(name: str, persona: str) -> dict[str, Any]:
    """A POST that changes something each time it is sent by a different persona."""
    if name == "new_version":
        return {"file": upload(picture(size=(30, 30)), f"{persona}.png")}
    if name == "delete":
        return {}
    return {
        "title": f"Carte des mares ({persona})",
        "tags": persona,
        "resource_type": "data",
        "language": "fr",
        "licence": "cc-by",
        "body": "Texte",
    }


def post_url(name: str, space, resource: Resource) -> str:
    return url_of(name, space, resource) + ("?kind=note" if name == "add" else "")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_page_answers_every_persona_as_the_tool_matrix_says(world, name, visibility):
    space, clients, resource = world(visibility)
    verb, success, _post = ROUTES[name]
    url = url_of(name, space, resource)
    for persona in PERSONAS:
        wanted = expected(verb, persona, visibility, success)
        before = counters()
        assert_answer(clients[persona].get(url), wanted, persona)
        if wanted != success:
            assert counters() == before, persona  # a refused reader is not counted


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", [name for name, route in ROUTES.items() if route[2]])
def test_a_refused_post_changes_nothing_and_an_allowed_one_commits(
    world, add_resource, name, visibility
):
    space, clients, resource = world(visibility)
    verb = ROUTES[name][0]
    for persona in PERSONAS:
        if persona in ALLOWED[verb]:
            continue
        before = state()
        response = clients[persona].post(post_url(name, space, resource), body_for(name, persona))
        assert_answer(response, expected(verb, persona, visibility, 302), persona)
        assert state() == before, persona
    for persona in sorted(ALLOWED[verb]):
        if name == "delete":
            resource = add_resource(
                space, clients.users["owner"], kind="file", upload=upload(picture(), "a.png")
            )
        before = state()
        response = clients[persona].post(post_url(name, space, resource), body_for(name, persona))
        assert response.status_code == 302, (persona, response.content[:3000])
        assert state() != before, persona


def test_observers_see_no_add_or_edit_link_and_the_creator_does(world):
    space, clients, resource = world("members")
    page = url_of("resource", space, resource)
    add_url = reverse("library:add", args=[space.slug])
    edit_url = url_of("edit", space, resource)
    assert add_url not in clients["observer"].get(url_of("index", space, resource)).content.decode()
    assert add_url in clients["member"].get(url_of("index", space, resource)).content.decode()
    assert edit_url not in clients["observer"].get(page).content.decode()
    assert edit_url not in clients["member"].get(page).content.decode()
    assert edit_url in clients["owner"].get(page).content.decode()


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_disabled_library_answers_404_to_everyone_and_keeps_its_resources(world, name):
    space, clients, resource = world("public")
    space_actions.space_tool_disable(
        access=access_for(space, clients.users["owner"]), tool_key="library"
    )
    before = state()
    url = url_of(name, space, resource)
    for persona in PERSONAS:
        assert clients[persona].get(url).status_code == 404, persona
        if ROUTES[name][2]:
            assert clients[persona].post(url, body_for(name, persona)).status_code == 404
    assert state() == before
    assert Resource.objects.filter(pk=resource.pk).exists()


@pytest.mark.parametrize("name", list(ROUTES))
def test_an_archived_space_keeps_its_library_readable_and_refuses_every_change(world, name):
    space, clients, resource = world("members")
    space_actions.space_set_status(
        access=access_for(space, clients.users["owner"]), status="archived"
    )
    verb, success, post = ROUTES[name]
    url = url_of(name, space, resource)
    before = state()
    for persona in ["observer", "member", "facilitator", "owner"]:
        assert clients[persona].get(url).status_code == (success if verb == "read" else 403)
        if post:
            assert clients[persona].post(url, body_for(name, persona)).status_code == 403
    assert state() == before


def test_a_role_lowered_meanwhile_cannot_still_add(world, add_resource):
    from coopilote.spaces.models import Membership
    from coopilote.tools.library import actions
    from coopilote.tools.library.tests.helpers import library_access_for

    space, clients, _resource = world("members")
    access = library_access_for(space, clients.users["member"])
    Membership.objects.filter(space=space, user=clients.users["member"]).update(role="observer")
    before = state()
    with pytest.raises(actions.PermissionDenied):
        actions.resource_add(
            access=access, kind="note", title="Trop tard", body="Texte", licence="cc0"
        )
    assert state() == before
