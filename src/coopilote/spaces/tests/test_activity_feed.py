"""The activity feed of a space: who sees which events, filters, pages and query counts."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.tests.helpers import in_french
from coopilote.activity.models import ActivityEvent
from coopilote.activity.recording import record
from coopilote.spaces import actions, gare
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Membership, Space
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.spaces.tests.gare_helpers import (
    add_card,
    enable_external,
    member_joined,
    owner_access,
    queries,
)
from coopilote.tools.external.tests.helpers import tool_access_for


def feed_url(space: Space, query: str = "") -> str:
    return reverse("spaces:activity", args=[space.slug]) + query


def page_text(response) -> str:
    return html_lib.unescape(response.content.decode())


def feed_items(response) -> list[str]:
    """The text of each line of the feed, tags removed."""
    html = response.content.decode()
    items = re.findall(r'<li class="feed__item[^"]*"[^>]*>(.*?)</li>', html, re.S)
    return [
        html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item))).strip()
        for item in items
    ]


@pytest.fixture
def network(personas, make_space):
    """A public network with its external tools, a card, membership events and a secret
    working group inside it that has its own card and events."""
    space, clients = personas("public")
    owner = clients.users["owner"]
    enable_external(space, clients)
    add_card(space, owner, name="Pad du réseau")
    member_joined(space, owner, clients.users["member"])
    record(space=space, actor=clients.users["outsider"], kind="spaces.join_request.created")
    secret = make_space("Groupe secret", owner=owner, parent=space, visibility="secret")
    actions.space_tool_enable(access=access_for(secret, owner), tool_key="external")
    add_card(secret, owner, name="Carte secrète")
    return space, clients, secret


# Who may read the feed ------------------------------------------------------------------------

EXPECTED = {
    # persona: (public, members, secret)
    "anonymous": (200, 302, 404),
    "outsider": (200, 403, 404),
    "observer": (200, 200, 200),
    "member": (200, 200, 200),
    "facilitator": (200, 200, 200),
    "owner": (200, 200, 200),
}


@pytest.mark.parametrize("column, visibility", list(enumerate(["public", "members", "secret"])))
def test_the_feed_answers_every_persona_as_reading_the_space_allows(personas, column, visibility):
    space, clients = personas(visibility)
    answers = {persona: clients[persona].get(feed_url(space)).status_code for persona in PERSONAS}
    assert answers == {persona: row[column] for persona, row in EXPECTED.items()}


def test_the_feed_refuses_a_post(personas):
    space, clients = personas("public")
    before = ActivityEvent.objects.count()
    assert clients["owner"].post(feed_url(space)).status_code == 405
    assert ActivityEvent.objects.count() == before


# What each reader sees ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_events_of_a_secret_sub_space_never_reach_the_public_parent_s_feed(network, persona):
    space, clients, _secret = network
    text = page_text(clients[persona].get(feed_url(space)))
    assert "Pad du réseau" in text
    assert "Carte secrète" not in text
    assert "Groupe secret" not in text
    # And nothing of the sub-space is counted in the parent's feed at all.
    scope = gare.feed_scope(access_for(space, clients.users.get(persona)))
    shown = gare.feed_page(scope).entries
    assert shown and all(entry.event.space_id == space.pk for entry in shown)


def test_the_secret_sub_space_s_own_feed_is_a_404_for_outsiders_and_shows_to_its_members(network):
    _space, clients, secret = network
    for persona in ("anonymous", "outsider", "member"):
        assert clients[persona].get(feed_url(secret)).status_code == 404, persona
    assert "Carte secrète" in page_text(clients["owner"].get(feed_url(secret)))


@pytest.mark.parametrize(
    "persona, sees_members, sees_requests",
    [
        ("anonymous", False, False),
        ("outsider", False, False),
        ("observer", True, False),
        ("member", True, False),
        ("facilitator", True, True),
        ("owner", True, True),
    ],
)
def test_events_about_members_are_for_those_who_see_the_directory_and_requests_for_managers(
    network, persona, sees_members, sees_requests
):
    space, clients, _secret = network
    scope = gare.feed_scope(access_for(space, clients.users.get(persona)))
    kinds = {entry.event.kind for entry in gare.feed_page(scope).entries}
    assert ("spaces.member.joined" in kinds) is sees_members
    assert ("spaces.join_request.created" in kinds) is sees_requests
    assert "external.tool.added" in kinds


def test_a_directory_for_facilitators_only_hides_member_events_from_members(network):
    space, clients, _secret = network
    Space.objects.filter(pk=space.pk).update(directory_visibility="facilitators")
    space.refresh_from_db()
    member_scope = gare.feed_scope(access_for(space, clients.users["member"]))
    facilitator_scope = gare.feed_scope(access_for(space, clients.users["facilitator"]))
    assert "spaces.member.joined" not in member_scope.kinds
    assert "spaces.member.joined" in facilitator_scope.kinds
    # Nor are names shown next to what people did.
    assert member_scope.names_visible is False
    owner_name = clients.users["owner"].public_name
    items = feed_items(clients["member"].get(feed_url(space)))
    assert items and not any(owner_name in item for item in items)


def test_visitors_of_a_public_space_read_what_happened_but_not_who_did_it(network):
    space, clients, _secret = network
    owner_name = clients.users["owner"].public_name
    anonymous = feed_items(clients["anonymous"].get(feed_url(space)))
    member = feed_items(clients["member"].get(feed_url(space)))
    assert anonymous and not any(owner_name in item for item in anonymous)
    assert any(item.startswith(owner_name) for item in member)
    someone = in_french("Someone from the space")
    assert any(item.startswith(someone) for item in anonymous)


def test_view_events_are_never_shown(network):
    space, clients, _secret = network
    Space.objects.filter(pk=space.pk).update(reading_measurement=True)
    from coopilote.tools.external import actions as external_actions
    from coopilote.tools.external.models import ExternalTool

    card = ExternalTool.objects.get(space=space)
    external_actions.external_tool_open(
        access=tool_access_for(space, clients.users["member"]), tool_id=card.pk
    )
    assert ActivityEvent.objects.filter(kind="external.tool.opened", space=space).exists()
    for persona in PERSONAS:
        scope = gare.feed_scope(access_for(space, clients.users.get(persona)))
        kinds = {entry.event.kind for entry in gare.feed_page(scope).entries}
        assert "external.tool.opened" not in kinds, persona


def test_a_disabled_tool_s_events_disappear_from_the_feed_and_come_back_with_it(network):
    space, clients, _secret = network
    actions.space_tool_disable(access=owner_access(space, clients), tool_key="external")
    for persona in PERSONAS:
        text = page_text(clients[persona].get(feed_url(space)))
        assert "Pad du réseau" not in text, persona
        scope = gare.feed_scope(access_for(space, clients.users.get(persona)))
        assert not any(key.startswith("external.") for key in scope.kinds), persona
    # The space's own event says the tool was disabled (readers may know the space's tools).
    kinds = {e.event.kind for e in gare.feed_page(gare.feed_scope(access_for(space, None))).entries}
    assert "spaces.tool.disabled" in kinds
    actions.space_tool_enable(access=owner_access(space, clients), tool_key="external")
    assert "Pad du réseau" in page_text(clients["member"].get(feed_url(space)))


def test_a_tool_whose_reading_is_narrowed_keeps_its_events_from_those_who_cannot_read_it(network):
    from coopilote.spaces.models import SpaceTool

    space, clients, _secret = network
    SpaceTool.objects.filter(space=space, tool_key="external").update(
        settings={"verbs": {"read": ["owner", "facilitator"]}}
    )
    assert "Pad du réseau" not in page_text(clients["member"].get(feed_url(space)))
    assert "Pad du réseau" in page_text(clients["facilitator"].get(feed_url(space)))


def test_an_object_that_no_longer_exists_is_not_named_nor_linked(network):
    from coopilote.tools.external import actions as external_actions
    from coopilote.tools.external.models import ExternalTool

    space, clients, _secret = network
    card = ExternalTool.objects.get(space=space)
    anchor = reverse("external:index", args=[space.slug]) + f"#outil-{card.pk}"
    assert anchor in clients["member"].get(feed_url(space)).content.decode()
    external_actions.external_tool_remove(
        access=tool_access_for(space, clients.users["owner"]), tool_id=card.pk
    )
    html = clients["member"].get(feed_url(space)).content.decode()
    assert anchor not in html
    assert "Pad du réseau" not in html
    kinds = {
        e.event.kind
        for e in gare.feed_page(gare.feed_scope(access_for(space, clients.users["member"]))).entries
    }
    assert {"external.tool.added", "external.tool.removed"} <= kinds


def test_a_member_event_links_to_the_card_only_while_the_person_is_a_member(network):
    space, clients, _secret = network
    member = clients.users["member"]
    card_url = reverse("spaces:member", args=[space.slug, member.pk])
    assert card_url in clients["observer"].get(feed_url(space)).content.decode()
    Membership.objects.filter(space=space, user=member).delete()
    html = clients["observer"].get(feed_url(space)).content.decode()
    assert card_url not in html
    assert member.public_name in html_lib.unescape(html)  # still named in the sentence


def test_every_line_is_a_sentence_with_a_date(network):
    space, clients, _secret = network
    html = clients["owner"].get(feed_url(space)).content.decode()
    lines = re.findall(r'<li class="feed__item[^"]*"[^>]*>.*?</li>', html, re.S)
    assert (
        len(lines)
        == ActivityEvent.objects.filter(space=space).exclude(kind__in=["spaces.tool.moved"]).count()
    )
    for line in lines:
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', line), line


# Hostile text ---------------------------------------------------------------------------------


def test_names_and_titles_are_escaped_in_the_feed(network):
    from coopilote.accounts.models import User

    space, clients, _secret = network
    hostile = '<img src=x onerror="alert(1)">'
    User.objects.filter(pk=clients.users["owner"].pk).update(display_name=hostile[:80])
    from coopilote.spaces.models import SpaceTool

    SpaceTool.objects.filter(space=space).update(title="<script>alert(2)</script>")
    for persona in ("member", "owner"):
        html = clients[persona].get(feed_url(space)).content.decode()
        assert "<img src=x" not in html
        assert "<script>alert(2)" not in html
        assert "&lt;img src=x" in html or "&lt;img src=x" in html.replace("&#x27;", "'")


# Filters --------------------------------------------------------------------------------------


def test_filtering_by_tool_shows_only_that_tool_s_events(network):
    space, clients, _secret = network
    external = feed_items(clients["owner"].get(feed_url(space, "?tool=external")))
    assert external and all(
        "Pad du réseau" in item or "external" in item.lower() for item in external
    )
    kinds = {
        e.event.kind
        for e in gare.feed_page(
            gare.feed_scope(access_for(space, clients.users["owner"])), tool="external"
        ).entries
    }
    assert kinds == {"external.tool.added"}
    spaces_only = gare.feed_page(
        gare.feed_scope(access_for(space, clients.users["owner"])), tool="spaces"
    ).entries
    assert spaces_only and all(e.event.tool_key == "spaces" for e in spaces_only)


def test_the_tool_filter_lists_the_space_and_its_readable_tools_by_their_title(network):
    space, clients, _secret = network
    actions.space_tool_rename(
        access=owner_access(space, clients), tool_key="external", title="Nos outils du quotidien"
    )
    html = page_text(clients["member"].get(feed_url(space)))
    assert '<option value="external">Nos outils du quotidien</option>' in html
    assert '<option value="spaces">' in html


@pytest.mark.parametrize("value", ["inconnu", "external' OR 1=1", "spaces.member"])
def test_an_unknown_tool_filter_is_refused_with_a_message(network, value):
    space, clients, _secret = network
    response = clients["member"].get(feed_url(space), {"tool": value})
    assert response.status_code == 400
    assert in_french("This filter does not exist in this space; choose one in the list.") in (
        page_text(response)
    )


def test_a_disabled_tool_is_an_unknown_filter_like_any_other(network):
    space, clients, _secret = network
    actions.space_tool_disable(access=owner_access(space, clients), tool_key="external")
    assert clients["member"].get(feed_url(space, "?tool=external")).status_code == 400
    assert clients["member"].get(feed_url(space, "?tool=inexistant")).status_code == 400


def test_since_my_last_visit_shows_only_what_others_did_after_it(network):
    space, clients, _secret = network
    member = clients.users["member"]
    cut = timezone.now()
    Membership.objects.filter(space=space, user=member).update(
        previous_visit_at=cut, last_seen_at=cut
    )
    later = cut + timedelta(seconds=5)
    ActivityEvent.objects.filter(space=space).update(created_at=cut - timedelta(hours=1))
    record(space=space, actor=clients.users["owner"], kind="spaces.welcome.edited", target=space)
    record(space=space, actor=member, kind="spaces.start_here.edited", target=space)
    ActivityEvent.objects.filter(created_at__gt=cut - timedelta(minutes=1)).update(created_at=later)
    scope = gare.feed_scope(access_for(space, member))
    kinds = [e.event.kind for e in gare.feed_page(scope, since_last_visit=True).entries]
    assert kinds == ["spaces.welcome.edited"]
    items = feed_items(clients["member"].get(feed_url(space, "?new=on")))
    assert len(items) == 1
    # Without the filter everything is there, the new line marked as new.
    html = clients["member"].get(feed_url(space)).content.decode()
    assert html.count("feed__item--new") == 1


def test_the_since_my_last_visit_filter_is_offered_to_members_only(network):
    space, clients, _secret = network
    assert 'name="new"' in clients["member"].get(feed_url(space)).content.decode()
    assert 'name="new"' not in clients["anonymous"].get(feed_url(space)).content.decode()


# Pages ----------------------------------------------------------------------------------------


def test_pages_of_thirty_follow_each_other_without_gaps_or_repeats(personas):
    space, clients = personas("public")
    owner = clients.users["owner"]
    start = timezone.now() - timedelta(days=3)
    for _n in range(64):
        record(space=space, actor=owner, kind="spaces.welcome.edited", target=space)
    # Same instant for a few, to prove the keyset breaks ties on the id.
    events = list(ActivityEvent.objects.filter(space=space).order_by("pk"))
    for n, event in enumerate(events):
        ActivityEvent.objects.filter(pk=event.pk).update(
            created_at=start + timedelta(minutes=n // 3)
        )
    expected = list(
        ActivityEvent.objects.filter(space=space)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 65  # with the space's creation
    seen: list[int] = []
    url = feed_url(space)
    sizes = []
    while url:
        response = clients["member"].get(url)
        assert response.status_code == 200
        ids = [int(i) for i in re.findall(r'data-event="(\d+)"', response.content.decode())]
        sizes.append(len(ids))
        seen += ids
        older = re.search(r'<a href="([^"]+)" rel="next">', response.content.decode())
        url = html_lib.unescape(older.group(1)) if older else ""
        if url.startswith("?"):
            url = feed_url(space) + url
    assert sizes == [30, 30, 5]
    assert seen == expected


@pytest.mark.parametrize("cursor", ["abc", "12-", "-5", "9" * 30 + "-1", "1.5-2"])
def test_a_damaged_page_address_is_refused_with_a_message(personas, cursor):
    space, clients = personas("public")
    response = clients["member"].get(feed_url(space), {"before": cursor})
    assert response.status_code == 400
    assert in_french("This page address is damaged; start again from the newest activity.") in (
        page_text(response)
    )


# Query counts ---------------------------------------------------------------------------------


def fill(space: Space, clients, events: int, tool_keys: list[str]) -> None:
    """``events`` more events: cards added, members joining, and each extra tool's notes."""
    owner = clients.users["owner"]
    for key in tool_keys:
        if key != "external":
            actions.space_tool_enable(access=owner_access(space, clients), tool_key=key)
    cards = [add_card(space, owner, name=f"Carte {n}") for n in range(2)]
    kinds = [
        "external.tool.edited",
        "spaces.member.joined",
        *(f"{k}.note.written" for k in tool_keys if k != "external"),
    ]
    for n in range(events):
        kind = kinds[n % len(kinds)]
        if kind == "spaces.member.joined":
            member_joined(space, owner, clients.users["member"])
        elif kind == "external.tool.edited":
            record(space=space, actor=owner, kind=kind, target=cards[n % 2])
        else:
            record(space=space, actor=owner, kind=kind, target=space)


