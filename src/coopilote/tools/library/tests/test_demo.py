"""The demo network's resource library: French resources added over months, loaded once."""

from __future__ import annotations

import hashlib
import io
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.models import User
from coopilote.activity.models import ActivityEvent, DailyActivity, ViewCount
from coopilote.activity.rollups import local_today, local_zone
from coopilote.mail.models import OutboxMessage
from coopilote.spaces.demo import LUCAS, NETWORK_SLUG, _moment, _Seeding
from coopilote.spaces.models import Membership, Space, SpaceTool
from coopilote.tools.library import demo
from coopilote.tools.library.models import (
    Collection,
    CollectionItem,
    Comment,
    Favourite,
    Resource,
    ResourceFile,
    ResourceTag,
    Share,
)
from coopilote.tools.library.tests.helpers import stored_files
from coopilote.tools.wiki.models import Page, Revision
from coopilote.tools.wiki.tests.helpers import run_follower_mails

WETLANDS_SLUG = "zones-humides"
FARMING_SLUG = "agriculture-qualite-eau"


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def network(db):
    load_demo()
    return Space.objects.get(slug=NETWORK_SLUG)


def member(name: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(display_name=name))
    return client


def snapshot() -> dict[str, object]:
    return {
        "resources": Resource.objects.count(),
        "files": ResourceFile.objects.count(),
        "tags": ResourceTag.objects.count(),
        "shares": Share.objects.count(),
        "collections": Collection.objects.count(),
        "items": CollectionItem.objects.count(),
        "favourites": Favourite.objects.count(),
        "comments": Comment.objects.count(),
        "revisions": Revision.objects.count(),
        "tools": SpaceTool.objects.count(),
        "events": ActivityEvent.objects.count(),
        "rollups": DailyActivity.objects.count(),
        "view counts": ViewCount.objects.count(),
        "stored": stored_files(),
    }


@pytest.mark.django_db
def test_loading_the_demo_twice_adds_nothing_the_second_time():
    first = load_demo()
    assert "library: 26 resources (8 files, 11 links, 7 notes) in “" in first
    assert "shown on the wiki page “Fiche projet — Inventaire des mares”" in first
    before = snapshot()
    assert before["resources"] == len(demo.RESOURCES) == 26
    # Every file version and the previews of pictures and PDFs, nothing else.
    assert len(before["stored"]) == 9 + 7  # type: ignore[arg-type]
    second = load_demo()
    assert "library: demo library already there." in second
    assert snapshot() == before


def test_the_network_and_both_working_groups_pool_varied_resources(network):
    spaces = {
        space.slug: space
        for space in Space.objects.filter(slug__in=[NETWORK_SLUG, WETLANDS_SLUG, FARMING_SLUG])
    }
    enabled = SpaceTool.objects.filter(tool_key="library", enabled=True)
    assert set(enabled.values_list("space_id", flat=True)) == {s.pk for s in spaces.values()}
    by_space = Counter(Resource.objects.values_list("space__slug", flat=True))
    assert by_space == {NETWORK_SLUG: 17, WETLANDS_SLUG: 6, FARMING_SLUG: 3}
    assert Counter(Resource.objects.values_list("kind", flat=True)) == {
        "file": 8,
        "link": 11,
        "note": 7,
    }
    licences = Counter(Resource.objects.values_list("licence", flat=True))
    assert licences.most_common(2) == [("cc-by", 10), ("cc-by-sa", 7)]
    assert licences["all-rights-reserved"] == 5
    assert Resource.objects.get(licence="cc0", resource_type="data").title.startswith(
        "Relevés des mares"
    )
    assert len(set(Resource.objects.values_list("resource_type", flat=True))) >= 6
    assert set(Resource.objects.values_list("language", flat=True)) == {"fr", "en"}
    assert all(
        url.startswith("https://")
        for url in Resource.objects.exclude(url="").values_list("url", flat=True)
    )
    tags = set(ResourceTag.objects.values_list("name", flat=True))
    for tag in ("mares", "haies", "zones humides", "sciences participatives", "concertation",
                "SAGE", "bénévoles"):  # fmt: skip
        assert tag in tags, tag
    assert not Resource.objects.filter(created_by__isnull=True).exists()
    assert not Resource.objects.filter(author="").exists()
    notes = Resource.objects.filter(kind="note")
    assert all("<" in html for html in notes.values_list("body_html", flat=True))


def test_the_files_are_stored_as_uploads_with_previews_and_one_has_two_versions(network):
    kinds = Counter(ResourceFile.objects.values_list("file_kind", "extension"))
    assert kinds == {("image", "png"): 3, ("pdf", "pdf"): 4, ("text", "csv"): 1, ("text", "md"): 1}
    for file in ResourceFile.objects.all():
        with default_storage.open(file.storage_name) as stored:
            content = stored.read()
        assert hashlib.sha256(content).hexdigest() == file.sha256, file
        assert len(content) == file.size
        assert bool(file.thumbnail) == (file.file_kind in ("image", "pdf")), file
    sheet = Resource.objects.get(title="Fiche terrain de l'inventaire des mares")
    versions = list(sheet.files.order_by("number"))
    assert [version.number for version in versions] == [1, 2]
    assert sheet.current_file_id == versions[1].pk
    assert versions[1].uploaded_at > versions[0].uploaded_at
    assert sheet.updated_at == versions[1].uploaded_at > sheet.created_at


