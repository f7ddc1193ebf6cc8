"""Facilitators add, edit, order and remove cards; members read them and open the tools."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.activity.models import ActivityEvent, Participation, ViewCount
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Membership, SpaceTool
from coopilote.tools.external import actions
from coopilote.tools.external.models import ExternalTool
from coopilote.tools.external.tests.helpers import messages_of, state, tool_access_for

pytestmark = pytest.mark.django_db


def index_of(space) -> str:
    return reverse("external:index", args=[space.slug])


def names_in_order(space) -> list[str]:
    return list(ExternalTool.objects.filter(space=space).values_list("name", flat=True))


def test_a_facilitator_adds_a_card_with_its_agreement_and_members_read_it(tool_space):
    space, clients = tool_space("members")
    helper = Membership.objects.get(space=space, user=clients.users["member"])
    response = clients["facilitator"].post(
        reverse("external:add", args=[space.slug]),
        {
            "name": "Pad des comptes rendus",
            "url": "https://pad.framasoft.org/p/eau-cr",
            "category": "pad",
            "purpose": "Écrire les comptes rendus à plusieurs.",
            "agreed_uses": "On l'utilise pour préparer les réunions.",
            "avoid": "On évite d'y mettre des données personnelles.",
            "help_contact": str(helper.pk),
            "help_text": "Tutoriel sur framapad.org",
        },
    )
    card = ExternalTool.objects.get(space=space)
    assert response.status_code == 302
    assert response["Location"] == f"{index_of(space)}#outil-{card.pk}"
    assert (card.name, card.category, card.help_contact, card.created_by) == (
        "Pad des comptes rendus",
        "pad",
        helper,
        clients.users["facilitator"],
    )
    event = ActivityEvent.objects.get(kind="external.tool.added")
    assert (event.space, event.actor, event.tool_key, event.participation) == (
        space,
        clients.users["facilitator"],
        "external",
        Participation.ADMIN,
    )
    assert (event.target_type, event.target_id) == ("external.externaltool", card.pk)

    html = clients["observer"].get(index_of(space)).content.decode()
    for text in [
        "Pad des comptes rendus",
        "pad.framasoft.org",
        "Écrire les comptes rendus à plusieurs.",
        "On l&#x27;utilise pour préparer les réunions.",
        "On évite d&#x27;y mettre des données personnelles.",
        helper.user.public_name,
        "Tutoriel sur framapad.org",
    ]:
        assert text in html, text
    open_url = reverse("external:open", args=[space.slug, card.pk])
    link = re.search(rf'<a [^>]*href="{re.escape(open_url)}"[^>]*>', html)
    assert link is not None
    assert 'rel="noopener noreferrer"' in link.group(0)
    # The stored address is never put in the page as a link: only our counted redirect is.
    assert 'href="https://pad.framasoft.org' not in html


def test_the_form_names_every_member_as_a_possible_helper_and_refuses_another_space(
    tool_space, make_space, make_user
):
    space, clients = tool_space("members")
    stranger = make_user("ailleurs@example.org", display_name="Quelqu'un d'ailleurs")
    other = make_space("Autre", owner=stranger)
    foreign = Membership.objects.get(space=other, user=stranger)
    add_url = reverse("external:add", args=[space.slug])
    html = clients["owner"].get(add_url).content.decode()
    for membership in Membership.objects.filter(space=space):
        assert f'value="{membership.pk}"' in html
    assert f'value="{foreign.pk}"' not in html
    with pytest.raises(actions.ValidationError) as refused:
        actions.external_tool_add(
            access=tool_access_for(space, clients.users["owner"]),
            name="Visio",
            url="https://visio.example.org",
            category="video",
            help_contact=foreign.pk,
        )
    assert "help_contact" in refused.value.message_dict
    assert not ExternalTool.objects.exists()


def test_visitors_of_a_public_space_see_the_cards_but_not_who_to_ask(tool_space, add_card):
    space, clients = tool_space("public")
    helper = Membership.objects.get(space=space, user=clients.users["facilitator"])
    clients.users["facilitator"].display_name = "Camille Animatrice"
    clients.users["facilitator"].save()
    add_card(space, clients.users["owner"], help_contact=helper.pk, help_text="Le mardi matin")
    for persona in ["anonymous", "outsider"]:
        html = clients[persona].get(index_of(space)).content.decode()
        assert "Pad du groupe eau" in html
        assert "Le mardi matin" in html
        assert "Camille Animatrice" not in html, persona
    assert "Camille Animatrice" in clients["observer"].get(index_of(space)).content.decode()


def test_a_helper_who_leaves_the_space_is_no_longer_named_and_the_card_stays(tool_space, add_card):
    space, clients = tool_space("members")
    helper = Membership.objects.get(space=space, user=clients.users["member"])
    card = add_card(space, clients.users["owner"], help_contact=helper.pk)
    space_actions.membership_leave(access=access_for(space, clients.users["member"]))
    card.refresh_from_db()
    assert card.help_contact is None
    assert clients["observer"].get(index_of(space)).status_code == 200


def test_an_address_typed_without_its_scheme_gets_https(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"], url="pad.example.org/p/eau")
    assert card.url == "https://pad.example.org/p/eau"


def test_a_look_alike_domain_also_shows_its_ascii_form(tool_space, add_card):
    space, clients = tool_space("members")
    add_card(space, clients.users["owner"], url="https://раураl.com/login")
    html = clients["member"].get(index_of(space)).content.decode()
    assert "раураl.com (xn--l-7sba6dbr.com)" in html


def test_editing_a_card_records_which_fields_changed_and_an_unchanged_form_records_nothing(
    tool_space, add_card
):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    edit_url = reverse("external:edit", args=[space.slug, card.pk])
    form = clients["facilitator"].get(edit_url).context["form"]
    body = {name: form.initial.get(name) or "" for name in form.fields}
    body["avoid"] = "On évite les fichiers lourds."
    assert clients["facilitator"].post(edit_url, body).status_code == 302
    card.refresh_from_db()
    assert card.avoid == "On évite les fichiers lourds."
    event = ActivityEvent.objects.get(kind="external.tool.edited")
    assert event.payload["fields"] == ["avoid"]
    assert clients["facilitator"].post(edit_url, body).status_code == 302
    assert ActivityEvent.objects.filter(kind="external.tool.edited").count() == 1


def test_removing_a_card_asks_first_then_deletes_it_and_records_it(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"], url="https://drive.example.org/eau")
    delete_url = reverse("external:delete", args=[space.slug, card.pk])
    page = clients["facilitator"].get(delete_url).content.decode()
    assert "drive.example.org" in page
    assert ExternalTool.objects.filter(pk=card.pk).exists()
    response = clients["facilitator"].post(delete_url)
    assert response.status_code == 302
    assert not ExternalTool.objects.filter(pk=card.pk).exists()
    event = ActivityEvent.objects.get(kind="external.tool.removed")
    assert (event.target_id, event.payload["name"]) == (card.pk, "Pad du groupe eau")
    assert fr("“%(name)s” is removed.", name="Pad du groupe eau") in messages_of(
        clients["facilitator"].get(response["Location"])
    )


def test_moving_cards_changes_their_order_and_the_ends_do_not_move(tool_space, add_card):
    space, clients = tool_space("members")
    owner = clients.users["owner"]
    first, second, third = (add_card(space, owner, name=name) for name in ["Un", "Deux", "Trois"])
    move = reverse("external:move", args=[space.slug, third.pk])
    assert clients["facilitator"].post(move, {"direction": "up"}).status_code == 302
    assert names_in_order(space) == ["Un", "Trois", "Deux"]
    assert clients["facilitator"].post(move, {"direction": "up"}).status_code == 302
    assert names_in_order(space) == ["Trois", "Un", "Deux"]
    events = ActivityEvent.objects.filter(kind="external.tool.edited").count()
    before = state()
    assert clients["facilitator"].post(move, {"direction": "up"}).status_code == 302
    assert state() == before
    assert ActivityEvent.objects.filter(kind="external.tool.edited").count() == events
    down = reverse("external:move", args=[space.slug, first.pk])
    clients["facilitator"].post(down, {"direction": "down"})
    assert names_in_order(space) == ["Trois", "Deux", "Un"]
    assert second.pk  # the middle card only moved because its neighbours did


def test_an_unknown_direction_is_refused_and_changes_nothing(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    add_card(space, clients.users["owner"], name="Autre")
    before = state()
    response = clients["owner"].post(
        reverse("external:move", args=[space.slug, card.pk]), {"direction": "sideways"}
    )
    assert response.status_code == 400
    assert state() == before


def test_an_undeclared_event_kind_is_a_loud_error_and_records_nothing(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    count = ActivityEvent.objects.count()
    with pytest.raises(KeyError, match=r"external\.tool\.exploded"):
        actions._event(
            tool_access_for(space, clients.users["owner"]), "external.tool.exploded", card
        )
    assert ActivityEvent.objects.count() == count


def test_a_role_lowered_meanwhile_cannot_still_change_cards(tool_space, add_card):
    space, clients = tool_space("members")
    access = tool_access_for(space, clients.users["facilitator"])
    Membership.objects.filter(space=space, user=clients.users["facilitator"]).update(role="member")
    before = state()
    with pytest.raises(actions.PermissionDenied):
        actions.external_tool_add(
            access=access, name="Visio", url="https://visio.example.org", category="video"
        )
    assert state() == before


# Opening ---------------------------------------------------------------------------------------


def test_opening_a_card_counts_an_anonymous_view_then_sends_to_the_stored_address(
    tool_space, add_card
):
    space, clients = tool_space("public")
    card = add_card(space, clients.users["owner"], url="https://visio.example.org/lundi")
    open_url = reverse("external:open", args=[space.slug, card.pk])
    events = ActivityEvent.objects.count()
    for persona in ["anonymous", "member", "owner"]:
        response = clients[persona].get(open_url + "?next=https://evil.example/")
        assert response.status_code == 302
        assert response["Location"] == "https://visio.example.org/lundi"
        assert response["Referrer-Policy"] == "no-referrer"
    (count,) = ViewCount.objects.all()
    assert (count.target_type, count.target_id, count.count) == (
        "external.externaltool",
        card.pk,
        3,
    )
    assert count.day == timezone.localdate()
    # Nobody's name is recorded: no per-member view event while reading is not measured.
    assert ActivityEvent.objects.count() == events


def test_views_are_counted_per_day(tool_space, add_card, time_machine):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    open_url = reverse("external:open", args=[space.slug, card.pk])
    clients["member"].get(open_url)
    time_machine.move_to(timezone.now() + timedelta(days=1))
    clients["member"].get(open_url)
    clients["observer"].get(open_url)
    assert sorted(ViewCount.objects.values_list("count", flat=True)) == [1, 2]


def test_opening_a_removed_card_is_not_found(tool_space, add_card):
    space, clients = tool_space("members")
    card = add_card(space, clients.users["owner"])
    open_url = reverse("external:open", args=[space.slug, card.pk])
    actions.external_tool_remove(
        access=tool_access_for(space, clients.users["owner"]), tool_id=card.pk
    )
    assert clients["member"].get(open_url).status_code == 404
    assert not ViewCount.objects.exists()


# Pages -----------------------------------------------------------------------------------------


def test_the_tool_appears_in_the_space_menu_under_its_title_and_is_marked_current(tool_space):
    space, clients = tool_space("members")
    title = SpaceTool.objects.get(space=space, tool_key="external").title
    html = clients["member"].get(index_of(space)).content.decode()
    assert f'<a href="{index_of(space)}" aria-current="page">{title}</a>' in html
    assert f"<h1>{title}</h1>" in html
    other = clients["member"].get(space.get_absolute_url()).content.decode()
    assert f'<a href="{index_of(space)}">{title}</a>' in other


def test_the_cards_page_runs_the_same_queries_whatever_the_number_of_cards(tool_space, add_card):
    space, clients = tool_space("members")
    owner = clients.users["owner"]
    helper = Membership.objects.get(space=space, user=clients.users["member"])
    add_card(space, owner, help_contact=helper.pk)
    clients["member"].get(index_of(space))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clients["member"].get(index_of(space)).status_code == 200
        return len(captured)

    few = count()
    for number in range(8):
        add_card(space, owner, name=f"Outil {number}", help_contact=helper.pk)
    assert count() == few
    # session, user, space, memberships, tool row, cards with their helpers, the menu's tools
    assert few == 7