@pytest.mark.parametrize("events", [5, 200])
@pytest.mark.parametrize("extra_tools", [0, 2])
@pytest.mark.parametrize(
    "persona, expected",
    [
        # space with its ancestors, the tools (menu and filter), the page of events with their
        # actors, the cards named (the external tools' resolver)
        ("anonymous", 4),
        # session, user, space, memberships, tools, events, the members named, the cards named
        ("member", 8),
        ("owner", 8),
    ],
)
def test_a_feed_page_runs_the_same_queries_whatever_the_number_of_events_and_tools(
    network, more_tools, events, extra_tools, persona, expected
):
    space, clients, _secret = network
    keys = ["external", *[m.key for m in more_tools][:extra_tools]]
    fill(space, clients, events, keys)
    for query in ("", "?tool=external", "?tool=spaces"):
        count = queries(clients[persona], feed_url(space, query))
        # A feed of the space's own events names no card; one of the cards names no member.
        if query == "?tool=spaces" or (query == "?tool=external" and persona != "anonymous"):
            assert count == expected - 1, (query, count)
        else:
            assert count == expected, (query, count)


def test_the_second_page_runs_the_same_queries_as_the_first(network, more_tools):
    space, clients, _secret = network
    fill(space, clients, 120, ["external", "notes"])
    first = clients["member"].get(feed_url(space)).content.decode()
    older = html_lib.unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))
    assert queries(clients["member"], feed_url(space) + older) == 8
