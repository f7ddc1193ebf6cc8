"""Issue 6, point 6: library resources embedded in wiki pages (``![[library:<id>|caption]]``).

The page stores a placeholder that names only what the author wrote; when the page is shown,
the library gives each reader a picture or a card for the resources they may read (in the
page's space, the resource's origin or a space it is shared into), and nothing at all for the
others, in the same number of queries whatever the number of embeds.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopilote.accounts.models import User
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.models import SpaceTool
from coopilote.spaces.policies import Role
from coopilote.spaces.tests.conftest import *  # noqa: F403
from coopilote.spaces.tests.conftest import PERSONAS, ROLE_OF
from coopilote.tools.library.models import Resource, ResourceFile, Share
from coopilote.tools.wiki import actions as wiki_actions
from coopilote.tools.wiki.models import Page
from coopilote.tools.wiki.tests.helpers import wiki_access_for

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'"


def enable(space, owner, *tools: str) -> None:
    for tool in tools:
        space_actions.space_tool_enable(access=access_for(space, owner), tool_key=tool)


def add_link(space, title: str = "Guide des mares", **fields: Any) -> Resource:
    return Resource.objects.create(
        space=space,
        kind=Resource.Kind.LINK,
        title=title,
        url="https://example.org/guide",
        resource_type="guide",
        licence="cc-by-sa",
        **fields,
    )


def add_picture(space, title: str = "Mare de Chaumont") -> Resource:
    resource = Resource.objects.create(space=space, kind=Resource.Kind.FILE, title=title)
    resource.current_file = ResourceFile.objects.create(
        resource=resource,
        number=1,
        storage_name=f"library/{resource.public_id}-1.jpg",
        name="mare.jpg",
        size=1000,
        content_type="image/jpeg",
        file_kind="image",
        extension="jpg",
        sha256="0" * 64,
        width=800,
        height=600,
        thumbnail=f"library/{resource.public_id}-1-thumb.webp",
    )
    resource.save(update_fields=["current_file"])
    return resource


def add_page(space, owner, body: str, title: str = "Ressources") -> Page:
    return wiki_actions.page_create(access=wiki_access_for(space, owner), title=title, body=body)


def shown(client, page: Page) -> str:
    response = client.get(reverse("wiki:page", args=[page.space.slug, page.slug]))
    assert response.status_code == 200
    return str(response.context["body_html"])


def resource_url(space, resource: Resource) -> str:
    return reverse("library:resource", args=[space.slug, resource.public_id])


def thumbnail_url(space, resource: Resource) -> str:
    return reverse("library:thumbnail", args=[space.slug, resource.public_id])


@pytest.fixture
def wiki_and_library(personas):
    """``(space, clients)``: the six personas around a space with the wiki and the library on."""

    def build(visibility: str = "members"):
        space, clients = personas(visibility)
        enable(space, clients.users["owner"], "wiki", "library")
        return space, clients

    return build


@pytest.fixture
def other(make_space, make_user):
    """Another space with the library on, and its owner."""
    made = itertools.count()

    def build(name: str, visibility: str = "members"):
        owner = make_user(f"other-owner-{next(made)}@example.org")
        space = make_space(name, owner=owner, visibility=visibility)
        enable(space, owner, "library")
        return space, owner

    return build


def test_the_stored_page_holds_a_placeholder_that_names_neither_title_nor_url(wiki_and_library):
    space, clients = wiki_and_library()
    resource = add_picture(space)
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}|Une mare]]")
    stored = page.current.html
    assert stored == (
        f'<div data-embed-scheme="library" data-embed-id="{resource.public_id}">Une mare</div>\n'
    )
    assert resource.title not in stored and "/s/" not in stored


def test_readers_of_the_origin_space_see_the_picture_with_its_caption_and_page(
    wiki_and_library,
):
    space, clients = wiki_and_library()
    resource = add_picture(space)
    page = add_page(
        space, clients.users["owner"], f"Voici :\n![[library:{resource.public_id}|Une mare]]"
    )
    html = shown(clients["observer"], page)
    assert html == (
        "<p>Voici :</p>\n"
        '<figure class="library-embed library-embed--picture">'
        f'<img src="{thumbnail_url(space, resource)}" alt="Une mare" loading="lazy">'
        f'<figcaption><a href="{resource_url(space, resource)}">Une mare</a></figcaption>'
        "</figure>\n"
    )


def test_without_a_caption_the_picture_is_named_by_its_title(wiki_and_library):
    space, clients = wiki_and_library()
    resource = add_picture(space, title="Mare de Chaumont")
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}]]")
    html = shown(clients["member"], page)
    assert 'alt="Mare de Chaumont"' in html
    assert ">Mare de Chaumont</a></figcaption>" in html


def test_other_resources_are_a_card_with_title_kind_type_and_licence(wiki_and_library):
    space, clients = wiki_and_library()
    resource = add_link(space)
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}|À lire]]")
    User.objects.filter(pk=clients.users["member"].pk).update(language="en")
    html = shown(clients["member"], page)
    assert html == (
        '<div class="library-embed library-embed--card">'
        f'<p class="library-embed__title"><a href="{resource_url(space, resource)}">'
        "Guide des mares</a></p>"
        '<p class="library-embed__details"><span class="visually-hidden">Library resource: '
        "</span>Web link · Guide · CC BY-SA</p>"
        '<p class="library-embed__caption">À lire</p></div>\n'
    )


def test_a_resource_in_a_members_only_space_is_shown_to_its_readers_only(
    wiki_and_library, make_space, add_member
):
    """Six personas: the page is public, the resource lives in a members-only space where the
    same people hold the same roles; visitors get nothing that tells about it."""
    space, clients = wiki_and_library("public")
    origin = make_space("Groupe zones humides", owner=clients.users["owner"], visibility="members")
    enable(origin, clients.users["owner"], "library")
    for persona, role in ROLE_OF.items():
        if persona != "owner":
            add_member(origin, clients.users[persona], role)
    resource = add_link(origin, title="Inventaire confidentiel")
    page = add_page(
        space, clients.users["owner"], f"Avant\n\n![[library:{resource.public_id}|Légende]]"
    )
    for persona in PERSONAS:
        html = shown(clients[persona], page)
        if persona in ROLE_OF:
            assert f'href="{resource_url(origin, resource)}"' in html, persona
            assert "Inventaire confidentiel" in html
        else:
            assert html == "<p>Avant</p>\n", persona


def test_an_outsider_of_the_origin_learns_nothing_not_even_the_caption(wiki_and_library, other):
    space, clients = wiki_and_library("public")
    secret, _owner = other("Groupe secret", "secret")
    resource = add_picture(secret, title="Plan secret")
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}|Légende]]")
    for persona in ("anonymous", "outsider", "member", "owner"):
        html = shown(clients[persona], page)
        assert html == "", persona


def test_a_reader_of_a_space_the_resource_is_shared_into_sees_it_there(wiki_and_library, other):
    space, clients = wiki_and_library()
    origin, origin_owner = other("Réseau régional", "secret")
    resource = add_picture(origin)
    Share.objects.create(resource=resource, space=space, shared_by=origin_owner)
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}]]")
    html = shown(clients["member"], page)
    assert f'src="{thumbnail_url(space, resource)}"' in html
    assert f'href="{resource_url(space, resource)}"' in html
    assert origin.slug not in html


def test_links_prefer_the_page_space_over_the_origin_the_reader_also_reads(
    wiki_and_library, other, add_member
):
    space, clients = wiki_and_library()
    origin, origin_owner = other("Réseau régional")
    add_member(origin, clients.users["member"], Role.MEMBER)
    resource = add_link(origin)
    Share.objects.create(resource=resource, space=space, shared_by=origin_owner)
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}]]")
    html = shown(clients["member"], page)
    assert f'href="{resource_url(space, resource)}"' in html
    assert origin.slug not in html


def test_a_resource_held_elsewhere_leads_to_the_space_the_reader_may_read(
    wiki_and_library, other, add_member
):
    """Shared into a third space only: the member reads it there, not in the secret origin."""
    space, clients = wiki_and_library()
    origin, origin_owner = other("Origine secrète", "secret")
    partner, _partner_owner = other("Partenaire")
    add_member(partner, clients.users["member"], Role.OBSERVER)
    resource = add_link(origin)
    Share.objects.create(resource=resource, space=partner, shared_by=origin_owner)
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}]]")
    assert f'href="{resource_url(partner, resource)}"' in shown(clients["member"], page)
    assert shown(clients["observer"], page) == ""


def test_a_library_turned_off_hides_its_resources(wiki_and_library):
    space, clients = wiki_and_library()
    resource = add_link(space)
    page = add_page(space, clients.users["owner"], f"![[library:{resource.public_id}]]")
    assert "Guide des mares" in shown(clients["member"], page)
    SpaceTool.objects.filter(space=space, tool_key="library").update(enabled=False)
    assert shown(clients["member"], page) == ""


def test_a_deleted_resource_disappears_from_the_page(wiki_and_library):
    space, clients = wiki_and_library()
    kept, deleted = add_link(space, title="Gardée"), add_picture(space, title="Supprimée")
    page = add_page(
        space,
        clients.users["owner"],
        f"![[library:{kept.public_id}]]\n\n![[library:{deleted.public_id}|Légende]]",
    )
    assert deleted.public_id in shown(clients["member"], page)
    deleted.delete()
    html = shown(clients["member"], page)
    assert "Gardée" in html
    assert "Supprimée" not in html and "Légende" not in html and deleted.public_id not in html


def test_an_unknown_or_malformed_identifier_shows_nothing(wiki_and_library):
    space, clients = wiki_and_library()
    page = add_page(
        space, clients.users["owner"], "![[library:" + "0" * 32 + "|A]]\n\n![[library:nope|B]]"
    )
    assert shown(clients["member"], page) == ""


def test_markup_in_caption_and_title_is_escaped(wiki_and_library):
    space, clients = wiki_and_library()
    picture, card = add_picture(space, title=XSS), add_link(space, title=XSS)
    page = add_page(
        space,
        clients.users["owner"],
        f"![[library:{picture.public_id}]]\n\n![[library:{card.public_id}|{XSS}]]",
    )
    html = shown(clients["member"], page)
    # the picture's alt and figcaption (its title), the card's title and its caption
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4
    assert not re.search(r"(?i)<(script|iframe)\b", html)
    assert len(re.findall(r"<img\b", html)) == 1  # the thumbnail, nothing from the title
    assert 'alt="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;' in html


def _queries(client, page: Page) -> int:
    with CaptureQueriesContext(connection) as captured:
        shown(client, page)
    return len(captured)


def test_a_page_shows_its_embeds_in_the_same_queries_whatever_their_number(
    wiki_and_library, other, add_member
):
    space, clients = wiki_and_library()
    owner, member = clients.users["owner"], clients.users["member"]
    partner, partner_owner = other("Partenaire")
    add_member(partner, member, Role.MEMBER)
    page = add_page(space, owner, "Rien à montrer.")
    clients["member"].get(reverse("wiki:page", args=[space.slug, page.slug]))
    none = _queries(clients["member"], page)

    def save(resources: list[Resource]) -> None:
        body = "\n\n".join(f"![[library:{resource.public_id}]]" for resource in resources)
        wiki_actions.page_save(
            access=wiki_access_for(space, owner),
            page=page,
            title=page.title,
            body=body,
            base_number=Page.objects.get(pk=page.pk).current.number,
        )

    save([add_picture(space)])
    one = _queries(clients["member"], page)
    resources = [add_picture(space, title=f"Photo {n}") for n in range(4)]
    resources += [add_link(partner, title=f"Lien {n}") for n in range(3)]
    for resource in resources[:3]:
        Share.objects.create(resource=resource, space=partner, shared_by=partner_owner)
    resources += [add_link(other(f"Ailleurs {n}", "secret")[0]) for n in range(3)]
    save(resources)
    html = shown(clients["member"], page)
    assert html.count("<figure") == 4 and html.count("library-embed--card") == 3
    assert _queries(clients["member"], page) == one
    # resources, their shares, the reader's memberships and the library rows of those spaces
    assert one == none + 4


def test_the_editor_preview_shows_embeds_as_the_page_will(wiki_and_library):
    space, clients = wiki_and_library()
    resource = add_picture(space)
    response = clients["member"].post(
        reverse("wiki:preview", args=[space.slug]),
        {"body": f"![[library:{resource.public_id}|Aperçu]]"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<img src="{thumbnail_url(space, resource)}" alt="Aperçu"' in html
    assert "data-embed-id" not in html
