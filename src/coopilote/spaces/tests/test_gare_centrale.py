"""The gare centrale (/s/<slug>/): its blocks, edited in place, what is new, and its cost."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.tests.helpers import error_texts, in_french
from coopilote.activity.models import ActivityEvent
from coopilote.activity.recording import record
from coopilote.spaces import actions, gare
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Membership, Space, SpaceTool
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.spaces.tests.gare_helpers import (
    add_card,
    enable_external,
    member_joined,
    owner_access,
    queries,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
BLOCKS = {"bienvenue": "welcome", "pour-commencer": "start_here", "message": "message"}


def home(space: Space) -> str:
    return reverse("spaces:detail", args=[space.slug])


def edit_url(space: Space, block: str) -> str:
    return reverse("spaces:home_block_edit", args=[space.slug, block])


def block_url(space: Space, block: str) -> str:
    return reverse("spaces:home_block", args=[space.slug, block])


def text_of(response) -> str:
    return html_lib.unescape(response.content.decode())


def home_fields(space: Space) -> dict:
    return Space.objects.filter(pk=space.pk).values(
        "welcome", "welcome_html", "start_here", "start_here_html", "message", "message_html",
        "message_until", "message_at",
    ).get()  # fmt: skip


def post_block(client, space: Space, block: str, text: str, until: str = "", **headers):
    field = BLOCKS[block]
    data = {f"{field}-text": text}
    if block == "message":
        data[f"{field}-until"] = until
    return client.post(edit_url(space, block), data, **headers)


# Editing the blocks: who may --------------------------------------------------------------------

EDIT_EXPECTED = {
    # persona: (public, members, secret)
    "anonymous": (302, 302, 404),
    "outsider": (403, 403, 404),
    "observer": (403, 403, 403),
    "member": (403, 403, 403),
    "facilitator": (200, 200, 200),
    "owner": (200, 200, 200),
}


@pytest.mark.parametrize("block", list(BLOCKS))
@pytest.mark.parametrize("column, visibility", list(enumerate(["public", "members", "secret"])))
def test_the_edit_forms_answer_every_persona_as_the_matrix_says(
    personas, block, column, visibility
):
    space, clients = personas(visibility)
    url = edit_url(space, block)
    answers = {persona: clients[persona].get(url).status_code for persona in PERSONAS}
    assert answers == {persona: row[column] for persona, row in EDIT_EXPECTED.items()}
    htmx = {persona: clients[persona].get(url, **HTMX).status_code for persona in PERSONAS}
    assert htmx == answers


@pytest.mark.parametrize("block", list(BLOCKS))
@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_only_facilitators_and_owners_change_a_block_and_refusals_change_nothing(
    personas, block, visibility
):
    space, clients = personas(visibility)
    field = BLOCKS[block]
    for persona in PERSONAS:
        before = home_fields(space), ActivityEvent.objects.count()
        response = post_block(clients[persona], space, block, f"Texte de {persona}")
        if persona in ("facilitator", "owner"):
            assert response.status_code == 302, persona
            assert getattr(Space.objects.get(pk=space.pk), field) == f"Texte de {persona}"
        else:
            assert response.status_code in (302, 403, 404), persona
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("account_login"))
            assert (home_fields(space), ActivityEvent.objects.count()) == before, persona


def test_an_unknown_block_is_not_found(personas):
    space, clients = personas("public")
    assert clients["owner"].get(edit_url(space, "pied-de-page")).status_code == 404
    assert clients["owner"].get(block_url(space, "pied-de-page"), **HTMX).status_code == 404


@pytest.mark.parametrize("column, visibility", list(enumerate(["public", "members", "secret"])))
def test_a_block_alone_answers_those_who_may_read_the_space(personas, column, visibility):
    space, clients = personas(visibility)
    expected = {
        "anonymous": (200, 302, 404),
        "outsider": (200, 403, 404),
    }
    for persona in PERSONAS:
        response = clients[persona].get(block_url(space, "bienvenue"), **HTMX)
        wanted = expected.get(persona, (200, 200, 200))[column]
        assert response.status_code == wanted, persona
        if wanted == 200:
            assert 'id="bloc-bienvenue"' in response.content.decode()
            assert "<html" not in response.content.decode()


def test_a_block_asked_without_htmx_leads_to_the_home_page(personas):
    space, clients = personas("public")
    response = clients["member"].get(block_url(space, "message"))
    assert response.status_code == 302
    assert response["Location"] == home(space) + "#bloc-message"


def test_an_archived_space_s_blocks_cannot_be_edited(personas):
    space, clients = personas("members")
    actions.space_set_status(access=owner_access(space, clients), status="archived")
    before = home_fields(space)
    for persona in ("facilitator", "owner"):
        assert clients[persona].get(edit_url(space, "bienvenue")).status_code == 403
        assert post_block(clients[persona], space, "bienvenue", "Non").status_code == 403
    assert home_fields(space) == before
    assert "bloc-bienvenue/modifier" not in clients["owner"].get(home(space)).content.decode()


# Editing in place (htmx) and as pages ---------------------------------------------------------


def test_with_htmx_the_edit_link_brings_the_form_in_place_and_saving_brings_the_block_back(
    personas,
):
    space, clients = personas("members")
    page = clients["facilitator"].get(home(space)).content.decode()
    link = re.search(r'<a [^>]*href="([^"]*/accueil/bienvenue/modifier/)"[^>]*>', page)
    assert link and 'hx-get="' in link.group(0) and 'hx-target="#bloc-bienvenue"' in link.group(0)
    form = clients["facilitator"].get(link.group(1), **HTMX)
    html = form.content.decode()
    assert form.status_code == 200 and "<html" not in html
    assert 'id="bloc-bienvenue"' in html and 'hx-post="' in html
    assert f'href="{home(space)}#bloc-bienvenue"' in html  # Cancel without JavaScript
    assert f'hx-get="{block_url(space, "bienvenue")}"' in html  # Cancel with it
    saved = post_block(clients["facilitator"], space, "bienvenue", "Bonjour **à toutes**", **HTMX)
    html = saved.content.decode()
    assert saved.status_code == 200 and "<html" not in html
    assert "<strong>à toutes</strong>" in html
    assert 'role="status"' in html
    assert saved["Vary"] and "HX-Request" in saved["Vary"]


def test_without_htmx_saving_redirects_to_the_block_with_a_message(personas):
    space, clients = personas("members")
    response = post_block(clients["owner"], space, "pour-commencer", "## Où commencer\n\nIci.")
    assert response.status_code == 302
    assert response["Location"] == home(space) + "#bloc-pour-commencer"
    page = clients["owner"].get(home(space)).content.decode()
    assert "<h3>Où commencer</h3>" in page
    assert in_french("The “start here” guide is saved.") in html_lib.unescape(page)


def test_a_too_long_text_is_refused_in_place_and_kept(personas):
    space, clients = personas("members")
    long_text = "Bienvenue ! " + "x" * 10_001
    before = home_fields(space)
    response = post_block(clients["owner"], space, "bienvenue", long_text, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html and "data-error-summary" in html
    assert long_text in html_lib.unescape(html)
    page = post_block(clients["owner"], space, "bienvenue", long_text)
    assert page.status_code == 400 and "<html" in page.content.decode()
    assert error_texts(page.content.decode())
    assert long_text in html_lib.unescape(page.content.decode())
    assert home_fields(space) == before


def test_the_start_here_form_starts_from_a_skeleton_when_empty(personas):
    space, clients = personas("members")
    html = text_of(clients["owner"].get(edit_url(space, "pour-commencer")))
    assert "## " + in_french("What this space is for").strip() in html or "## " in html


# Real tags and attributes that would run code; the same text escaped is harmless.
HARMFUL = (r"<script", r"<img", r"<iframe", r"<a [^>]*javascript:", r"<[a-z][^>]*\son\w+=")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">clic</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
@pytest.mark.parametrize("block", list(BLOCKS))
def test_hostile_text_in_any_block_is_shown_harmless(personas, block, hostile):
    space, clients = personas("public")
    if block == "pour-commencer":
        # the guide unfolds for newcomers: make the reader one, so it is on the page
        Membership.objects.filter(user=clients.users["member"]).update(previous_visit_at=None)
    post_block(clients["owner"], space, block, f"Avant {hostile} après")
    field = BLOCKS[block]
    stored = home_fields(space)[f"{field}_html"]
    for persona in ("anonymous", "member", "owner"):
        html = clients[persona].get(home(space)).content.decode()
        assert "Avant" in html, persona
        main = html.split("<main", 1)[1]
        for bad in HARMFUL:
            assert not re.search(bad, main), (persona, bad)
    for bad in HARMFUL:
        assert not re.search(bad, stored), bad
    # What was typed is still there, as text.
    assert "Avant" in stored and "après" in stored


def test_invisible_control_characters_are_taken_out(personas):
    space, clients = personas("members")
    post_block(clients["owner"], space, "bienvenue", "Bien\u202evenue\u0007")
    assert Space.objects.get(pk=space.pk).welcome == "Bienvenue"


def test_saving_records_one_event_per_block_and_nothing_when_unchanged(personas):
    space, clients = personas("members")
    post_block(clients["owner"], space, "bienvenue", "Bonjour")
    post_block(clients["owner"], space, "bienvenue", "Bonjour")
    post_block(clients["owner"], space, "pour-commencer", "Lisez ceci")
    post_block(clients["owner"], space, "message", "Réunion jeudi")
    post_block(clients["owner"], space, "message", "")
    kinds = list(
        ActivityEvent.objects.filter(space=space, tool_key="spaces")
        .exclude(kind="spaces.space.created")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "spaces.welcome.edited",
        "spaces.start_here.edited",
        "spaces.message.posted",
        "spaces.message.removed",
    ]


# The message of the moment ---------------------------------------------------------------------


def test_the_message_shows_with_its_date_until_its_last_day_then_hides(personas, time_machine):
    space, clients = personas("members")
    time_machine.move_to(datetime(2026, 5, 4, 10, 0, tzinfo=timezone.get_current_timezone()))
    response = post_block(
        clients["owner"], space, "message", "AG le **12 mai**", until="2026-05-12"
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.message_until == date(2026, 5, 12)
    page = clients["member"].get(home(space)).content.decode()
    assert "AG le <strong>12 mai</strong>" in page
    assert 'datetime="2026-05-04T10:00:00' in page
    time_machine.move_to(datetime(2026, 5, 12, 23, 30, tzinfo=timezone.get_current_timezone()))
    assert "AG le <strong>12 mai</strong>" in clients["member"].get(home(space)).content.decode()
    time_machine.move_to(datetime(2026, 5, 13, 0, 30, tzinfo=timezone.get_current_timezone()))
    assert "AG le" not in clients["member"].get(home(space)).content.decode()
    assert 'id="bloc-message"' not in clients["member"].get(home(space)).content.decode()
    # The facilitators still find the block, to write the next one.
    assert 'id="bloc-message"' in clients["owner"].get(home(space)).content.decode()


def test_a_last_day_in_the_past_is_refused_and_the_message_kept_in_the_form(personas, time_machine):
    space, clients = personas("members")
    time_machine.move_to(datetime(2026, 5, 4, 10, 0, tzinfo=timezone.get_current_timezone()))
    before = home_fields(space)
    response = post_block(clients["owner"], space, "message", "Trop tard", until="2026-05-03")
    assert response.status_code == 400
    assert in_french("The last day to show the message cannot be in the past.") in text_of(response)
    assert "Trop tard" in text_of(response)
    assert home_fields(space) == before
    bad = post_block(clients["owner"], space, "message", "Date", until="31/02/2026")
    assert bad.status_code == 400 and home_fields(space) == before


def test_an_empty_message_takes_the_message_down(personas):
    space, clients = personas("members")
    post_block(clients["owner"], space, "message", "Coucou", until="")
    assert Space.objects.get(pk=space.pk).message_at is not None
    post_block(clients["owner"], space, "message", "   ")
    fields = home_fields(space)
    assert fields["message"] == fields["message_html"] == ""
    assert fields["message_at"] is None and fields["message_until"] is None


# What each reader sees --------------------------------------------------------------------------


def test_people_who_may_not_read_a_members_only_space_see_its_card_only(personas):
    space, clients = personas("members")
    post_block(clients["owner"], space, "bienvenue", "Bienvenue aux membres")
    for persona in ("anonymous", "outsider"):
        response = clients[persona].get(home(space))
        if persona == "anonymous":
            assert response.status_code == 200
        html = response.content.decode()
        assert "Bienvenue aux membres" not in html
        assert 'id="bloc-bienvenue"' not in html and "feed__item" not in html


def test_every_reader_of_a_public_space_finds_the_blocks(personas):
    space, clients = personas("public")
    post_block(clients["owner"], space, "bienvenue", "Bienvenue à toutes et tous")
    for persona in PERSONAS:
        html = clients[persona].get(home(space)).content.decode()
        assert "Bienvenue à toutes et tous" in html, persona
        assert 'id="bloc-pour-commencer"' in html, persona
        assert ("bienvenue/modifier" in html) is (persona in ("facilitator", "owner")), persona


def test_the_welcome_falls_back_on_the_description(personas):
    space, clients = personas("members", description="Un réseau pour **l'eau**")
    assert "<strong>l&#x27;eau</strong>" in clients["member"].get(home(space)).content.decode() or (
        "<strong>l'eau</strong>" in clients["member"].get(home(space)).content.decode()
    )


def test_a_newcomer_sees_start_here_unfolded_at_the_top_and_others_folded_below(personas):
    space, clients = personas("members")
    post_block(clients["owner"], space, "pour-commencer", "Lisez la charte")
    Membership.objects.filter(space=space, user=clients.users["observer"]).update(
        joined_at=timezone.now() - timedelta(days=90), previous_visit_at=timezone.now()
    )
    newcomer = clients["member"].get(home(space)).content.decode()
    assert "home-start--open" in newcomer
    assert newcomer.index('id="bloc-pour-commencer"') < newcomer.index('id="bloc-bienvenue"')
    assert "<details" not in newcomer.split('id="bloc-pour-commencer"')[1].split("</section>")[0]
    settled = clients["observer"].get(home(space)).content.decode()
    assert "home-start--open" not in settled
    assert settled.index('id="bloc-bienvenue"') < settled.index('id="bloc-pour-commencer"')
    assert "<details" in settled.split('id="bloc-pour-commencer"')[1].split("</section>")[0]
    assert "Lisez la charte" in settled


def test_someone_who_joined_long_ago_but_never_came_back_is_still_a_newcomer(personas):
    space, clients = personas("members")
    Membership.objects.filter(space=space, user=clients.users["member"]).update(
        joined_at=timezone.now() - timedelta(days=200), previous_visit_at=None
    )
    assert "home-start--open" in clients["member"].get(home(space)).content.decode()


def test_facilitators_see_the_guide_folded_with_its_edit_link(personas):
    space, clients = personas("members")
    html = clients["facilitator"].get(home(space)).content.decode()
    assert "home-start--open" not in html
    assert edit_url(space, "pour-commencer") in html


def test_the_default_guide_points_to_the_first_tool_and_the_directory(personas):
    space, clients = personas("members")
    enable_external(space, clients)
    html = clients["member"].get(home(space)).content.decode()
    guide = html.split('id="bloc-pour-commencer"')[1].split("</section>")[0]
    assert reverse("external:index", args=[space.slug]) in guide
    assert reverse("spaces:directory", args=[space.slug]) in guide


def test_the_tools_show_their_title_and_what_they_are_for(personas):
    from coopilote.tools.external.manifest import MANIFEST

    space, clients = personas("members")
    enable_external(space, clients)
    actions.space_tool_rename(
        access=owner_access(space, clients), tool_key="external", title="Outils « du coin » & co"
    )
    html = clients["member"].get(home(space)).content.decode()
    tools = html.split('id="tools-title"')[1].split("</section>")[0]
    assert "Outils « du coin » &amp; co" in tools
    assert in_french(str(MANIFEST.description)) in html_lib.unescape(tools)
    assert reverse("external:index", args=[space.slug]) in tools


def test_disabled_tools_and_tools_a_reader_cannot_open_are_not_on_the_home_page(personas):
    space, clients = personas("members")
    enable_external(space, clients)
    url = reverse("external:index", args=[space.slug])
    SpaceTool.objects.filter(space=space).update(settings={"verbs": {"read": ["owner"]}})
    assert url not in clients["member"].get(home(space)).content.decode()
    assert url in clients["owner"].get(home(space)).content.decode()
    actions.space_tool_disable(access=owner_access(space, clients), tool_key="external")
    tools = clients["owner"].get(home(space)).content.decode().split('id="tools-title"')[1]
    assert url not in tools.split("</section>")[0]


def test_recent_activity_shows_the_last_ten_and_links_to_the_feed(personas):
    space, clients = personas("public")
    for _n in range(14):
        record(space=space, actor=clients.users["owner"], kind="spaces.welcome.edited")
    html = clients["member"].get(home(space)).content.decode()
    assert html.count('class="feed__item') == 10
    assert reverse("spaces:activity", args=[space.slug]) in html


def test_the_home_page_of_a_public_network_never_shows_its_secret_group(personas, make_space):
    space, clients = personas("public")
    owner = clients.users["owner"]
    secret = make_space("Groupe très discret", owner=owner, parent=space, visibility="secret")
    actions.space_tool_enable(access=access_for(secret, owner), tool_key="external")
    add_card(secret, owner, name="Carte cachée")
    for persona in ("anonymous", "outsider", "member", "facilitator"):
        html = text_of(clients[persona].get(home(space)))
        assert "Carte cachée" not in html, persona
        assert ("Groupe très discret" in html) is (persona == "facilitator"), persona
    assert "Groupe très discret" in text_of(clients["owner"].get(home(space)))


@pytest.mark.parametrize(
    "persona, sees",
    [("anonymous", False), ("outsider", False), ("observer", True), ("member", True)],
)
def test_newest_members_are_shown_to_those_who_may_see_the_directory(personas, persona, sees):
    from coopilote.accounts.models import User

    space, clients = personas("public")
    User.objects.filter(pk=clients.users["member"].pk).update(display_name="Nina Nouvelle")
    html = text_of(clients[persona].get(home(space)))
    assert ("Nina Nouvelle" in html) is sees


def test_newest_members_are_for_facilitators_when_the_directory_is(personas):
    from coopilote.accounts.models import User

    space, clients = personas("members", directory_visibility="facilitators")
    User.objects.filter(pk=clients.users["observer"].pk).update(display_name="Oscar Observe")
    assert "Oscar Observe" not in text_of(clients["member"].get(home(space)))
    assert "Oscar Observe" in text_of(clients["facilitator"].get(home(space)))


def test_newest_members_come_newest_first(personas, make_user, add_member):
    space, clients = personas("members")
    for n in range(8):
        person = make_user(f"p{n}@example.org", display_name=f"Personne {n}")
        membership = add_member(space, person)
        Membership.objects.filter(pk=membership.pk).update(
            joined_at=timezone.now() + timedelta(minutes=n)
        )
    html = text_of(clients["member"].get(home(space)))
    block = html.split('class="newest-members"')[1].split("</ul>")[0]
    names = re.findall(r"Personne (\d)", block)
    assert names == ["7", "6", "5", "4", "3", "2"]


# What is new since my last visit ---------------------------------------------------------------


def visit_state(space: Space, user) -> tuple:
    return tuple(
        Membership.objects.filter(space=space, user=user)
        .values_list("last_seen_at", "previous_visit_at")
        .get()
    )


def test_opening_the_page_notes_the_visit_at_most_every_few_minutes(personas, time_machine):
    space, clients = personas("members")
    member = clients.users["member"]
    t0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.get_current_timezone())
    time_machine.move_to(t0, tick=False)
    assert visit_state(space, member) == (None, None)
    clients["member"].get(home(space))
    assert visit_state(space, member) == (t0, None)
    time_machine.move_to(t0 + timedelta(minutes=3), tick=False)
    with CaptureQueriesContext(connection) as captured:
        clients["member"].get(home(space))
    assert not any(q["sql"].startswith("UPDATE") for q in captured.captured_queries)
    assert visit_state(space, member) == (t0, None)
    # Still the same visit: the last sighting moves on, what is new does not.
    time_machine.move_to(t0 + timedelta(minutes=20), tick=False)
    clients["member"].get(home(space))
    assert visit_state(space, member) == (t0 + timedelta(minutes=20), None)
    # After a pause, a new visit: what is new counts from the previous one's last sighting.
    time_machine.move_to(t0 + timedelta(hours=5), tick=False)
    clients["member"].get(home(space))
    assert visit_state(space, member) == (t0 + timedelta(hours=5), t0 + timedelta(minutes=20))


def test_other_pages_and_people_without_a_membership_note_nothing(personas):
    space, clients = personas("public")
    clients["member"].get(reverse("spaces:activity", args=[space.slug]))
    assert visit_state(space, clients.users["member"]) == (None, None)
    before = list(Membership.objects.values_list("last_seen_at", flat=True))
    clients["outsider"].get(home(space))
    clients["anonymous"].get(home(space))
    assert list(Membership.objects.values_list("last_seen_at", flat=True)) == before


def test_a_visit_noted_by_another_tab_meanwhile_is_not_noted_twice(personas):
    space, clients = personas("members")
    member = clients.users["member"]
    access = access_for(Space.objects.get(pk=space.pk), member)
    other = access_for(Space.objects.get(pk=space.pk), member)
    assert actions.membership_seen(access=access) is True
    assert actions.membership_seen(access=other) is False  # it read the old value: no write


def news_text(response) -> str:
    html = response.content.decode()
    found = re.search(r'<p class="gare__news">(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html_lib.unescape(found.group(1)))).strip()


def test_the_page_counts_what_others_did_since_the_previous_visit(personas):
    space, clients = personas("members")
    member, owner = clients.users["member"], clients.users["owner"]
    earlier = timezone.now() - timedelta(days=2)
    Membership.objects.filter(space=space, user=member).update(
        previous_visit_at=earlier, last_seen_at=earlier
    )
    ActivityEvent.objects.filter(space=space).update(created_at=earlier - timedelta(days=1))
    for _n in range(3):
        record(space=space, actor=owner, kind="spaces.welcome.edited", target=space)
    record(space=space, actor=member, kind="spaces.start_here.edited", target=space)
    record(space=space, actor=owner, kind="spaces.tool.moved", target=space)  # never shown
    response = clients["member"].get(home(space))
    assert news_text(response) == in_french(
        "%(counter)s new things since your last visit", counter=3
    ).replace("%(counter)s", "3") or "3" in news_text(response)
    assert re.search(r"\b3\b", news_text(response))
    assert 'href="' + reverse("spaces:activity", args=[space.slug]) + '?new=on"' in (
        response.content.decode()
    )
    # Opening it again in the same visit: the same three.
    assert re.search(r"\b3\b", news_text(clients["member"].get(home(space))))


def test_before_a_second_visit_new_things_count_from_joining(personas):
    space, clients = personas("members")
    record(space=space, actor=clients.users["owner"], kind="spaces.welcome.edited", target=space)
    Membership.objects.filter(space=space, user=clients.users["member"]).update(
        joined_at=timezone.now() - timedelta(minutes=5)
    )
    ActivityEvent.objects.filter(kind="spaces.space.created").update(
        created_at=timezone.now() - timedelta(days=1)
    )
    text = news_text(clients["member"].get(home(space)))
    assert re.search(r"\b1\b", text)


def test_more_than_ninety_nine_new_things_are_not_all_counted(personas):
    space, clients = personas("members")
    owner = clients.users["owner"]
    ActivityEvent.objects.bulk_create(
        ActivityEvent(
            space=space, actor=owner, tool_key="spaces", kind="spaces.welcome.edited",
            participation="admin",
        )
        for _n in range(150)
    )  # fmt: skip
    scope = gare.feed_scope(access_for(space, clients.users["member"]))
    assert gare.new_count(scope) == gare.NEW_CAP + 1
    assert "99" in news_text(clients["member"].get(home(space)))


def test_visitors_get_no_news_line(personas):
    space, clients = personas("public")
    for persona in ("anonymous", "outsider"):
        assert 'class="gare__news"' not in clients[persona].get(home(space)).content.decode()


# Reading measurement told on the page ----------------------------------------------------------


def test_members_are_told_when_reading_is_measured_and_can_refuse_from_the_page(personas):
    space, clients = personas("public")
    url = reverse("spaces:reading_choice", args=[space.slug])
    assert url not in clients["member"].get(home(space)).content.decode()
    Space.objects.filter(pk=space.pk).update(reading_measurement=True)
    for persona in PERSONAS:
        html = clients[persona].get(home(space)).content.decode()
        assert 'id="lecture"' in html, persona
        assert (url in html) is (persona not in ("anonymous", "outsider")), persona


# Query counts ----------------------------------------------------------------------------------


@pytest.fixture
def network(personas, make_space, more_tools):
    """A public network, a secret group inside, and ``grow(events, tools)`` to add data."""
    space, clients = personas("public")
    owner = clients.users["owner"]
    enable_external(space, clients)
    cards = [add_card(space, owner, name=f"Carte {n}") for n in range(2)]
    secret = make_space("Groupe secret", owner=owner, parent=space, visibility="secret")
    make_space("Groupe ouvert", owner=owner, parent=space, visibility="public")
    actions.space_tool_enable(access=access_for(secret, owner), tool_key="external")
    add_card(secret, owner, name="Carte secrète")
    post_block(clients["owner"], space, "message", "Réunion jeudi")
    post_block(clients["owner"], space, "bienvenue", "Bienvenue")
    earlier = timezone.now() - timedelta(days=3)
    Membership.objects.filter(space=space).update(previous_visit_at=earlier, last_seen_at=earlier)

    def grow(events: int, tools: int) -> None:
        for manifest in more_tools[: tools - 1]:
            actions.space_tool_enable(access=owner_access(space, clients), tool_key=manifest.key)
        for n in range(events):
            kind = n % 3
            if kind == 0:
                member_joined(space, owner, clients.users["member"])
            elif kind == 1:
                record(space=space, actor=owner, kind="external.tool.edited", target=cards[n % 2])
            else:
                key = more_tools[n % 2].key if tools > 1 else "external"
                record(
                    space=space,
                    actor=clients.users["observer"],
                    kind=f"{key}.note.written" if tools > 1 else "external.tool.edited",
                    target=space if tools > 1 else cards[0],
                )

    return space, clients, grow


# Budget: 15 queries at most for the space's home page (quality budget).
HOME_BUDGET = 15


@pytest.mark.parametrize("events", [5, 200])
@pytest.mark.parametrize("tools", [1, 3])
@pytest.mark.parametrize(
    "persona, expected",
    [
        # space with its ancestors, the tools, the children, the last ten events with their
        # actors, the cards they name (external tools' resolver)
        ("anonymous", 5),
        # session, user, space, memberships, tools, children, events, members named, cards
        # named, COUNT of new things, newest members
        ("member", 11),
        # the same, plus the COUNTs of pending join requests and of pending invitations
        ("facilitator", 13),
    ],
)
def test_the_home_page_runs_the_same_queries_whatever_the_amount_of_data(
    network, events, tools, persona, expected
):
    space, clients, grow = network
    grow(events, tools)
    count = queries(clients[persona], home(space))
    assert count == expected
    assert count <= HOME_BUDGET


def test_the_first_opening_of_a_visit_costs_one_update_more(network):
    space, clients, grow = network
    grow(5, 1)
    Membership.objects.filter(space=space).update(last_seen_at=timezone.now() - timedelta(hours=2))
    with CaptureQueriesContext(connection) as captured:
        assert clients["member"].get(home(space)).status_code == 200
    updates = [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    # the visit noted, and the session refreshed by Django's first request of this client
    assert len([q for q in updates if "spaces_membership" in q["sql"]]) == 1
    assert queries(clients["member"], home(space)) == 11
