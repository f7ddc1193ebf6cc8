"""The demo network's wiki pages: French, written by several people over months, loaded once."""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from coopilote.accounts.models import User
from coopilote.activity.models import ActivityEvent, DailyActivity
from coopilote.activity.rollups import local_today, local_zone
from coopilote.mail.models import OutboxMessage
from coopilote.spaces.demo import LUCAS, NETWORK_SLUG
from coopilote.spaces.models import Space, SpaceTool
from coopilote.tools.wiki import demo
from coopilote.tools.wiki.models import Page, PageFollower, PageLink, PageRedirect, Revision
from coopilote.tools.wiki.notifications import FOLLOW

WETLANDS_SLUG = "zones-humides"
# A wiki link as a reader gets it: its address and classes ("wiki-link--missing": to create).
LINK = re.compile(r'<a href="([^"]+)" class="(wiki-link[^"]*)">([^<]*)')


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def network(db):
    load_demo()
    return Space.objects.get(slug=NETWORK_SLUG)


def snapshot() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "links": PageLink.objects.count(),
        "redirects": PageRedirect.objects.count(),
        "followers": PageFollower.objects.count(),
        "tools": SpaceTool.objects.count(),
        "events": ActivityEvent.objects.count(),
        "rollups": DailyActivity.objects.count(),
        "mail": OutboxMessage.objects.count(),
    }


@pytest.mark.django_db
def test_loading_the_demo_twice_adds_no_page_or_event_the_second_time():
    first = load_demo()
    assert "wiki: 10 wiki pages with" in first
    before = snapshot()
    assert before["pages"] == 10
    second = load_demo()
    assert "wiki: demo wiki already there." in second
    assert snapshot() == before


def test_the_network_and_the_wetlands_group_write_their_wiki_in_french(network):
    wetlands = Space.objects.get(slug=WETLANDS_SLUG)
    enabled = SpaceTool.objects.filter(tool_key="wiki", enabled=True)
    assert set(enabled.values_list("space_id", flat=True)) == {network.pk, wetlands.pk}
    titles = set(Page.objects.filter(space=network).values_list("title", flat=True))
    assert {"Accueil", "Charte de fonctionnement", "Comptes rendus"} <= titles
    assert "Fiche projet — Inventaire des mares" in titles
    assert "Fiche projet — Haies et bandes enherbées" in titles
    minutes = Page.objects.filter(
        space=network, title__startswith="Compte rendu — comité de pilotage du "
    )
    assert minutes.count() == 3
    assert set(minutes.values_list("parent__title", flat=True)) == {"Comptes rendus"}
    assert Page.objects.filter(space=wetlands).count() == 2
    for page in minutes.select_related("current"):
        assert page.current is not None
        assert "| Qui | Quoi | Pour quand |" in page.current.body
        assert "<table>" in page.current.html
        assert [entry["text"] for entry in page.current.toc][-2:] == ["Décisions", "Actions"]
    bodies = "\n".join(Revision.objects.values_list("body", flat=True))
    for word in ("Val de Loire", "mares", "haies", "bénévoles", "comité de pilotage", "> "):
        assert word in bodies, word


def test_the_charter_has_a_history_by_several_people_with_a_restored_revision(network):
    charter = Page.objects.get(space=network, title="Charte de fonctionnement")
    revisions = list(charter.revisions.order_by("number").select_related("author"))
    assert 5 <= len(revisions) <= 8
    assert len({revision.author_id for revision in revisions}) >= 4
    assert all(revision.comment for revision in revisions)
    assert "Ajout de la section décisions" in [revision.comment for revision in revisions]
    restored = [revision for revision in revisions if revision.kind == Revision.Kind.RESTORED]
    assert len(restored) == 1
    source = revisions[restored[0].source_number - 1]
    previous = revisions[restored[0].number - 2]
    assert restored[0].body == source.body != previous.body
    assert "par consentement" in charter.current.body  # the majority rule was undone


def test_revisions_are_spread_over_the_last_months_and_pages_agree(network):
    today = local_today()
    revisions = Revision.objects.filter(page__space__in=[network, *network.children.all()])
    days = {
        revision.created_at.astimezone(local_zone()).date()
        for revision in revisions.only("created_at")
    }
    assert max(days) < today
    assert (today - min(days)).days >= 150
    assert len({(day.year, day.month) for day in days}) >= 5
    by_page = defaultdict(list)
    for revision in revisions.order_by("page", "number"):
        by_page[revision.page_id].append(revision)
    for page in Page.objects.filter(pk__in=by_page):
        history = by_page[page.pk]
        times = [revision.created_at for revision in history]
        assert times == sorted(times) and len(set(times)) == len(times), page
        assert page.created_at == times[0] and page.updated_at == times[-1], page
        assert page.current_id == history[-1].pk
    kinds = Counter(revisions.values_list("kind", flat=True))
    assert kinds[Revision.Kind.MERGED] == 1 and kinds[Revision.Kind.RESTORED] == 1
    # One renamed page, whose former address is kept.
    redirect = PageRedirect.objects.get(space=network)
    assert redirect.old_slug == "fiche-projet-plantation-de-haies"
    assert redirect.page.title == "Fiche projet — Haies et bandes enherbées"


