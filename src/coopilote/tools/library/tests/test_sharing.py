"""Sharing a resource into another space: who may, where to, and what each side then sees.

Every route of sharing, favourites, comments and collections is answered for the six personas
in three visibilities, in the resource's origin space and in a space it is shared into.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import URLPattern, get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext

from coopilote.activity.models import ActivityEvent
from coopilote.spaces.models import Membership
from coopilote.spaces.tests.conftest import PERSONAS, ROLE_OF
from coopilote.tools.library import collections, sharing, social
from coopilote.tools.library.models import (
    Collection,
    CollectionItem,
    Comment,
    Favourite,
    Resource,
    Share,
)
from coopilote.tools.library.tests.helpers import enable_library, library_access_for, state

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]

# route → (verb, status of a successful GET, whether it takes a POST), with the resource, the
# collection and the comment made by the space's owner. The verb is who gets the success:
# "read" everyone who may read, "role" people with a role (visitors are refused), "contribute"
# members and up, "manage" facilitators and owners (on GET pages that check the creator or a
# manager). POST-only routes answer 405 to a GET from whoever passes the door; who may then
# post is tested in test_sharing, test_collections and test_social.
ROUTES: dict[str, tuple[str, int, bool]] = {
    "share": ("manage", 200, True),
    "unshare": ("contribute", 405, True),
    "favourite": ("role", 405, True),
    "favourites": ("role", 200, False),
    "comment_add": ("contribute", 405, True),
    "comment_delete": ("manage", 200, True),
    "collections": ("read", 200, False),
    "collection_create": ("contribute", 200, True),
    "collection": ("read", 200, False),
    "collection_edit": ("manage", 200, True),
    "collection_delete": ("manage", 200, True),
    "collection_add": ("contribute", 200, True),
    "collection_move": ("contribute", 405, True),
    "collection_remove": ("contribute", 405, True),
}
SPACE_ONLY = {"favourites", "collections", "collection_create"}
OF_COLLECTION = {
    "collection",
    "collection_edit",
    "collection_delete",
    "collection_move",
    "collection_remove",
}
ROLES = {"observer", "member", "facilitator", "owner"}
ALLOWED = {
    "read": ROLES,
    "role": ROLES,
    "contribute": {"member", "facilitator", "owner"},
    "manage": {"facilitator", "owner"},
    "nobody": set(),
}


def expected(verb: str, persona: str, visibility: str, success: int) -> int:
    if persona in ROLES:
        return success if persona in ALLOWED[verb] else 403
    if visibility == "secret":
        return 404
    if verb == "read" and visibility == "public":
        return success
    return 302 if persona == "anonymous" else 403


def route_url(
    name: str,
    space: Any,
    resource: Resource | None = None,
    collection: Collection | None = None,
    comment: Comment | None = None,
) -> str:
    """The address of one of the routes above (what each needs: the space, a resource of it, a
    collection or a comment)."""
    if name in SPACE_ONLY:
        args: list[Any] = [space.slug]
    elif name in OF_COLLECTION:
        args = [space.slug, collection.slug]  # type: ignore[union-attr]
    elif name == "comment_delete":
        args = [space.slug, resource.public_id, comment.pk]  # type: ignore[union-attr]
    else:
        args = [space.slug, resource.public_id]  # type: ignore[union-attr]
    return reverse(f"library:{name}", args=args)


def everything() -> dict[str, Any]:
    """The library's state (helpers.state) and what this part adds to it."""
    return {
        **state(),
        "collections": list(Collection.objects.order_by("pk").values()),
        "items": list(CollectionItem.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "favourites": list(Favourite.objects.order_by("pk").values()),
    }


def assert_answer(response, wanted: int, persona: str, name: str = "") -> None:
    assert response.status_code == wanted, (name, persona, response.status_code)
    if wanted == 302 and persona == "anonymous":
        assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.fixture
def two_spaces(library_space, make_space, add_member, add_resource):
    """An origin space with the six personas and a note added by its owner, and a partner space
    where the same people have the same roles, both with the library on."""

    def build(origin_visibility: str = "members", receiving_visibility: str = "members"):
        origin, clients = library_space(origin_visibility)
        users = clients.users
        receiving = make_space(
            "Groupe partenaire", owner=users["owner"], visibility=receiving_visibility
        )
        for name in ("observer", "member", "facilitator"):
            add_member(receiving, users[name], ROLE_OF[name])
        enable_library(receiving, users["owner"])
        resource = add_resource(origin, users["owner"], title="Guide des mares")
        return origin, receiving, clients, resource

    return build


def share(origin, receiving, user, resource) -> Share:
    return sharing.resource_share(
        access=library_access_for(origin, user), resource=resource, space_id=receiving.pk
    )


def test_every_route_of_this_part_is_in_the_table():
    _prefix, resolver = get_resolver().namespace_dict["library"]
    names = {p.name for p in resolver.url_patterns if isinstance(p, URLPattern)}
    assert set(ROUTES) <= names


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("side", ["origin", "receiving"])
def test_every_route_answers_every_persona_in_both_spaces(two_spaces, side, visibility):
    origin, receiving, clients, resource = two_spaces(
        visibility if side == "origin" else "members",
        visibility if side == "receiving" else "members",
    )
    owner = clients.users["owner"]
    share(origin, receiving, owner, resource)
    space = origin if side == "origin" else receiving
    access = library_access_for(space, owner)
    collection = collections.collection_create(access=access, title="Kit d'accueil")
    collections.collection_add(access=access, collection=collection, resource=resource)
    comment = social.comment_add(access=access, resource=resource, body="Très utile.")
    before = everything()
    for name, (verb, success, _post) in ROUTES.items():
        if side == "receiving" and name == "share":
            verb = "nobody"  # shared onwards only from its origin
        url = route_url(name, space, resource, collection, comment)
        for persona in PERSONAS:
            wanted = expected(verb, persona, visibility, success)
            assert_answer(clients[persona].get(url), wanted, persona, name)
    assert everything() == before


@pytest.mark.parametrize("name", [n for n in ROUTES if n not in SPACE_ONLY | OF_COLLECTION])
def test_a_resource_of_another_space_is_a_404_under_this_spaces_address(two_spaces, name):
    origin, receiving, clients, _resource = two_spaces()
    owner = clients.users["owner"]
    theirs = Resource.objects.create(space=receiving, kind="note", title="Note du groupe")
    comment = Comment.objects.create(
        resource=theirs, space=receiving, author=owner, body="x", html="<p>x</p>"
    )
    before = everything()
    url = route_url(name, origin, theirs, comment=comment)
    assert clients["owner"].get(url).status_code in (404, ROUTES[name][1] == 405 and 405)
    assert clients["owner"].post(url, {"space": receiving.pk, "body": "Hop"}).status_code == 404
    assert everything() == before


@pytest.mark.parametrize("receiving_visibility", VISIBILITIES)
@pytest.mark.parametrize("origin_visibility", VISIBILITIES)
def test_only_the_creator_or_a_manager_of_the_origin_shares_and_only_they_change_anything(
    two_spaces, origin_visibility, receiving_visibility
):
    origin, receiving, clients, resource = two_spaces(origin_visibility, receiving_visibility)
    url = route_url("share", origin, resource)
    for persona in ["anonymous", "outsider", "observer", "member"]:
        before = everything()
        response = clients[persona].post(url, {"space": receiving.pk})
        assert_answer(response, expected("manage", persona, origin_visibility, 302), persona)
        assert everything() == before
    for persona in ["facilitator", "owner"]:
        Share.objects.all().delete()
        response = clients[persona].post(url, {"space": receiving.pk})
        assert response.status_code == 302, persona
        assert Share.objects.filter(resource=resource, space=receiving).count() == 1
    event = ActivityEvent.objects.filter(kind="library.resource.shared").order_by("pk").last()
    assert event.space_id == receiving.pk
    assert event.actor_id == clients.users["owner"].pk
    assert (event.target_type, event.target_id) == ("library.resource", resource.pk)
    assert event.participation == "initiative"


def test_the_creator_shares_their_own_resource_but_not_into_a_space_where_they_only_read(
    two_spaces, add_resource, make_space, add_member, make_user
):
    origin, receiving, clients, _resource = two_spaces()
    member = clients.users["member"]
    own = add_resource(origin, member, title="Retour d'expérience")
    assert share(origin, receiving, member, own).space == receiving
    watched = make_space("Observatoire", owner=make_user("obs@example.org"))
    enable_library(watched, watched.memberships.get().user)
    add_member(watched, member, "observer")
    with pytest.raises(ValidationError):
        share(origin, watched, member, own)
    assert not Share.objects.filter(space=watched).exists()


def test_a_reader_of_a_private_space_cannot_carry_its_content_into_a_public_one(
    two_spaces, make_space
):
    """A member who owns a public space still may not share someone else's resource there."""
    origin, _receiving, clients, resource = two_spaces("secret")
    member = clients.users["member"]
    public = make_space("Vitrine publique", owner=member, visibility="public")
    enable_library(public, member)
    before = everything()
    response = clients["member"].post(route_url("share", origin, resource), {"space": public.pk})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        share(origin, public, member, resource)
    assert everything() == before


def test_sharing_into_a_space_one_is_not_a_member_of_is_refused_with_a_message(
    two_spaces, make_space, make_user
):
    origin, _receiving, clients, resource = two_spaces()
    elsewhere = make_space("Autre réseau", owner=make_user("autre@example.org"))
    enable_library(elsewhere, elsewhere.memberships.get().user)
    before = everything()
    for target in (elsewhere.pk, origin.pk, 987654):
        response = clients["facilitator"].post(
            route_url("share", origin, resource), {"space": target}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["space"]
    with pytest.raises(ValidationError):
        share(origin, elsewhere, clients.users["facilitator"], resource)
    assert everything() == before


def test_someone_who_lost_their_membership_meanwhile_is_refused_on_either_side(two_spaces):
    origin, receiving, clients, resource = two_spaces()
    facilitator = clients.users["facilitator"]
    stale_origin = library_access_for(origin, facilitator)
    Membership.objects.filter(space=receiving, user=facilitator).delete()
    before = everything()
    with pytest.raises(ValidationError):
        sharing.resource_share(access=stale_origin, resource=resource, space_id=receiving.pk)
    Membership.objects.create(space=receiving, user=facilitator, role="facilitator")
    stale_origin = library_access_for(origin, facilitator)
    Membership.objects.filter(space=origin, user=facilitator).delete()
    with pytest.raises((PermissionDenied, ValidationError)):
        sharing.resource_share(access=stale_origin, resource=resource, space_id=receiving.pk)
    assert everything() == before


def test_sharing_twice_is_refused_and_the_page_offers_only_spaces_one_may_add_to(
    two_spaces, make_space, add_member, make_user
):
    origin, receiving, clients, resource = two_spaces()
    owner = clients.users["owner"]
    no_library = make_space("Sans bibliothèque", owner=owner)
    only_reading = make_space("Lecture seule", owner=make_user("lecture@example.org"))
    enable_library(only_reading, only_reading.memberships.get().user)
    add_member(only_reading, owner, "observer")
    page = clients["owner"].get(route_url("share", origin, resource))
    assert [target.space for target in page.context["targets"]] == [receiving]
    assert no_library.name not in page.content.decode()
    share(origin, receiving, owner, resource)
    assert clients["owner"].get(route_url("share", origin, resource)).context["targets"] == []
    with pytest.raises(ValidationError):
        share(origin, receiving, owner, resource)
    assert Share.objects.count() == 1


def test_the_share_targets_take_four_queries_whatever_the_number_of_spaces(
    two_spaces, make_space, django_assert_num_queries
):
    origin, _receiving, clients, resource = two_spaces()
    owner = clients.users["owner"]
    access = library_access_for(origin, owner)
    with django_assert_num_queries(4):
        assert len(sharing.share_targets(access, resource)) == 1
    for number in range(5):
        enable_library(make_space(f"Groupe {number}", owner=owner), owner)
    with django_assert_num_queries(4):
        assert len(sharing.share_targets(access, resource)) == 6


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_receiving_space_shows_it_to_its_own_readers_with_its_origin(two_spaces, visibility):
    # A members-only origin: named, though most readers here may not read it (a secret one is
    # never named: test_a_secret_origin_is_never_named_in_the_space_it_is_shared_into).
    origin, receiving, clients, resource = two_spaces("members", visibility)
    share(origin, receiving, clients.users["owner"], resource)
    url = reverse("library:resource", args=[receiving.slug, resource.public_id])
    for persona in PERSONAS:
        response = clients[persona].get(url)
        assert_answer(response, expected("read", persona, visibility, 200), persona)
        if response.status_code == 200:  # in the reader's language (visitors: the site's)
            reader = clients.users.get(persona)
            language = "fr" if reader is None else type(reader).objects.get(pk=reader.pk).language
            with translation.override(language):
                said = gettext("Shared from %(name)s") % {"name": origin.name}
            assert said in response.content.decode(), persona


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_managers_of_the_receiving_space_stop_sharing_from_there(two_spaces, visibility):
    origin, receiving, clients, resource = two_spaces("members", visibility)
    owner = clients.users["owner"]
    share(origin, receiving, owner, resource)
    collection = collections.collection_create(
        access=library_access_for(receiving, owner), title="Boîte à outils"
    )
    collections.collection_add(
        access=library_access_for(receiving, owner), collection=collection, resource=resource
    )
    url = route_url("unshare", receiving, resource)
    for persona in ["anonymous", "outsider", "observer", "member"]:
        before = everything()
        response = clients[persona].post(url)
        assert_answer(response, expected("manage", persona, visibility, 302), persona)
        assert everything() == before
    response = clients["facilitator"].post(url)
    assert response.status_code == 302
    assert not Share.objects.exists()
    assert not CollectionItem.objects.exists()  # its collections show what its library shows
    assert Resource.objects.filter(pk=resource.pk).exists()
    assert (
        clients["member"]
        .get(reverse("library:resource", args=[receiving.slug, resource.public_id]))
        .status_code
        == 404
    )
    event = ActivityEvent.objects.get(kind="library.resource.unshared")
    assert (event.space_id, event.actor_id) == (receiving.pk, clients.users["facilitator"].pk)


def test_from_the_origin_the_creator_or_its_managers_stop_sharing_a_named_space(
    two_spaces, add_resource
):
    origin, receiving, clients, _resource = two_spaces()
    member = clients.users["member"]
    own = add_resource(origin, member, title="Fiche")
    share(origin, receiving, member, own)
    url = route_url("unshare", origin, own)
    assert clients["observer"].post(url, {"space": receiving.pk}).status_code == 403
    assert Share.objects.count() == 1
    response = clients["member"].post(url, {"space": receiving.pk})
    assert response.status_code == 302
    assert not Share.objects.exists()


def test_a_member_of_the_receiving_space_may_not_unshare_it_from_another_space(two_spaces):
    """From a receiving space, only that space's own share can be stopped."""
    origin, receiving, clients, resource = two_spaces()
    owner = clients.users["owner"]
    share(origin, receiving, owner, resource)
    with pytest.raises(PermissionDenied):
        sharing.resource_unshare(
            access=library_access_for(receiving, owner), resource=resource, space_id=origin.pk
        )
    assert Share.objects.count() == 1


def test_deleting_the_resource_removes_it_from_every_space(two_spaces):
    from coopilote.tools.library import actions

    origin, receiving, clients, resource = two_spaces()
    owner = clients.users["owner"]
    share(origin, receiving, owner, resource)
    access = library_access_for(receiving, owner)
    collection = collections.collection_create(access=access, title="Sélection")
    collections.collection_add(access=access, collection=collection, resource=resource)
    social.comment_add(access=access, resource=resource, body="Bien.")
    social.favourite_toggle(access=access, resource=resource)
    actions.resource_delete(access=library_access_for(origin, owner), resource=resource)
    assert not Share.objects.exists()
    assert not CollectionItem.objects.exists()
    assert not Comment.objects.exists()
    assert not Favourite.objects.exists()
    url = reverse("library:resource", args=[receiving.slug, resource.public_id])
    assert clients["member"].get(url).status_code == 404


def test_a_secret_origin_is_never_named_in_the_space_it_is_shared_into(two_spaces):
    """A secret space's resource shown in a public library: its readers learn nothing about the
    secret space, not even its name (list, resource page, exports); a listed origin is named."""
    origin, receiving, clients, resource = two_spaces("secret", "public")
    share(origin, receiving, clients.users["owner"], resource)
    visitor = clients["anonymous"]
    pages = [
        visitor.get(reverse("library:index", args=[receiving.slug])),
        visitor.get(reverse("library:resource", args=[receiving.slug, resource.public_id])),
    ]
    csv_export = visitor.get(reverse("library:export_csv", args=[receiving.slug]))
    json_export = visitor.get(reverse("library:export_json", args=[receiving.slug]))
    texts = [page.content.decode() for page in pages]
    texts += [b"".join(answer.streaming_content).decode() for answer in (csv_export, json_export)]
    assert resource.title in texts[0]
    for text in texts:
        assert origin.name not in text
    assert json.loads(texts[3])["resources"][0]["origin_space"] == ""
    with translation.override("fr"):
        assert gettext("Shared from another space") in texts[0]
    # Exported from the secret space itself, by its members, the origin is named.
    own = clients["member"].get(reverse("library:export_json", args=[origin.slug]))
    own_export = json.loads(b"".join(own.streaming_content))
    assert own_export["resources"][0]["origin_space"] == origin.name


def test_a_listed_origin_is_named_where_it_is_shared(two_spaces):
    origin, receiving, clients, resource = two_spaces("members", "public")
    share(origin, receiving, clients.users["owner"], resource)
    page = clients["anonymous"].get(reverse("library:index", args=[receiving.slug]))
    assert origin.name in page.content.decode()