def test_shared_resources_show_in_the_receiving_space_for_its_members(network):
    shares = {
        (share.resource.title, share.resource.space.slug, share.space.slug)
        for share in Share.objects.select_related("resource__space", "space")
    }
    assert shares == {
        ("Fiche terrain de l'inventaire des mares", WETLANDS_SLUG, NETWORK_SLUG),
        ("Retour d'expérience : l'écoute nocturne des amphibiens", WETLANDS_SLUG, NETWORK_SLUG),
        ("Relevés des mares du Chinonais, saison 1", WETLANDS_SLUG, NETWORK_SLUG),
        ("Schéma d'une haie champêtre en trois strates", NETWORK_SLUG, FARMING_SLUG),
    }
    # Guillaume is in the network, not in the members-only wetlands group.
    guillaume = member(demo.GUILLAUME)
    survey = Resource.objects.get(title="Relevés des mares du Chinonais, saison 1")
    html = guillaume.get(reverse("library:index", args=[NETWORK_SLUG])).content.decode()
    assert "Relevés des mares du Chinonais, saison 1" in html
    page = guillaume.get(reverse("library:resource", args=[NETWORK_SLUG, survey.public_id]))
    assert page.status_code == 200
    assert "Groupe de travail zones humides" in page.content.decode()  # its origin
    assert (
        guillaume.get(
            reverse("library:resource", args=[WETLANDS_SLUG, survey.public_id])
        ).status_code
        == 403
    )
    kept = Resource.objects.get(title__startswith="Espèces sensibles")  # never shared
    assert (
        guillaume.get(reverse("library:resource", args=[NETWORK_SLUG, kept.public_id])).status_code
        == 404
    )
    hedge = Resource.objects.get(title="Schéma d'une haie champêtre en trois strates")
    lena = member(demo.LENA)  # in the farming group
    html = lena.get(reverse("library:index", args=[FARMING_SLUG])).content.decode()
    assert "Schéma d&#x27;une haie champêtre en trois strates" in html
    page = lena.get(reverse("library:resource", args=[FARMING_SLUG, hedge.public_id]))
    assert page.status_code == 200
    assert "avec du noisetier en strate arbustive" in page.content.decode()  # Samuel's comment


def test_the_two_collections_list_their_resources_in_order(network):
    collections = {c.title: c for c in Collection.objects.filter(space=network)}
    assert set(collections) == {"Kit d'accueil du nouveau membre", "Boîte à outils concertation"}
    client = member("Lucas Bernard")
    for collection in collections.values():
        items = list(collection.items.order_by("position").select_related("resource"))
        assert 5 <= len(items) <= 8
        assert collection.introduction_html.startswith("<p>")
        response = client.get(reverse("library:collection", args=[NETWORK_SLUG, collection.slug]))
        assert response.status_code == 200
        html = response.content.decode()
        places = [html.find(item.resource.title.replace("'", "&#x27;")) for item in items]
        assert -1 not in places and places == sorted(places), collection.title
    kit = collections["Kit d'accueil du nouveau membre"]
    assert kit.items.filter(resource__space__slug=WETLANDS_SLUG).exists()  # shared into it
    assert kit.updated_at > kit.created_at  # the sketch map came later


def test_the_ponds_project_sheet_shows_the_sketch_map_from_the_library(network):
    pond_map = Resource.objects.get(title="Croquis des mares du Chinonais")
    page = Page.objects.get(space=network, title="Fiche projet — Inventaire des mares")
    revisions = list(page.revisions.order_by("number").select_related("author"))
    last = revisions[-1]
    assert f"![[library:{pond_map.public_id}|{demo.EMBED_CAPTION}]]" in last.body
    assert last.author.display_name == demo.FATOU
    assert page.current_id == last.pk and page.updated_at == last.created_at
    assert revisions[-2].created_at < last.created_at and pond_map.created_at < last.created_at
    client = Client()
    client.force_login(User.objects.get(email=LUCAS))
    html = client.get(reverse("wiki:page", args=[network.slug, page.slug])).content.decode()
    thumbnail = reverse("library:thumbnail", args=[network.slug, pond_map.public_id])
    assert '<figure class="library-embed library-embed--picture">' in html
    assert f'<img src="{thumbnail}" alt="{demo.EMBED_CAPTION}"' in html
    picture = client.get(thumbnail)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/webp"
    # Nobody is mailed today about an edit of last week (its followers are Lucas and Théo).
    run_follower_mails()
    diff = reverse("wiki:diff", args=[network.slug, page.slug]) + f"?to={last.number}"
    assert not OutboxMessage.objects.filter(body_text__contains=diff).exists()


