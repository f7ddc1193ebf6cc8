"""The member directory ("qui sait quoi"), a member's page in a space, and "my card"."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.models import Tag
from coopilote.accounts.tests.helpers import error_texts, in_french, normalise
from coopilote.spaces import actions
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.policies import Role

from .conftest import PERSONAS

SEES_EVERYTHING = {"observer", "member", "facilitator", "owner"}
FACILITATORS = {"facilitator", "owner"}


def directory_url(space: Space, **params: str) -> str:
    url = reverse("spaces:directory", args=[space.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def member_url(space: Space, user) -> str:
    return reverse("spaces:member", args=[space.slug, user.pk])


def card_names(response) -> list[str]:
    """Names on the directory cards, in page order."""
    text = response.content.decode()
    found = re.findall(r'<h3 class="member-card__name"><a href="[^"]+">([^<]+)</a>', text)
    return [html.unescape(name) for name in found]


def expected_status(visibility: str, persona: str, allowed: set[str]) -> int:
    if persona in allowed:
        return 200
    if visibility == "secret" and persona in {"anonymous", "outsider"}:
        return 404
    # Anonymous people who may know the space are asked to log in.
    return 302 if persona == "anonymous" else 403


@pytest.fixture
def profile(make_user):
    """Make a person with a filled profile."""

    def make(email: str, *, skills=(), interests=(), **fields):
        person = make_user(email, **fields)
        person.skills.set(Tag.from_names(list(skills)))
        person.interests.set(Tag.from_names(list(interests)))
        return person

    return make


# Who may see the directory --------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_the_directory_is_for_members_only_whatever_the_space_visibility(personas, visibility):
    space, clients = personas(visibility)
    for persona in PERSONAS:
        response = clients[persona].get(directory_url(space))
        assert response.status_code == expected_status(visibility, persona, SEES_EVERYTHING), (
            persona
        )
        if response.status_code == 200:
            assert "member@example.org" not in response.content.decode()


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_a_directory_for_facilitators_is_refused_to_members_and_observers(personas, visibility):
    space, clients = personas(visibility, directory_visibility="facilitators")
    for persona in PERSONAS:
        response = clients[persona].get(directory_url(space))
        assert response.status_code == expected_status(visibility, persona, FACILITATORS), persona
        response = clients[persona].get(member_url(space, clients.users["owner"]))
        assert response.status_code == expected_status(visibility, persona, FACILITATORS), persona


def test_the_directory_answers_only_get(personas):
    space, clients = personas("members")
    before = list(Membership.objects.values_list("pk", "role", "represents").order_by("pk"))
    for persona in PERSONAS:
        response = clients[persona].post(directory_url(space), {"represents": "Pirates"})
        assert response.status_code in {302, 403, 405}, persona
        response = clients[persona].post(member_url(space, clients.users["member"]))
        assert response.status_code in {302, 403, 405}, persona
    after = list(Membership.objects.values_list("pk", "role", "represents").order_by("pk"))
    assert after == before


def test_an_unknown_space_and_a_secret_one_look_the_same_to_outsiders(personas):
    space, clients = personas("secret")
    missing = clients["outsider"].get(reverse("spaces:directory", args=["nowhere"]))
    secret = clients["outsider"].get(directory_url(space))
    assert missing.status_code == secret.status_code == 404
    assert normalise(missing.content.decode(), "nowhere") == normalise(
        secret.content.decode(), space.slug
    )


def test_facilitators_of_a_parent_see_the_directory_of_its_children(
    personas, make_space, add_member, make_user
):
    network, clients = personas("members")
    owner = clients.users["owner"]
    group = make_space("Groupe Eau", owner=owner, parent=network, visibility="members")
    Membership.objects.filter(space=group, user=owner).delete()
    add_member(group, make_user("groupe@example.org", display_name="Zoé Groupe"))
    add_member(group, clients.users["facilitator"], Role.OBSERVER)
    facilitator = clients["facilitator"].get(directory_url(group))
    assert facilitator.status_code == 200
    assert "Zoé Groupe" in card_names(facilitator)
    # An owner of the network is a facilitator of the group, with no card of their own there.
    assert clients["owner"].get(directory_url(group)).status_code == 200
    assert clients["member"].get(directory_url(group)).status_code == 403


def test_an_archived_space_keeps_its_directory_and_a_closed_one_hides_it(personas):
    space, clients = personas("members")
    owner_access = access_for(space, clients.users["owner"])
    actions.space_set_status(access=owner_access, status="archived")
    assert clients["member"].get(directory_url(space)).status_code == 200
    actions.space_set_status(access=owner_access, status="closed")
    assert clients["member"].get(directory_url(space)).status_code == 404
    assert clients["owner"].get(directory_url(space)).status_code == 403


# What the cards show --------------------------------------------------------------------------


def test_a_card_shows_name_role_organisation_tags_and_place_but_no_email_or_coordinates(
    personas, profile, add_member
):
    space, clients = personas("members")
    person = profile(
        "ines.durand@example.org",
        display_name="Inès Durand",
        organisation="Coopérative Les Deux Rives",
        place_name="Chinon (37)",
        place_latitude=Decimal("47.17"),
        place_longitude=Decimal("0.24"),
        skills=["Cartographie", "Facilitation"],
        interests=["Zones humides"],
    )
    add_member(space, person, Role.FACILITATOR)
    response = clients["observer"].get(directory_url(space))
    assert response.status_code == 200
    text = response.content.decode()
    card = re.search(
        r'<li class="card member-card">((?:(?!</li>).)*Inès Durand.*?)</li>', text, re.S
    )
    assert card, text
    card_html = html.unescape(card.group(1))
    assert "Coopérative Les Deux Rives" in card_html
    assert "Chinon (37)" in card_html
    assert re.findall(r'<span class="tag">([^<]+)</span>', card_html) == [
        "Cartographie",
        "Facilitation",
        "Zones humides",
    ]
    assert in_french("facilitator").capitalize() in card_html
    assert member_url(space, person) in card_html
    assert "ines.durand@example.org" not in text
    assert "@example.org" not in text
    assert "47.17" not in text and "0.24" not in text


def test_the_organisation_represented_in_the_space_comes_before_the_profile_one(
    personas, profile, add_member
):
    space, clients = personas("members")
    person = profile("paul@example.org", display_name="Paul", organisation="Mairie de Die")
    membership = add_member(space, person)
    membership.represents = "Communauté de communes du Diois"
    membership.save()
    text = html.unescape(clients["member"].get(directory_url(space)).content.decode())
    assert "Communauté de communes du Diois" in text
    assert "Mairie de Die" not in re.search(
        r"<ul class=\"card-grid member-grid\">.*</ul>", text, re.S
    ).group(0)


def test_members_are_listed_by_name_whatever_the_case_with_a_role_count(
    personas, profile, add_member
):
    space, clients = personas("members")
    for name in ["zoé Martin", "Alice Roux", "bruno Petit"]:
        add_member(space, profile(f"{name.split()[0].lower()}@example.org", display_name=name))
    response = clients["member"].get(directory_url(space))
    names = card_names(response)
    # People without a display name go by the start of their address, sorted alike.
    assert names == [
        "Alice Roux",
        "bruno Petit",
        "facilitator",
        "member",
        "observer",
        "owner",
        "zoé Martin",
    ]
    assert re.search(r'<p role="status">\s*7 ', response.content.decode())


# Search and filters ---------------------------------------------------------------------------


@pytest.fixture
def network(personas, profile, add_member):
    """A members space with three filled profiles besides the six personas."""
    space, clients = personas("members")
    ada = profile(
        "ada@example.org",
        display_name="Ada Lovelace",
        bio="J'anime les ateliers de cartographie participative.",
        organisation="Tiers-lieu du Bocage",
        place_name="Redon (35)",
        skills=["Cartographie", "Wiki"],
        interests=["Communs"],
    )
    ben = profile(
        "ben@example.org",
        display_name="Ben Moreau",
        bio="Comptable bénévole.",
        organisation="Association Vélo",
        place_name="Tours (37)",
        skills=["Comptabilité"],
        interests=["Mobilités douces", "Communs"],
    )
    cleo = profile(
        "cleo@example.org",
        display_name="Cléo Garnier",
        organisation="",
        place_name="Tours Nord (37)",
        skills=["Wiki"],
        interests=[],
    )
    add_member(space, ada, Role.FACILITATOR)
    add_member(space, ben, Role.MEMBER)
    cleo_membership = add_member(space, cleo, Role.OBSERVER)
    cleo_membership.represents = "Régie de quartier Nord"
    cleo_membership.save()
    # Someone outside the space with their own tags: none of them may appear in the lists.
    profile("dehors@example.org", display_name="Dehors", skills=["Plongée"], interests=["Voile"])
    return space, clients


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"q": "ada"}, ["Ada Lovelace"]),
        ({"q": "cartographie participative"}, ["Ada Lovelace"]),  # bio
        ({"q": "vélo"}, ["Ben Moreau"]),  # organisation on the profile
        ({"q": "régie"}, ["Cléo Garnier"]),  # organisation represented
        ({"role": "facilitator"}, ["Ada Lovelace", "facilitator"]),
        ({"role": "observer"}, ["Cléo Garnier", "observer"]),
        ({"organisation": "Association Vélo"}, ["Ben Moreau"]),
        ({"organisation": "Régie de quartier Nord"}, ["Cléo Garnier"]),
        ({"skill": "wiki"}, ["Ada Lovelace", "Cléo Garnier"]),
        ({"interest": "communs"}, ["Ada Lovelace", "Ben Moreau"]),
        ({"place": "tours"}, ["Ben Moreau", "Cléo Garnier"]),
        ({"skill": "wiki", "place": "tours"}, ["Cléo Garnier"]),
        ({"q": "personne", "role": "member"}, []),
    ],
)
def test_search_and_filters_narrow_the_directory(network, params, names):
    space, clients = network
    response = clients["member"].get(directory_url(space, **params))
    assert response.status_code == 200
    assert card_names(response) == names
    for name in {"role", "organisation", "skill", "interest"} & set(params):
        chosen = html.escape(params[name])
        assert f'<option value="{chosen}" selected>' in response.content.decode(), name
    status = re.search(r'<p role="status">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert str(len(names)) in status


def test_the_filter_lists_offer_only_what_the_members_of_this_space_have(network):
    space, clients = network
    text = html.unescape(clients["member"].get(directory_url(space)).content.decode())

    def options(name: str) -> list[str]:
        select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', text, re.S).group(1)
        return re.findall(r'<option value="([^"]*)"', select)

    assert options("skill") == ["", "cartographie", "comptabilite", "wiki"]
    assert options("interest") == ["", "communs", "mobilites-douces"]
    assert options("organisation") == [
        "",
        "Association Vélo",
        "Régie de quartier Nord",
        "Tiers-lieu du Bocage",
    ]
    assert options("role") == ["", "owner", "facilitator", "member", "observer"]
    assert "plongee" not in text and "voile" not in text.lower()


def test_the_filter_lists_catch_up_with_new_members_within_a_minute(network, profile, add_member):
    space, clients = network
    url = directory_url(space)
    assert b'value="plongee"' not in clients["member"].get(url).content
    add_member(space, profile("plongeuse@example.org", skills=["Plongée"]))
    assert b'value="plongee"' not in clients["member"].get(url).content
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert b'value="plongee"' in clients["member"].get(url).content


def test_an_unknown_filter_value_gets_a_message_and_keeps_the_search(network):
    space, clients = network
    response = clients["member"].get(directory_url(space, q="Ada", skill="plongee"))
    assert response.status_code == 400
    assert error_texts(response.content.decode())
    assert 'value="Ada"' in response.content.decode()
    assert card_names(response) == []


def test_markup_in_the_search_is_shown_as_text(network):
    space, clients = network
    response = clients["member"].get(directory_url(space, q="<script>alert(1)</script>"))
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_pages_hold_fifty_members_and_keep_the_filters(personas, add_member, make_user):
    from allauth.account.models import EmailAddress

    from coopilote.accounts.models import User

    space, clients = personas("members")
    people = User.objects.bulk_create(
        [User(email=f"p{n:03d}@example.org", display_name=f"Personne {n:03d}") for n in range(120)]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people]
    )
    Membership.objects.bulk_create(
        [Membership(space=space, user=p, role=Role.MEMBER) for p in people]
    )
    first = clients["member"].get(directory_url(space, q="personne"))
    assert len(card_names(first)) == 50
    assert card_names(first)[0] == "Personne 000"
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first.content.decode()).group(1)
    next_link = html.unescape(next_link)
    assert "q=personne" in next_link and "page=2" in next_link
    second = clients["member"].get(reverse("spaces:directory", args=[space.slug]) + next_link)
    assert card_names(second)[0] == "Personne 050"
    third = clients["member"].get(directory_url(space, q="personne", page="3"))
    assert card_names(third) == [f"Personne {n:03d}" for n in range(100, 120)]
    beyond = clients["member"].get(directory_url(space, q="personne", page="99"))
    assert card_names(beyond) == card_names(third)
    assert re.search(r'<p role="status">\s*120 ', first.content.decode())


# A member's page within the space -------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_a_member_page_follows_the_directory_rule(personas, visibility):
    space, clients = personas(visibility)
    for persona in PERSONAS:
        response = clients[persona].get(member_url(space, clients.users["member"]))
        assert response.status_code == expected_status(visibility, persona, SEES_EVERYTHING), (
            persona
        )


def test_a_person_who_is_not_a_member_has_no_page_in_the_space(personas):
    space, clients = personas("members")
    assert clients["member"].get(member_url(space, clients.users["outsider"])).status_code == 404
    missing = reverse("spaces:member", args=[space.slug, 999_999])
    assert clients["member"].get(missing).status_code == 404


def test_a_member_page_shows_the_profile_as_seen_in_this_space(network):
    space, clients = network
    ada = Membership.objects.get(space=space, user__email="ada@example.org")
    response = clients["observer"].get(member_url(space, ada.user))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "<h1>Ada Lovelace</h1>" in text
    for shown in [
        "Tiers-lieu du Bocage",
        "J'anime les ateliers de cartographie participative.",
        "Cartographie",
        "Wiki",
        "Communs",
        "Redon (35)",
        in_french("facilitator").capitalize(),
    ]:
        assert shown in text, shown
    assert "ada@example.org" not in text
    # Only the person themself is offered to change their card.
    assert reverse("spaces:my_card", args=[space.slug]) not in text


def test_other_spaces_shared_with_the_viewer_are_listed_only_when_the_viewer_may_know(
    personas, make_space, add_member
):
    space, clients = personas("members")
    viewer, other = clients.users["member"], clients.users["observer"]
    open_group = make_space("Groupe ouvert", visibility="public")
    hidden = make_space("Cercle discret", visibility="secret", directory_visibility="facilitators")
    run_by_viewer = make_space(
        "Atelier animé", visibility="secret", directory_visibility="facilitators"
    )
    closed = make_space("Ancien projet", visibility="members")
    not_viewer = make_space("Sans moi", visibility="public")
    for shared in [open_group, hidden, closed]:
        add_member(shared, viewer)
        add_member(shared, other)
    add_member(run_by_viewer, viewer, Role.FACILITATOR)
    add_member(run_by_viewer, other)
    add_member(not_viewer, other)
    closed.status = "closed"
    closed.save()
    text = clients["member"].get(member_url(space, other)).content.decode()
    section = re.search(r'<section aria-labelledby="shared-title">(.*?)</section>', text, re.S)
    assert section
    listed = re.findall(r"<li><a [^>]+>([^<]+)</a></li>", section.group(1))
    assert listed == ["Atelier animé", "Groupe ouvert"]


# My card in this space ------------------------------------------------------------------------


def my_card_url(space: Space) -> str:
    return reverse("spaces:my_card", args=[space.slug])


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_every_member_sets_the_organisation_they_represent_and_nobody_else(personas, visibility):
    space, clients = personas(visibility)
    for persona in PERSONAS:
        client = clients[persona]
        get = client.get(my_card_url(space))
        post = client.post(my_card_url(space), {"represents": f"Structure {persona}"})
        if persona == "anonymous":
            assert get.status_code == post.status_code == 302
            assert get["Location"].startswith(reverse("account_login"))
        elif persona == "outsider":
            assert get.status_code == post.status_code == (404 if visibility == "secret" else 403)
        else:
            assert get.status_code == 200, persona
            assert post.status_code == 302, persona
            assert post["Location"] == member_url(space, clients.users[persona])
    represents = dict(
        Membership.objects.filter(space=space).values_list("user__email", "represents")
    )
    assert represents == {
        f"{name}@example.org": f"Structure {name}"
        for name in ["observer", "member", "facilitator", "owner"]
    }


def test_my_card_is_shown_in_the_directory(personas):
    space, clients = personas("members")
    clients["member"].post(my_card_url(space), {"represents": "Association Les Amis de la Loire"})
    text = html.unescape(clients["observer"].get(directory_url(space)).content.decode())
    assert "Association Les Amis de la Loire" in text


def test_markup_in_the_organisation_represented_is_refused_and_kept_in_the_form(personas):
    space, clients = personas("members")
    typed = "<b>Asso</b> des rives"
    response = clients["member"].post(my_card_url(space), {"represents": typed})
    assert response.status_code == 400
    assert error_texts(response.content.decode())
    assert html.escape(typed, quote=True) in response.content.decode() or (
        "&lt;b&gt;Asso&lt;/b&gt; des rives" in response.content.decode()
    )
    assert Membership.objects.get(space=space, user=clients.users["member"]).represents == ""


def test_a_too_long_organisation_name_is_refused(personas):
    space, clients = personas("members")
    response = clients["member"].post(my_card_url(space), {"represents": "x" * 121})
    assert response.status_code == 400
    assert Membership.objects.get(space=space, user=clients.users["member"]).represents == ""


def test_the_action_refuses_markup_even_without_the_form(personas):
    from django.core.exceptions import ValidationError

    space, clients = personas("members")
    access = access_for(space, clients.users["member"])
    with pytest.raises(ValidationError):
        actions.membership_set_represents(access=access, represents="<script>x</script>")
    assert Membership.objects.get(space=space, user=clients.users["member"]).represents == ""


def test_an_archived_space_shows_my_card_without_letting_me_change_it(personas):
    space, clients = personas("members")
    actions.space_set_status(access=access_for(space, clients.users["owner"]), status="archived")
    get = clients["member"].get(my_card_url(space))
    assert get.status_code == 200
    assert b'name="represents"' not in get.content
    post = clients["member"].post(my_card_url(space), {"represents": "Trop tard"})
    assert post.status_code == 403
    assert Membership.objects.get(space=space, user=clients.users["member"]).represents == ""


def test_without_the_directory_my_card_stays_on_its_page(personas):
    space, clients = personas("members", directory_visibility="facilitators")
    response = clients["member"].post(my_card_url(space), {"represents": "Asso"})
    assert response.status_code == 302
    assert response["Location"] == my_card_url(space)
    assert Membership.objects.get(space=space, user=clients.users["member"]).represents == "Asso"


def test_a_facilitator_of_the_parent_has_no_card_in_a_child(personas, make_space):
    network, clients = personas("members")
    owner = clients.users["owner"]
    group = make_space("Groupe", owner=owner, parent=network, visibility="members")
    facilitator = clients["facilitator"]
    assert facilitator.get(my_card_url(group)).status_code == 403
    assert facilitator.post(my_card_url(group), {"represents": "X"}).status_code == 403
    assert not Membership.objects.filter(space=group, user=clients.users["facilitator"]).exists()


def test_the_directory_links_members_to_their_card(personas):
    space, clients = personas("members")
    text = clients["member"].get(directory_url(space)).content.decode()
    assert my_card_url(space) in text
    facilitator_of_parent = Client()
    assert facilitator_of_parent.get(my_card_url(space)).status_code == 302