def test_the_home_page_leads_to_existing_pages_and_to_one_page_to_create(network):
    client = Client()
    client.force_login(User.objects.get(email=LUCAS))
    response = client.get(reverse("wiki:page", args=[network.slug, "accueil"]))
    assert response.status_code == 200
    links = LINK.findall(response.content.decode())
    missing = [(url, label) for url, classes, label in links if "missing" in classes]
    existing = {url for url, classes, _label in links if "missing" not in classes}
    assert missing == [
        (
            reverse("wiki:create", args=[network.slug]) + "?title=Rencontre+annuelle+%C3%A0+Chinon",
            "Rencontre annuelle à Chinon",
        )
    ]
    assert existing == {
        reverse("wiki:page", args=[network.slug, slug])
        for slug in (
            "charte-de-fonctionnement",
            "comptes-rendus",
            "fiche-projet-inventaire-des-mares",
            "fiche-projet-haies-et-bandes-enherbees",
        )
    } | {  # Lucas is in the wetlands group: its pages, linked from the network's home
        reverse("wiki:page", args=[WETLANDS_SLUG, slug])
        for slug in ("protocole-d-inventaire-des-mares", "calendrier-des-sorties")
    }
    for url in existing:
        assert client.get(url).status_code == 200, url


def test_a_link_written_before_the_rename_still_leads_to_the_page(network):
    client = Client()
    client.force_login(User.objects.get(email=LUCAS))
    minutes = Page.objects.get(space=network, current__body__contains=f"[[{demo.HEDGES_OLD}]]")
    assert minutes.title.startswith("Compte rendu — comité de pilotage du ")
    response = client.get(reverse("wiki:page", args=[network.slug, minutes.slug]))
    hedges = reverse("wiki:page", args=[network.slug, "fiche-projet-haies-et-bandes-enherbees"])
    assert (hedges, "wiki-link", demo.HEDGES_OLD) in LINK.findall(response.content.decode())


def test_the_group_wiki_stays_with_its_members(network):
    protocol = reverse("wiki:page", args=[WETLANDS_SLUG, "protocole-d-inventaire-des-mares"])
    member = Client()
    member.force_login(User.objects.get(email=LUCAS))
    assert member.get(protocol).status_code == 200
    outsider = Client()  # a member of the network, not of the group
    outsider.force_login(User.objects.get(display_name=demo.GUILLAUME))
    assert outsider.get(protocol).status_code == 403
    assert Client().get(protocol).status_code == 302  # to the login page
    home = reverse("wiki:page", args=[network.slug, "accueil"])
    assert Client().get(home).status_code == 200
    # The network's home links to the group's pages: plain words for those outside the group.
    for reader in (outsider, Client()):
        html = reader.get(home).content.decode()
        assert "protocole d'inventaire" in html or "protocole d&#x27;inventaire" in html
        assert f"/s/{WETLANDS_SLUG}/" not in html


def test_pages_are_followed_without_mail_about_the_past(network):
    for page in Page.objects.all():
        assert page.followers.filter(user_id=page.created_by_id).exists(), page
        for follower in page.followers.all():
            assert follower.created_at >= page.created_at
    assert PageFollower.objects.count() > Page.objects.count()
    assert not OutboxMessage.objects.filter(kind=FOLLOW).exists()
    # Nor later: nothing is left for the worker to mail about edits of past months.
    assert not DBTaskResult.objects.filter(task_path__endswith="tell_followers").exists()


def test_each_write_is_one_event_at_its_time_and_the_rollups_count_them(network):
    events = ActivityEvent.objects.filter(tool_key="wiki")
    kinds = Counter(events.values_list("kind", flat=True))
    revisions = Revision.objects.all()
    assert kinds["wiki.page.created"] == Page.objects.count()
    assert kinds["wiki.page.restored"] == revisions.filter(kind=Revision.Kind.RESTORED).count()
    assert kinds["wiki.page.renamed"] == PageRedirect.objects.count() == 1
    assert kinds["wiki.page.moved"] == 3
    assert (
        kinds["wiki.page.edited"] + kinds["wiki.page.renamed"]
        == revisions.filter(kind__in=[Revision.Kind.EDITED, Revision.Kind.MERGED]).count()
    )
    saved = {
        (page_id, created_at) for page_id, created_at in revisions.values_list("page", "created_at")
    }
    for event in events.exclude(kind="wiki.page.moved"):
        assert (event.target_id, event.created_at) in saved, event.kind
    yesterday = local_today() - timedelta(days=1)
    rolled = DailyActivity.objects.filter(tool_key="wiki", day__lte=yesterday)
    assert rolled.aggregate(n=Sum("count"))["n"] == events.count()


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2026, 9, 1), date(2027, 5, 1)])
def test_the_story_keeps_its_order_whatever_the_day_it_is_loaded(start):
    """The history is relative to today: on every day of a year, each page's revisions come in
    the order the steps expect (the restore and the merge name the right revisions)."""
    for offset in range(0, 366, 3):
        today = start + timedelta(days=offset)
        for days in demo.MEETINGS:
            meeting = demo.meeting_day(today, days)
            assert meeting.weekday() == 1 and (meeting.month, meeting.day) not in demo.HOLIDAYS
        steps = demo.history(today)
        assert all(step.days >= 1 for step in steps)
        numbers: Counter[str] = Counter()
        comments: dict[tuple[str, int], str] = {}
        for step in steps:
            if step.do in ("create", "save", "restore", "rename"):
                if step.do == "save" and step.number:
                    assert step.number < numbers[step.page]  # a merge from an older revision
                if step.do == "restore":
                    restored = comments[(step.page, step.number)]
                    assert restored == "Version validée par le comité de pilotage"
                numbers[step.page] += 1
                comments[(step.page, numbers[step.page])] = step.comment
        assert numbers["charter"] == 8
