"""Collections: contributors make them, their creator or managers change them, everyone who
reads the library reads them, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from coopilote.activity.models import ActivityEvent
from coopilote.tools.library import collections
from coopilote.tools.library.models import Collection, CollectionItem, Resource
from coopilote.tools.library.tests.helpers import library_access_for
from coopilote.tools.library.tests.test_sharing import (  # noqa: F401 (a fixture)
    everything,
    route_url,
    share,
    two_spaces,
)
from coopilote.tools.wiki.tests.xss_corpus import CORPUS, SEC_T23, problems

pytestmark = pytest.mark.django_db

MARKUP = "HTML tags are not accepted here; please write plain text."


def make(space, user, title="Kit d'accueil", introduction="") -> Collection:
    return collections.collection_create(
        access=library_access_for(space, user), title=title, introduction=introduction
    )


def add(space, user, collection, resource) -> None:
    collections.collection_add(
        access=library_access_for(space, user), collection=collection, resource=resource
    )


def titles_in(collection) -> list[str]:
    return [item.resource.title for item in collections.items_of(collection)]


def test_a_member_creates_a_collection_with_an_introduction(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(
        route_url("collection_create", space),
        {"title": "Kit d'accueil du nouveau membre", "introduction": "À lire **d'abord**."},
    )
    collection = Collection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == route_url("collection", space, collection=collection)
    assert collection.slug == "kit-daccueil-du-nouveau-membre"
    assert collection.created_by == clients.users["member"]
    assert "<strong>d'abord</strong>" in collection.introduction_html
    event = ActivityEvent.objects.get(tool_key="library")
    assert (event.kind, event.participation) == ("library.collection.created", "initiative")
    page = clients["observer"].get(response["Location"]).content.decode()
    assert escape("Kit d'accueil du nouveau membre") in page
    assert route_url("collection_edit", space, collection=collection) not in page


def test_addresses_stay_unique_and_never_take_a_word_of_the_routes(library_space):
    space, clients = library_space("members")
    owner = clients.users["owner"]
    slugs = [make(space, owner, title).slug for title in ["Nouvelle", "Nouvelle", "Boîte", "日本"]]
    assert slugs == ["nouvelle-2", "nouvelle-3", "boite", "collection"]


def test_a_title_is_required_and_the_text_kept(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(
        route_url("collection_create", space), {"title": "  ", "introduction": "Mon texte"}
    )
    assert response.status_code == 400
    assert "Mon texte" in response.content.decode()
    assert not Collection.objects.exists()


def test_only_the_creator_or_managers_change_a_collection(library_space, add_resource):
    space, clients = library_space("members")
    users = clients.users
    collection = make(space, users["member"], "Boîte à outils")
    resource = add_resource(space, users["owner"])
    edit = route_url("collection_edit", space, collection=collection)
    before = everything()
    other = library_access_for(space, users["observer"])
    assert clients["observer"].post(edit, {"title": "Pris"}).status_code == 403
    assert not collections.may_edit(other, collection)
    assert everything() == before
    response = clients["member"].post(edit, {"title": "Boîte à outils concertation"})
    assert response.status_code == 302
    response = clients["facilitator"].post(
        route_url("collection_add", space, resource), {"collection": collection.pk}
    )
    assert response.status_code == 302
    collection.refresh_from_db()
    assert (collection.title, collection.slug) == ("Boîte à outils concertation", "boite-a-outils")
    assert titles_in(collection) == [resource.title]
    kinds = list(ActivityEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["library.collection.edited", "library.collection.edited"]


def test_another_member_may_not_change_someone_elses_collection(library_space, make_user):
    space, clients = library_space("members")
    collection = make(space, clients.users["owner"], "Sélection")
    before = everything()
    for name in ("collection_edit", "collection_delete"):
        url = route_url(name, space, collection=collection)
        assert clients["member"].post(url, {"title": "Pris"}).status_code == 403
    for name in ("collection_move", "collection_remove"):
        url = route_url(name, space, collection=collection)
        assert clients["member"].post(url, {"item": 1, "direction": "up"}).status_code == 403
    assert everything() == before


def test_items_are_reordered_with_up_and_down_and_removed(library_space, add_resource):
    space, clients = library_space("members")
    member = clients.users["member"]
    collection = make(space, member)
    first, second, third = (add_resource(space, member, title=t) for t in ("Un", "Deux", "Trois"))
    for resource in (first, second, third):
        add(space, member, collection, resource)
    item = CollectionItem.objects.get(resource=third)
    move = route_url("collection_move", space, collection=collection)
    assert clients["member"].post(move, {"item": item.pk, "direction": "up"}).status_code == 302
    assert titles_in(collection) == ["Un", "Trois", "Deux"]
    clients["member"].post(move, {"item": item.pk, "direction": "up"})
    clients["member"].post(move, {"item": item.pk, "direction": "up"})  # already first
    assert titles_in(collection) == ["Trois", "Un", "Deux"]
    clients["member"].post(move, {"item": item.pk, "direction": "down"})
    assert titles_in(collection) == ["Un", "Trois", "Deux"]
    assert (
        clients["member"].post(move, {"item": item.pk, "direction": "sideways"}).status_code == 404
    )
    remove = route_url("collection_remove", space, collection=collection)
    assert clients["member"].post(remove, {"item": item.pk}).status_code == 302
    assert titles_in(collection) == ["Un", "Deux"]
    assert Resource.objects.filter(pk=third.pk).exists()


def test_adding_twice_is_refused_with_a_message_and_only_the_spaces_resources_go_in(
    two_spaces,  # noqa: F811
):
    origin, receiving, clients, resource = two_spaces()
    owner = clients.users["owner"]
    collection = make(receiving, owner)
    url = route_url("collection_add", receiving, resource)
    assert clients["owner"].post(url, {"collection": collection.pk}).status_code == 404
    share(origin, receiving, owner, resource)
    assert clients["owner"].post(url, {"collection": collection.pk}).status_code == 302
    page = clients["owner"].get(route_url("collection", receiving, collection=collection))
    assert f"Shared from {origin.name}" in page.content.decode()
    before = everything()
    response = clients["owner"].post(url, {"collection": collection.pk})
    assert response.status_code == 400  # no longer offered
    collection_in_origin = make(origin, owner, "Ailleurs")
    with pytest.raises(PermissionDenied):  # a collection of another space
        add(receiving, owner, collection_in_origin, resource)
    assert CollectionItem.objects.count() == 1
    assert everything()["items"] == before["items"]


def test_deleting_a_collection_keeps_its_resources(library_space, add_resource):
    space, clients = library_space("members")
    member = clients.users["member"]
    collection = make(space, member)
    resource = add_resource(space, member)
    add(space, member, collection, resource)
    url = route_url("collection_delete", space, collection=collection)
    assert clients["member"].get(url).status_code == 200
    assert clients["member"].post(url).status_code == 302
    assert not Collection.objects.exists()
    assert not CollectionItem.objects.exists()
    assert Resource.objects.filter(pk=resource.pk).exists()
    event = ActivityEvent.objects.order_by("pk").last()
    assert (event.kind, event.target_id) == ("library.collection.deleted", collection.pk)


@pytest.mark.parametrize("count", [3, 30])
def test_a_collection_page_takes_the_same_queries_whatever_its_size(
    library_space, add_resource, count, django_assert_num_queries
):
    space, clients = library_space("members")
    owner = clients.users["owner"]
    collection = make(space, owner, introduction="Dans l'ordre.")
    for number in range(count):
        resource = Resource.objects.create(space=space, kind="note", title=f"Fiche {number}")
        CollectionItem.objects.create(collection=collection, resource=resource, position=number)
    url = route_url("collection", space, collection=collection)
    clients["member"].get(url)
    with django_assert_num_queries(8):
        response = clients["member"].get(url)
    assert response.content.decode().count('class="library-collection__item"') == count


@pytest.mark.parametrize("name", list(SEC_T23))
def test_a_hostile_title_is_refused_or_shown_as_text(library_space, name):
    space, clients = library_space("members")
    payload = SEC_T23[name]
    response = clients["member"].post(
        route_url("collection_create", space), {"title": payload, "introduction": "Mon texte"}
    )
    if "<" in payload:
        assert response.status_code == 400
        assert response.context["form"].errors["title"] == [MARKUP]
        assert 'lang="en"' in response.content.decode()[:200]
        assert "Mon texte" in response.content.decode()
        assert payload not in response.content.decode()
        assert not Collection.objects.exists()
    else:
        assert response.status_code == 302
        page = clients["member"].get(response["Location"]).content.decode()
        assert f"<h1>{escape(payload)}</h1>" in page


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_introduction_never_executes(library_space, name):
    space, clients = library_space("members")
    response = clients["member"].post(
        route_url("collection_create", space),
        {"title": "Piège", "introduction": f"Avant\n\n{CORPUS[name]}\n\nAprès"},
    )
    assert response.status_code == 302
    assert problems(Collection.objects.get().introduction_html) == []
    html = clients["observer"].get(response["Location"]).content.decode()
    body = html.split('<div class="library-collection__introduction">', 1)[1].split("</div>")[0]
    assert problems(body) == [], name


def test_the_list_shows_each_collection_with_its_size(library_space, add_resource):
    space, clients = library_space("public")
    owner = clients.users["owner"]
    collection = make(space, owner, "Boîte à outils")
    add(space, owner, collection, add_resource(space, owner))
    make(space, owner, "Kit d'accueil")
    page = clients["anonymous"].get(reverse("library:collections", args=[space.slug]))
    assert page.status_code == 200
    assert [c.title for c in page.context["collections"]] == ["Boîte à outils", "Kit d'accueil"]
    assert [c.item_count for c in page.context["collections"]] == [1, 0]