def test_a_shared_file_downloads_with_its_content(network):
    survey = Resource.objects.get(title="Relevés des mares du Chinonais, saison 1")
    client = member("Lucas Bernard")
    response = client.get(reverse("library:download", args=[NETWORK_SLUG, survey.public_id]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content == demo.pond_survey(local_today())
    lines = content.decode().splitlines()
    assert lines[0].startswith("mare,commune,date_visite,etat")
    assert len(lines) == 41
    assert "triton crêté" not in content.decode()  # sensitive species stay in the group
    first = reverse("library:version", args=[WETLANDS_SLUG, survey.public_id, 1])
    assert client.get(first).status_code == 200


def test_each_action_is_one_event_at_its_time_and_the_rollups_count_them(network):
    events = ActivityEvent.objects.filter(tool_key="library")
    kinds = Counter(events.values_list("kind", flat=True))
    assert kinds["library.resource.added"] == Resource.objects.count()
    assert kinds["library.resource.new_version"] == 1
    assert kinds["library.resource.shared"] == Share.objects.count() == 4
    assert kinds["library.collection.created"] == 2
    assert kinds["library.comment.added"] == Comment.objects.count() == 8
    # Views and downloads by name where reading is measured (no one in the lists opted out).
    assert kinds["library.resource.viewed"] == len(demo.VIEWS)
    assert kinds["library.resource.downloaded"] == len(demo.DOWNLOADS)
    counted = Resource.objects.aggregate(views=Sum("view_count"), downloads=Sum("download_count"))
    assert counted == {"views": len(demo.VIEWS), "downloads": len(demo.DOWNLOADS)}
    added = {r.pk: r.created_at for r in Resource.objects.all()}
    for event in events.filter(kind="library.resource.added"):
        assert event.created_at == added[event.target_id]
    today = local_today()
    days = {event.created_at.astimezone(local_zone()).date() for event in events}
    assert max(days) < today and (today - min(days)).days >= 130
    assert len({(day.year, day.month) for day in days}) >= 5
    yesterday = today - timedelta(days=1)
    rolled = DailyActivity.objects.filter(tool_key="library", day__lte=yesterday)
    assert rolled.aggregate(n=Sum("count"))["n"] == events.count()
    for favourite in Favourite.objects.select_related("resource"):
        assert favourite.created_at > favourite.resource.created_at
    for comment in Comment.objects.select_related("resource"):
        assert comment.created_at > comment.resource.created_at


def test_everyone_acts_in_a_space_after_joining_it(network):
    """Each step's author had joined the space by then (or holds a role there through the
    network, as its owner does in the groups)."""
    seeding = _Seeding(now=timezone.now(), today=local_today(), rng=random.Random())
    slugs = {demo.NETWORK: NETWORK_SLUG, demo.WETLANDS: WETLANDS_SLUG, demo.FARMING: FARMING_SLUG}
    joined = {
        (membership.space.slug, membership.user.display_name): membership.joined_at
        for membership in Membership.objects.select_related("space", "user")
    }
    for step in demo.history():
        when = _moment(seeding, step.days, step.hour, step.minute)
        since = joined.get((slugs[step.space], step.who)) or joined[(NETWORK_SLUG, step.who)]
        assert since < when, step


def test_the_history_comes_in_an_order_that_works():
    """What a step uses exists before it: resources before their shares, versions, favourites,
    comments, views and collections; shares before the receiving space uses the resource."""
    steps = demo.history()
    assert all(step.days >= 1 for step in steps)
    assert len({spec.key for spec in demo.RESOURCES}) == len(demo.RESOURCES)
    seen: dict[str, set[str]] = {}  # resource key → spaces showing it
    enabled: set[str] = set()
    origin = {spec.key: spec.space for spec in demo.RESOURCES}
    for step in steps:
        if step.do == "enable":
            enabled.add(step.space)
            continue
        assert step.space in enabled, step
        if step.do == "add":
            seen[step.resource] = {step.space}
        elif step.do == "collect":
            spec = next(spec for spec in demo.COLLECTIONS if spec.key == step.to)
            assert all(step.space in seen.get(key, ()) for key in spec.items), step
        else:
            assert step.space in seen.get(step.resource, ()), step
        if step.do == "share":
            assert origin[step.resource] == step.space and step.to in enabled, step
            seen[step.resource].add(step.to)
    # Views by name only where reading is measured (spaces/demo.py: the last 150 days).
    assert max(days for _name, _space, _key, days in demo.VIEWS + demo.DOWNLOADS) < 150
    assert {space for _name, space, _key, _days in demo.VIEWS + demo.DOWNLOADS} == {
        demo.NETWORK,
        demo.WETLANDS,
    }
