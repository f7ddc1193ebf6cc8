"""Reading measurement (DESIGN): per-member view events only where the space turns it on, for
members who did not opt out; anonymous daily counts otherwise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coopilote.accounts.tests.helpers import in_french
from coopilote.activity.models import ActivityEvent, Participation, ViewCount
from coopilote.activity.recording import UndeclaredKind, measures_reading, record_view
from coopilote.spaces import actions, gare
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.spaces.tests.gare_helpers import add_card, enable_external, owner_access

OPENED = "external.tool.opened"


def views() -> tuple[list, list]:
    """(per-member view events as (actor, target), anonymous counts as (target, count))."""
    return (
        list(
            ActivityEvent.objects.filter(participation=Participation.VIEW)
            .order_by("pk")
            .values_list("actor_id", "target_id")
        ),
        list(ViewCount.objects.order_by("pk").values_list("target_id", "count")),
    )


@pytest.fixture
def measured(personas):
    """A public space with a card; ``view(persona)`` records one view through record_view."""

    def build(measuring: bool, visibility: str = "public"):
        space, clients = personas(visibility)
        enable_external(space, clients)
        card = add_card(space, clients.users["owner"])
        Space.objects.filter(pk=space.pk).update(reading_measurement=measuring)
        space.refresh_from_db()

        def view(persona: str):
            access = access_for(space, clients.users.get(persona))
            return record_view(
                space=space,
                actor=access.user,
                kind=OPENED,
                target=card,
                membership=access.membership,
            )

        return space, clients, card, view

    return build


# The decision, every combination ----------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_when_the_space_does_not_measure_reading_every_view_is_anonymous(measured, persona):
    _space, _clients, card, view = measured(False)
    assert view(persona) is None
    assert views() == ([], [(card.pk, 1)])


@pytest.mark.parametrize("persona", ["observer", "member", "facilitator", "owner"])
def test_when_it_measures_reading_a_member_s_view_is_recorded_by_name(measured, persona):
    _space, clients, card, view = measured(True)
    event = view(persona)
    assert event is not None and event.kind == OPENED
    assert views() == ([(clients.users[persona].pk, card.pk)], [])


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_visitors_are_only_counted_anonymously_even_where_reading_is_measured(measured, persona):
    _space, _clients, card, view = measured(True)
    assert view(persona) is None
    assert views() == ([], [(card.pk, 1)])


@pytest.mark.parametrize("persona", ["observer", "member", "facilitator", "owner"])
def test_a_member_who_opted_out_is_only_counted_anonymously(measured, persona):
    space, clients, card, view = measured(True)
    Membership.objects.filter(space=space, user=clients.users[persona]).update(reading_opt_out=True)
    assert view(persona) is None
    assert views() == ([], [(card.pk, 1)])


def test_a_membership_of_another_space_does_not_make_someone_measured(measured, make_space):
    space, clients, card, _view = measured(True)
    member = clients.users["member"]
    elsewhere = make_space("Ailleurs", owner=member)
    other = Membership.objects.get(space=elsewhere, user=member)
    assert measures_reading(space, member, other) is False
    record_view(space=space, actor=member, kind=OPENED, target=card, membership=other)
    assert views() == ([], [(card.pk, 1)])


def test_a_facilitator_of_the_parent_space_without_a_membership_is_counted_anonymously(
    personas, make_space
):
    parent, clients = personas("members")
    child = make_space("Groupe", owner=clients.users["owner"], parent=parent)
    Space.objects.filter(pk=child.pk).update(reading_measurement=True)
    child = Space.objects.select_related("parent").get(pk=child.pk)
    access = access_for(child, clients.users["facilitator"])
    assert access.role == "facilitator" and access.membership is None
    assert measures_reading(child, access.user, access.membership) is False


def test_record_view_refuses_a_kind_that_is_not_a_declared_view(measured):
    space, _clients, card, _view = measured(True)
    with pytest.raises(ValueError):
        record_view(space=space, actor=None, kind="external.tool.added", target=card)
    with pytest.raises(UndeclaredKind):
        record_view(space=space, actor=None, kind="external.tool.peeked", target=card)
    assert views() == ([], [])


# Through the external tools' "open" route ------------------------------------------------------


def test_opening_an_external_tool_uses_the_space_s_setting_and_the_member_s_choice(measured):
    space, clients, card, _view = measured(True)
    url = reverse("external:open", args=[space.slug, card.pk])
    clients["member"].get(url)
    Membership.objects.filter(space=space, user=clients.users["observer"]).update(
        reading_opt_out=True
    )
    clients["observer"].get(url)
    clients["anonymous"].get(url)
    assert views() == ([(clients.users["member"].pk, card.pk)], [(card.pk, 2)])


# The owners' setting --------------------------------------------------------------------------


def settings_post(client, space: Space, measure: bool):
    data = {
        "slug": space.slug,
        "visibility": space.visibility,
        "directory_visibility": space.directory_visibility,
    }
    if measure:
        data["reading_measurement"] = "on"
    return client.post(reverse("spaces:settings", args=[space.slug]), data)


def test_owners_turn_measurement_on_and_off_in_the_settings_and_members_are_told(personas):
    space, clients = personas("members")
    page = clients["owner"].get(reverse("spaces:settings", args=[space.slug])).content.decode()
    assert 'name="reading_measurement"' in page
    assert settings_post(clients["owner"], space, True).status_code == 302
    assert Space.objects.get(pk=space.pk).reading_measurement is True
    # Every reader is told, in the feed and on the home page.
    scope = gare.feed_scope(access_for(Space.objects.get(pk=space.pk), clients.users["observer"]))
    kinds = [entry.event.kind for entry in gare.feed_page(scope).entries]
    assert kinds[0] == "spaces.reading.turned_on"
    home = clients["observer"].get(reverse("spaces:detail", args=[space.slug])).content.decode()
    assert 'id="lecture"' in home
    settings_post(clients["owner"], space, False)
    assert Space.objects.get(pk=space.pk).reading_measurement is False
    assert ActivityEvent.objects.filter(kind="spaces.reading.turned_off").count() == 1
    # Saving again without a change records nothing.
    settings_post(clients["owner"], space, False)
    assert ActivityEvent.objects.filter(kind__startswith="spaces.reading.").count() == 2


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "observer", "member", "facilitator"])
def test_only_owners_may_turn_measurement_on(personas, persona):
    space, clients = personas("public")
    before = ActivityEvent.objects.count()
    response = settings_post(clients[persona], space, True)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert persona == "anonymous"
        assert response["Location"].startswith(reverse("account_login"))
    assert Space.objects.get(pk=space.pk).reading_measurement is False
    assert ActivityEvent.objects.count() == before


# A member's choice ----------------------------------------------------------------------------


def choice_url(space: Space) -> str:
    return reverse("spaces:reading_choice", args=[space.slug])


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_each_member_refuses_or_accepts_again_and_others_cannot(personas, visibility):
    space, clients = personas(visibility)
    for persona in PERSONAS:
        before = list(Membership.objects.order_by("pk").values_list("reading_opt_out", flat=True))
        response = clients[persona].post(choice_url(space), {"measure": "no"})
        if persona in ("anonymous", "outsider"):
            if persona == "anonymous":
                assert response.status_code == 302
                assert response["Location"].startswith(reverse("account_login"))
            else:
                assert response.status_code == (404 if visibility == "secret" else 403)
            after = list(
                Membership.objects.order_by("pk").values_list("reading_opt_out", flat=True)
            )
            assert after == before
            continue
        assert response.status_code == 302, persona
        assert response["Location"] == reverse("spaces:detail", args=[space.slug]) + "#lecture"
        membership = Membership.objects.get(space=space, user=clients.users[persona])
        assert membership.reading_opt_out is True
        clients[persona].post(choice_url(space), {"measure": "yes"})
        membership.refresh_from_db()
        assert membership.reading_opt_out is False


def test_the_choice_is_recorded_once_and_never_shown_in_the_feed(personas):
    space, clients = personas("members")
    clients["member"].post(choice_url(space), {"measure": "no"})
    clients["member"].post(choice_url(space), {"measure": "no"})
    events = ActivityEvent.objects.filter(kind="spaces.member.reading_opted_out")
    assert events.count() == 1
    for persona in ("member", "owner"):
        scope = gare.feed_scope(access_for(space, clients.users[persona]))
        assert "spaces.member.reading_opted_out" not in scope.kinds


def test_a_member_may_refuse_in_advance_and_in_an_archived_space(personas):
    space, clients = personas("members")
    actions.space_set_status(access=owner_access(space, clients), status="archived")
    assert clients["member"].post(choice_url(space), {"measure": "no"}).status_code == 302
    assert Membership.objects.get(space=space, user=clients.users["member"]).reading_opt_out


@pytest.mark.parametrize("value", ["", "peut-être", "<script>"])
def test_a_choice_other_than_yes_or_no_is_refused(personas, value):
    space, clients = personas("members")
    response = clients["member"].post(choice_url(space), {"measure": value})
    assert response.status_code == 400
    assert in_french("Choose yes or no.") in response.content.decode()
    assert not Membership.objects.filter(reading_opt_out=True).exists()


def test_the_choice_is_a_post(personas):
    space, clients = personas("members")
    assert clients["member"].get(choice_url(space)).status_code == 405


def test_the_member_s_card_page_offers_the_choice_and_comes_back_to_it(personas):
    space, clients = personas("members")
    card = reverse("spaces:my_card", args=[space.slug])
    html = clients["member"].get(card).content.decode()
    assert choice_url(space) in html and 'name="from" value="card"' in html
    response = clients["member"].post(choice_url(space), {"measure": "no", "from": "card"})
    assert response["Location"] == card
    assert 'value="yes"' in clients["member"].get(card).content.decode()
