"""The library's list as CSV and JSON: who may download it, what it holds, how it is produced.

Anyone who may read the library downloads it (six personas, three visibilities). It holds the
space's own resources and those shared into it, never those of a space that did not share them.
CSV cells that a spreadsheet would run are neutralised (SEC-T31); both files stream, in a fixed
number of queries whatever the number of resources.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.models import User
from coopilote.core.exports import BYTE_ORDER_MARK
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.library import export
from coopilote.tools.library.models import Resource, ResourceFile, ResourceTag, Share
from coopilote.tools.library.tests.helpers import enable_library

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
ROLES = {"observer", "member", "facilitator", "owner"}

# route → (verb, status of a successful GET, whether it takes a POST)
ROUTES: dict[str, tuple[str, int, bool]] = {
    "export_csv": ("read", 200, False),
    "export_json": ("read", 200, False),
}

# quality.md SEC-T31, then what CSV quoting must carry through unchanged.
FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
]
TRICKY = ['Dit "bonjour"', "a, b, c", "ligne 1\nligne 2", "ligne 1\r\nligne 2", "Zones humides"]


def new_resource(space, title: str = "Guide des mares", **fields: Any) -> Resource:
    """A resource written with the models: its counters and dates are set as the test needs."""
    tags = fields.pop("tags", ["mares", "biodiversité"])
    resource = Resource.objects.create(space=space, title=title, **{"kind": "note", **fields})
    ResourceTag.objects.bulk_create(
        ResourceTag(resource=resource, name=name, slug=f"tag-{number}")
        for number, name in enumerate(tags)
    )
    return resource


def add_file(resource: Resource, *, versions: int = 1, name: str = "guide.pdf") -> ResourceFile:
    for number in range(1, versions + 1):
        file = ResourceFile.objects.create(
            resource=resource,
            number=number,
            storage_name=f"library/{resource.public_id}-{number}.pdf",
            name=name,
            size=1000 * number,
            content_type="application/pdf",
            file_kind="pdf",
            extension="pdf",
            sha256="0" * 64,
        )
    resource.kind = Resource.Kind.FILE
    resource.current_file = file
    resource.save(update_fields=["kind", "current_file"])
    return file


def url(name: str, space) -> str:
    return reverse(f"library:{name}", args=[space.slug])


def content(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict[str, str]]:
    text = content(response)
    assert text.startswith(BYTE_ORDER_MARK)
    return list(csv.DictReader(io.StringIO(text[len(BYTE_ORDER_MARK) :], newline="")))


def json_of(response) -> dict[str, Any]:
    return json.loads(content(response))


# Access -----------------------------------------------------------------------------------------


def expected(persona: str, visibility: str) -> int:
    if persona in ROLES or visibility == "public":
        return 200
    if visibility == "secret":
        return 404
    return 302 if persona == "anonymous" else 403


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_reader_of_the_library_downloads_the_list_and_nobody_else(
    library_space, name, visibility
):
    space, clients = library_space(visibility)
    new_resource(space, "Charte de la mare")
    for persona in PERSONAS:
        response = clients[persona].get(url(name, space))
        assert response.status_code == expected(persona, visibility), persona
        if response.status_code == 200:
            assert "Charte de la mare" in content(response), persona
        else:
            assert not response.streaming
            assert b"Charte de la mare" not in response.content


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_post_is_refused_to_every_persona(library_space, name):
    space, clients = library_space("public")
    for persona in PERSONAS:
        assert clients[persona].post(url(name, space)).status_code == 405, persona


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_disabled_library_answers_404_to_everyone(library_space, name):
    space, clients = library_space("public")
    new_resource(space)
    space_actions.space_tool_disable(
        access=access_for(space, clients.users["owner"]), tool_key="library"
    )
    for persona in PERSONAS:
        assert clients[persona].get(url(name, space)).status_code == 404, persona


@pytest.fixture
def two_spaces(library_space, make_space):
    """Space A (members only, the personas) and space B of another owner, with a resource of B
    shared into A, one of B kept in B, and one of A."""
    space, clients = library_space("members")
    other_owner = clients.users["outsider"]
    other = make_space("Syndicat de rivière", owner=other_owner, visibility="secret")
    enable_library(other, other_owner)
    own = new_resource(space, "Kit d'accueil")
    shared = new_resource(other, "Inventaire des zones humides")
    Share.objects.create(resource=shared, space=space, shared_by=other_owner)
    kept = new_resource(other, "Budget confidentiel")
    return space, other, clients, own, shared, kept


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_resource_shared_into_a_space_is_exported_there_with_its_origin(two_spaces, name):
    space, _other, clients, own, shared, kept = two_spaces
    text = content(clients["observer"].get(url(name, space)))

    assert own.public_id in text
    assert shared.public_id in text
    assert "Syndicat de rivière" not in text  # a secret origin is never named (is_listed)
    assert kept.public_id not in text
    assert "Budget confidentiel" not in text


@pytest.mark.parametrize("name", list(ROUTES))
def test_resources_of_a_space_are_not_exported_from_a_space_they_were_shared_from(two_spaces, name):
    _space, other, clients, own, shared, kept = two_spaces
    # The outsider of A owns B: B's list holds its own two resources, never A's.
    text = content(clients["outsider"].get(url(name, other)))

    assert shared.public_id in text
    assert kept.public_id in text
    assert own.public_id not in text
    assert "Kit d'accueil" not in text
    # And the members of A, who may read A (where B's resource is shared), cannot read B's list.
    assert clients["member"].get(url(name, other)).status_code == 404


# What the files hold ----------------------------------------------------------------------------


@pytest.fixture
def filled(library_space):
    """A file of two versions with everything filled in, a link and a note."""
    space, clients = library_space("members")
    guide = new_resource(
        space,
        "Guide des mares",
        description="# Mares\n\nUn *guide* illustré.",
        resource_type="guide",
        author="Agence de l'eau",
        language="fr",
        published_on=date(2025, 3, 14),
        licence="cc-by-sa",
        view_count=12,
        download_count=5,
        tags=["mares", "amphibiens"],
    )
    add_file(guide, versions=2, name="Guide des mares.pdf")
    link = new_resource(
        space,
        "Portail des zones humides",
        kind="link",
        url="https://zones-humides.example.org/portail",
        licence="all-rights-reserved",
        tags=[],
    )
    note = new_resource(space, "Compte rendu", body="Présents : tous.", licence="cc0")
    Resource.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(1))
    Resource.objects.filter(pk=guide.pk).update(created_at=timezone.now() - timedelta(2))
    return space, clients, guide, link, note


def test_the_csv_has_one_row_per_resource_with_every_column(filled):
    space, clients, guide, link, note = filled
    response = clients["member"].get(url("export_csv", space))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{space.slug}-bibliotheque-{stamp}.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert [row["Identifier"] for row in rows] == [note.public_id, link.public_id, guide.public_id]
    guide.refresh_from_db()
    assert rows[2] == {
        "Identifier": guide.public_id,
        "Title": "Guide des mares",
        "Kind": "File",
        "Type": "Guide",
        "Description": "# Mares\n\nUn *guide* illustré.",
        "Tags": "amphibiens, mares",
        "Author or source": "Agence de l'eau",
        "Language": "French",
        "Date": "2025-03-14",
        "Licence code": "cc-by-sa",
        "Licence": "CC BY-SA",
        "Licence text": "https://creativecommons.org/licenses/by-sa/4.0/",
        "Origin space": space.name,
        "Web address": "",
        "File name": "Guide des mares.pdf",
        "Size (bytes)": "2000",
        "Content type": "application/pdf",
        "Versions": "2",
        "Page in the library": f"http://testserver/s/{space.slug}/bibliotheque/{guide.public_id}/",
        "Added at": guide.created_at.isoformat(),
        "Views": "12",
        "Downloads": "5",
    }
    assert rows[1]["Web address"] == "https://zones-humides.example.org/portail"
    assert rows[1]["Licence"] == "All rights reserved"
    assert rows[1]["Licence text"] == ""
    assert rows[1]["File name"] == rows[1]["Size (bytes)"] == rows[1]["Versions"] == ""
    assert rows[0]["Kind"] == "Written note"
    assert "Présents" not in content(clients["member"].get(url("export_csv", space)))


def test_the_csv_headers_and_labels_follow_the_readers_language(filled):
    space, clients, *_resources = filled
    User.objects.filter(pk=clients.users["member"].pk).update(language="fr")
    rows = csv_rows(clients["member"].get(url("export_csv", space)))

    assert rows[2]["Titre"] == "Guide des mares"
    assert "Français" in rows[2].values()
    assert "French" not in rows[2].values()


def test_the_json_holds_the_same_resources_with_codes_and_licence_objects(filled):
    space, clients, guide, link, note = filled
    response = clients["observer"].get(url("export_json", space))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["Content-Disposition"].split(";")[1].strip().endswith('.json"')
    data = json_of(response)
    assert data["space"] == {
        "name": space.name,
        "slug": space.slug,
        "library": f"http://testserver/s/{space.slug}/bibliotheque/",
    }
    assert abs(datetime.fromisoformat(data["exported_at"]) - timezone.now()).seconds < 60
    by_id = {item["public_id"]: item for item in data["resources"]}
    assert list(by_id) == [note.public_id, link.public_id, guide.public_id]
    guide.refresh_from_db()
    assert by_id[guide.public_id] == {
        "public_id": guide.public_id,
        "title": "Guide des mares",
        "kind": "file",
        "type": "guide",
        "description": "# Mares\n\nUn *guide* illustré.",
        "tags": ["amphibiens", "mares"],
        "author": "Agence de l'eau",
        "language": "fr",
        "date": "2025-03-14",
        "licence": {
            "code": "cc-by-sa",
            "label": "CC BY-SA",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
        "origin_space": space.name,
        "url": "",
        "file": {
            "name": "Guide des mares.pdf",
            "size": 2000,
            "content_type": "application/pdf",
            "versions": 2,
        },
        "page": f"http://testserver/s/{space.slug}/bibliotheque/{guide.public_id}/",
        "added_at": guide.created_at.isoformat(),
        "views": 12,
        "downloads": 5,
    }
    assert by_id[link.public_id]["file"] is None
    assert by_id[link.public_id]["date"] is None
    assert by_id[note.public_id]["licence"]["code"] == "cc0"


def test_an_empty_library_exports_a_header_and_an_empty_list(library_space):
    space, clients = library_space("public")

    assert csv_rows(clients["anonymous"].get(url("export_csv", space))) == []
    assert json_of(clients["anonymous"].get(url("export_json", space)))["resources"] == []


# Hostile text ------------------------------------------------------------------------------------


@pytest.fixture
def hostile(library_space):
    """One resource per payload, in its title, description, author and one of its tags."""
    space, clients = library_space("members")
    for number, payload in enumerate(FORMULAS + TRICKY):
        new_resource(
            space,
            payload,
            description=payload,
            author=payload,
            tags=[payload],
            created_at=timezone.now() - timedelta(minutes=number),
        )
    return space, clients


def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe_and_nothing_else_changes(
    hostile,
):
    space, clients = hostile
    rows = csv_rows(clients["member"].get(url("export_csv", space)))

    assert len(rows) == len(FORMULAS + TRICKY)
    for row, payload in zip(rows, FORMULAS + TRICKY, strict=True):
        wanted = "'" + payload if payload in FORMULAS else payload
        for column in ["Title", "Description", "Author or source", "Tags"]:
            assert row[column] == wanted, (column, payload)
        assert row["Views"] == "0"


def test_json_strings_are_escaped_and_read_back_exactly(hostile):
    space, clients = hostile
    resources = json_of(clients["member"].get(url("export_json", space)))["resources"]

    payloads = FORMULAS + TRICKY
    assert [item["title"] for item in resources] == payloads
    assert [item["description"] for item in resources] == payloads
    assert [item["tags"] for item in resources] == [[payload] for payload in payloads]


def test_json_with_markup_and_control_characters_stays_valid(library_space):
    space, clients = library_space("public")
    nasty = '</script><script>alert(1)</script>"\\\u2028\u0001é'
    new_resource(space, nasty, description=nasty, tags=[nasty])

    resources = json_of(clients["anonymous"].get(url("export_json", space)))["resources"]
    assert resources[0]["title"] == resources[0]["description"] == nasty


# Cost -------------------------------------------------------------------------------------------


def fill(space, count: int) -> None:
    """``count`` resources, a third of them files of two versions."""
    for number in range(count):
        resource = new_resource(space, f"Ressource {number}")
        if number % 3 == 0:
            add_file(resource, versions=2)


@pytest.mark.parametrize("name", list(ROUTES))
@pytest.mark.parametrize("count", [3, 60])
def test_an_export_costs_the_same_queries_for_3_or_60_resources(
    library_space, make_space, django_assert_num_queries, name, count
):
    space, clients = library_space("members")
    fill(space, count)
    other = make_space("Syndicat de rivière")
    for number in range(count):
        shared = new_resource(other, f"Partagée {number}")
        Share.objects.create(resource=shared, space=space)
    client = clients["member"]
    # session, user, the export counter (SEC-T36), space, membership, tool; the resources,
    # then their tags (one chunk).
    with django_assert_num_queries(8):
        response = client.get(url(name, space))
        text = content(response)
    assert text.count("Ressource ") == count
    assert text.count("Partagée ") == count


def test_the_tags_cost_one_query_whatever_the_number_of_chunks(
    library_space, django_assert_num_queries, monkeypatch
):
    space, clients = library_space("members")
    fill(space, 25)
    untagged = new_resource(space, "Sans mot-clé", tags=[])
    assert not untagged.tags.exists()
    monkeypatch.setattr(export, "CHUNK", 10)
    # 26 resources read in three chunks, their tags streamed alongside in one query.
    with django_assert_num_queries(6 + 1 + 1):
        rows = csv_rows(clients["member"].get(url("export_csv", space)))
    assert len(rows) == 26
    assert rows[0]["Tags"] == ""  # the newest, without tags, takes none of the others'
    assert all(row["Tags"] == "biodiversité, mares" for row in rows[1:])


def test_the_csv_is_streamed_200_rows_a_piece(library_space):
    space, clients = library_space("members")
    fill(space, 450)
    response = clients["member"].get(url("export_csv", space))

    assert response.streaming
    pieces = iter(response.streaming_content)
    header = next(pieces)
    assert header.startswith(BYTE_ORDER_MARK.encode())
    assert header.count(b"\r\n") == 1
    rest = list(pieces)
    # 450 rows, 200 a piece: the file never exists whole in the server's memory.
    assert [piece.count(b"\r\n") for piece in rest] == [200, 200, 50]


def test_exports_are_limited_to_twenty_an_hour_per_person(library_space):
    """SEC-T36: the 21st export within the hour answers 429 with Retry-After; someone else may
    still export, and the limit counts CSV and JSON together."""
    space, clients = library_space("public")
    csv_url = reverse("library:export_csv", args=[space.slug])
    json_url = reverse("library:export_json", args=[space.slug])
    for number in range(20):
        response = clients["member"].get(csv_url if number % 2 else json_url)
        assert response.status_code == 200, number
        b"".join(response.streaming_content)
    refused = clients["member"].get(csv_url)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert clients["observer"].get(csv_url).status_code == 200
