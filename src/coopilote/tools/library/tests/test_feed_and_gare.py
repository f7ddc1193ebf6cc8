"""The library in the space's activity feed (resources named while they are still in the
library) and on the gare centrale (the resources added last, on the library's card)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coopilote.tools.library import actions
from coopilote.tools.library.models import Share
from coopilote.tools.library.tests.helpers import library_access_for

pytestmark = pytest.mark.django_db


def library_card(client, space):
    response = client.get(reverse("spaces:detail", args=[space.slug]))
    assert response.status_code == 200
    (card,) = [tool for tool in response.context["tools"] if tool.tool_key == "library"]
    return card, response.content.decode()


def test_the_gare_lists_the_resources_added_last_own_and_shared(
    library_space, add_resource, make_space
):
    space, clients = library_space("public")
    owner = clients.users["owner"]
    for title in ("Guide des mares", "Carte des haies", "Protocole"):
        add_resource(space, owner, title=title)
    other = make_space("Syndicat de rivière")
    shared = add_resource(space, owner, title="Étude partagée")
    Share.objects.create(resource=shared, space=other)
    card, _html = library_card(clients["anonymous"], space)
    assert [item.title for item in card.news] == ["Étude partagée", "Protocole", "Carte des haies"]
    assert card.news[0].url == reverse("library:resource", args=[space.slug, shared.public_id])


def test_the_feed_names_resources_still_in_the_library(library_space, add_resource):
    space, clients = library_space("members")
    owner = clients.users["owner"]
    kept = add_resource(space, owner, title="Guide des mares")
    gone = add_resource(space, owner, title="Brouillon retiré")
    actions.resource_delete(access=library_access_for(space, owner), resource=gone)
    response = clients["member"].get(reverse("spaces:activity", args=[space.slug]))
    html = response.content.decode()
    assert f'href="{reverse("library:resource", args=[space.slug, kept.public_id])}"' in html
    assert gone.public_id not in html
