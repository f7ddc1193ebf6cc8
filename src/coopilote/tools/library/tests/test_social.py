"""Favourites (people with a role) and comments (contributors, read in their own space)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from coopilote.activity.models import ActivityEvent
from coopilote.tools.library import social
from coopilote.tools.library.models import Comment, Favourite
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


def test_people_with_a_role_toggle_a_favourite_and_visitors_cannot(library_space, add_resource):
    space, clients = library_space("public")
    resource = add_resource(space, clients.users["owner"])
    url = route_url("favourite", space, resource)
    before = everything()
    response = clients["anonymous"].post(url)
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert clients["outsider"].post(url).status_code == 403
    assert everything() == before
    assert clients["observer"].post(url).status_code == 302
    assert Favourite.objects.filter(user=clients.users["observer"], resource=resource).exists()
    page = clients["observer"].get(route_url("favourites", space)).content.decode()
    assert resource.title in page
    assert (
        "Remove from my favourites"
        in clients["observer"]
        .get(reverse("library:resource", args=[space.slug, resource.public_id]))
        .content.decode()
    )
    response = clients["observer"].post(url, {"back": "favourites"})
    assert response["Location"] == route_url("favourites", space)
    assert not Favourite.objects.exists()


def test_my_favourites_list_what_this_space_shows_shared_ones_included(
    two_spaces,  # noqa: F811
    add_resource,
):
    origin, receiving, clients, resource = two_spaces()
    member = clients.users["member"]
    share(origin, receiving, clients.users["owner"], resource)
    only_origin = add_resource(origin, member, title="Seulement ici")
    for space, found in ((receiving, resource), (origin, only_origin)):
        social.favourite_toggle(access=library_access_for(space, member), resource=found)
    page = clients["member"].get(route_url("favourites", receiving))
    assert [f.resource for f in page.context["page"].object_list] == [resource]
    assert f"Shared from {origin.name}" in page.content.decode()
    page = clients["member"].get(route_url("favourites", origin))
    assert [f.resource for f in page.context["page"].object_list] == [only_origin, resource]


def test_the_favourites_page_takes_the_same_queries_whatever_their_number(
    library_space, add_resource, django_assert_num_queries
):
    space, clients = library_space("members")
    member = clients.users["member"]
    url = route_url("favourites", space)
    counts = []
    for number in (2, 20):
        for index in range(number - len(Favourite.objects.all())):
            found = add_resource(space, member, title=f"Fiche {number}-{index}")
            Favourite.objects.create(user=member, resource=found)
        with django_assert_num_queries(8) as context:
            response = clients["member"].get(url)
        counts.append(len(context.captured_queries))
        assert len(response.context["page"].object_list) == number
    assert counts[0] == counts[1]


def test_a_contributor_comments_in_markdown_and_it_is_an_event(library_space, add_resource):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["owner"])
    response = clients["member"].post(
        route_url("comment_add", space, resource), {"body": "Merci, **très** utile."}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "<strong>très</strong>" in comment.html
    assert (comment.space, comment.author) == (space, clients.users["member"])
    event = ActivityEvent.objects.get(kind="library.comment.added")
    assert event.participation == "reaction"
    assert (event.target_type, event.target_id) == ("library.comment", comment.pk)
    assert (event.parent_type, event.parent_id) == ("library.resource", resource.pk)
    page = clients["observer"].get(response["Location"]).content.decode()
    assert "<strong>très</strong>" in page
    assert route_url("comment_add", space, resource) not in page  # observers only read


def test_observers_and_visitors_cannot_comment(library_space, add_resource):
    space, clients = library_space("public")
    resource = add_resource(space, clients.users["owner"])
    url = route_url("comment_add", space, resource)
    before = everything()
    for persona, status in (("anonymous", 302), ("outsider", 403), ("observer", 403)):
        assert clients[persona].post(url, {"body": "Coucou"}).status_code == status
    assert everything() == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write your comment."),
        ("x" * 5001, "5000 characters at most"),
        ("Voir <b>ceci</b>", MARKUP),
    ],
)
def test_a_refused_comment_says_why_and_keeps_the_text(library_space, add_resource, body, message):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["owner"])
    before = everything()
    response = clients["member"].post(route_url("comment_add", space, resource), {"body": body})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    if body.strip():
        assert body.replace("<", "&lt;").replace(">", "&gt;") in content
    assert everything() == before


def test_a_comment_is_read_only_in_the_space_it_was_written_in(two_spaces):  # noqa: F811
    origin, receiving, clients, resource = two_spaces()
    owner = clients.users["owner"]
    share(origin, receiving, owner, resource)
    social.comment_add(
        access=library_access_for(receiving, owner), resource=resource, body="Vu du groupe"
    )
    social.comment_add(
        access=library_access_for(origin, owner), resource=resource, body="Vu du réseau"
    )
    for space, shown, hidden in (
        (receiving, "Vu du groupe", "Vu du réseau"),
        (origin, "Vu du réseau", "Vu du groupe"),
    ):
        page = clients["observer"].get(
            reverse("library:resource", args=[space.slug, resource.public_id])
        )
        assert shown in page.content.decode()
        assert hidden not in page.content.decode()


def test_the_author_or_managers_delete_a_comment_and_nobody_else(library_space, add_resource):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["owner"])
    member_access = library_access_for(space, clients.users["member"])
    comments = [
        social.comment_add(access=member_access, resource=resource, body=f"Avis {n}")
        for n in range(2)
    ]
    before = everything()
    for persona in ("observer",):
        response = clients[persona].post(
            route_url("comment_delete", space, resource, None, comments[0])
        )
        assert response.status_code == 403
    assert everything() == before
    for persona, comment in zip(("member", "facilitator"), comments, strict=True):
        url = route_url("comment_delete", space, resource, None, comment)
        assert clients[persona].get(url).status_code == 200
        assert clients[persona].post(url).status_code == 302
    assert not Comment.objects.exists()


def test_another_member_may_not_delete_someone_elses_comment(library_space, add_resource):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["owner"])
    comment = social.comment_add(
        access=library_access_for(space, clients.users["facilitator"]),
        resource=resource,
        body="Mon avis",
    )
    url = route_url("comment_delete", space, resource, None, comment)
    assert clients["member"].post(url).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_comment_is_refused_or_never_executes(library_space, add_resource, name):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["owner"])
    payload = CORPUS[name]
    before = everything()
    response = clients["member"].post(
        route_url("comment_add", space, resource), {"body": f"Avant\n\n{payload}\n\nAprès"}
    )
    if name in SEC_T23 and "<" in payload and response.status_code == 400:
        assert MARKUP in response.content.decode()
        assert everything() == before
        return
    if response.status_code == 400:  # markup refused, whatever the payload
        assert MARKUP in response.content.decode()
        return
    assert response.status_code == 302
    assert problems(Comment.objects.get().html) == []
    html = clients["observer"].get(response["Location"]).content.decode()
    body = html.split('<ol class="library-comments__list">', 1)[1].split("</ol>", 1)[0]
    assert problems(body) == [], name
