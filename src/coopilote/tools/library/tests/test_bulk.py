"""Several files at once, then their details (issue 6, point 2), and SEC-T27.

Without JavaScript one multipart POST creates one resource per file, each checked as a single
upload is; refused files are listed with their reasons, the others kept. With JavaScript the
same address answers JSON, one file per request. The details page accepts only what its reader
added in this space in the last 24 hours and saves every resource at once, or none.

SEC-T27: the upload view stops reading a file (or a request) once it passes the library's
limits, whatever Content-Length says, leaving no temporary file and storing nothing; more files
or fields than Django accepts in one request is a 400, not a 500.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopilote.activity.models import ActivityEvent
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.library import actions
from coopilote.tools.library.models import Resource
from coopilote.tools.library.tests.helpers import (
    enable_library,
    messages_of,
    pdf_document,
    picture,
    state,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
ROLES = {"observer", "member", "facilitator", "owner"}
CONTRIBUTORS = {"member", "facilitator", "owner"}

# route → (verb, status of a successful GET, whether it takes a POST)
ROUTES: dict[str, tuple[str, int, bool]] = {
    "bulk_add": ("contribute", 200, True),
    "bulk_details": ("contribute", 200, True),
}

SHARED = {
    "resource_type": "guide",
    "licence": "cc-by-sa",
    "language": "fr",
    "author": "Agence de l'eau",
    "tags": "mares, inventaire",
}
TEXT = "Relevé des mares du bassin.\nMare 1 : en eau.\n".encode()
BOUNDARY = "----coopilote-bulk-boundary"


def url(name: str, space) -> str:
    return reverse(f"library:{name}", args=[space.slug])


def three_files() -> list[Any]:
    return [
        upload(picture(), "Carte_des mares.png", "image/png"),
        upload(pdf_document(), "guide-de-gestion.pdf", "application/pdf"),
        upload(TEXT, "releve 2024.txt", "text/plain"),
    ]


def ids_in(location: str) -> list[str]:
    return parse_qs(urlsplit(location).query)["ids"]


def expected(persona: str, visibility: str, success: int) -> int:
    if persona in ROLES:
        return success if persona in CONTRIBUTORS else 403
    if visibility == "secret":
        return 404
    return 302 if persona == "anonymous" else 403


# Access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_the_pages_answer_every_persona_as_contribute_allows(library_space, name, visibility):
    space, clients = library_space(visibility)
    for persona in PERSONAS:
        response = clients[persona].get(url(name, space))
        assert response.status_code == expected(persona, visibility, 200), persona
        if persona == "anonymous" and response.status_code == 302:
            assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_a_refused_upload_changes_nothing_and_an_allowed_one_commits(library_space, visibility):
    space, clients = library_space(visibility)
    for persona in PERSONAS:
        files = [upload(TEXT, f"{persona}.txt")]
        before = state()
        response = clients[persona].post(url("bulk_add", space), {**SHARED, "files": files})
        if persona in CONTRIBUTORS:
            assert response.status_code == 302, persona
            assert state() != before, persona
        else:
            assert response.status_code == expected(persona, visibility, 302), persona
            assert state() == before, persona


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_refused_details_change_nothing_and_allowed_ones_commit(
    library_space, add_resource, visibility
):
    space, clients = library_space(visibility)
    for persona in PERSONAS:
        # Each contributor describes a file of their own; the others try the owner's.
        author = clients.users[persona if persona in CONTRIBUTORS else "owner"]
        found = add_resource(space, author, kind="file", upload=upload(TEXT, "a.txt"))
        address = f"{url('bulk_details', space)}?ids={found.public_id}"
        body = details_body(found, title=f"Relevé ({persona})")
        before = state()
        response = clients[persona].post(address, body)
        if persona in CONTRIBUTORS:
            assert response.status_code == 302, persona
            assert Resource.objects.get(pk=found.pk).title == f"Relevé ({persona})"
        else:
            assert response.status_code == expected(persona, visibility, 302), persona
            assert state() == before, persona


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_disabled_library_answers_404_and_keeps_its_resources(library_space, name):
    space, clients = library_space("public")
    space_actions.space_tool_disable(
        access=access_for(space, clients.users["owner"]), tool_key="library"
    )
    before = state()
    for persona in PERSONAS:
        assert clients[persona].get(url(name, space)).status_code == 404
        post = clients[persona].post(url(name, space), {**SHARED, "files": [upload(TEXT, "a")]})
        assert post.status_code == 404
    assert state() == before


def test_the_library_offers_several_files_to_contributors_only(library_space):
    space, clients = library_space("members")
    address = url("bulk_add", space)
    assert address in clients["member"].get(url("index", space)).content.decode()
    assert address not in clients["observer"].get(url("index", space)).content.decode()


# Adding without JavaScript ----------------------------------------------------------------------


def test_one_post_adds_a_resource_per_file_with_the_shared_fields(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(url("bulk_add", space), {**SHARED, "files": three_files()})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == url("bulk_details", space)
    ids = ids_in(response["Location"])
    added = [Resource.objects.get(public_id=public_id) for public_id in ids]
    assert [found.title for found in added] == [
        "Carte des mares",
        "guide-de-gestion",
        "releve 2024",
    ]
    for found in added:
        assert found.kind == "file"
        assert found.created_by == clients.users["member"]
        assert (found.resource_type, found.licence, found.language, found.author) == (
            "guide",
            "cc-by-sa",
            "fr",
            "Agence de l'eau",
        )
        assert sorted(found.tags.values_list("name", flat=True)) == ["inventaire", "mares"]
    assert [found.current_file.file_kind for found in added] == ["image", "pdf", "text"]
    assert len(stored_files()) == 3 + 2  # three files, previews of the picture and the PDF
    events = ActivityEvent.objects.filter(kind="library.resource.added")
    assert sorted(events.values_list("target_id", flat=True)) == sorted(f.pk for f in added)


def test_refused_files_are_listed_with_their_reason_and_the_others_kept(library_space):
    space, clients = library_space("members")
    files = [
        upload(TEXT, "notes.txt"),
        upload(b"<html><script>alert(1)</script></html>", "page.html"),
        upload(b"", "vide.txt"),
    ]
    response = clients["member"].post(
        url("bulk_add", space), {**SHARED, "files": files}, follow=True
    )

    assert response.status_code == 200
    assert [found.title for found in Resource.objects.all()] == ["notes"]
    shown = messages_of(response)
    assert any("“page.html” was not added" in message for message in shown)
    assert any("“vide.txt” was not added: This file is empty." in message for message in shown)
    assert "notes" in response.content.decode()  # the details page of what was kept


def test_when_every_file_is_refused_the_form_comes_back_as_typed(library_space):
    space, clients = library_space("members")
    before = state()
    response = clients["member"].post(
        url("bulk_add", space), {**SHARED, "files": [upload(b"", "vide.txt")]}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "vide.txt" in page and "This file is empty." in page
    assert "Choose the files again" in page
    assert 'value="Agence de l&#x27;eau"' in page
    assert 'value="mares, inventaire"' in page
    assert state() == before


def test_a_problem_in_the_shared_fields_refuses_the_batch(library_space):
    space, clients = library_space("members")
    before = state()
    response = clients["member"].post(
        url("bulk_add", space),
        {**SHARED, "tags": "<b>mares</b>", "files": [upload(TEXT, "a.txt")]},
    )
    assert response.status_code == 400
    assert "HTML tags are not accepted here" in response.content.decode()
    assert state() == before


def test_no_file_chosen_is_said_clearly(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(url("bulk_add", space), SHARED)
    assert response.status_code == 400
    assert "Choose one or more files." in response.content.decode()


def test_files_past_the_number_allowed_at_once_are_refused_the_first_ones_kept(
    library_space, settings
):
    settings.LIBRARY_MAX_FILES_PER_REQUEST = 2
    space, clients = library_space("members")
    response = clients["member"].post(
        url("bulk_add", space), {**SHARED, "files": three_files()}, follow=True
    )
    assert Resource.objects.count() == 2
    assert any(
        "“releve 2024.txt” was not added: Only 2 files can be sent at once" in message
        for message in messages_of(response)
    )


def test_titles_come_from_file_names_without_extension_folders_or_markup():
    assert actions.title_from_name("C:\\docs\\Compte_rendu  AG.docx") == "Compte rendu AG"
    assert actions.title_from_name("<i>Bilan<i> 2024.txt") == "i Bilan i 2024"
    assert actions.title_from_name("archive.tar.gz") == "archive.tar"
    assert actions.title_from_name("sans extension") == "sans extension"


# With JavaScript: one file per request, JSON ----------------------------------------------------


def test_asked_for_json_it_answers_with_the_resource_added(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(
        url("bulk_add", space),
        {**SHARED, "files": [upload(picture(), "mare.png")]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 201
    body = response.json()
    found = Resource.objects.get()
    assert body["added"] == [{"id": found.public_id, "title": "mare"}]
    assert body["refused"] == []
    assert ids_in(body["details_url"]) == [found.public_id]


def test_asked_for_json_a_refused_file_says_why_and_nothing_is_stored(library_space):
    space, clients = library_space("members")
    before = state()
    response = clients["member"].post(
        url("bulk_add", space),
        {**SHARED, "files": [upload(b"MZ\x90\x00binary", "rapport.pdf")]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["added"] == []
    assert body["refused"][0]["name"] == "rapport.pdf"
    assert body["refused"][0]["messages"]
    assert state() == before


def test_the_csrf_check_still_applies_to_the_upload_view(library_space):
    space, clients = library_space("members")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clients.users["member"])
    page = browser.get(url("bulk_add", space)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    files = {**SHARED, "files": [upload(TEXT, "a.txt")]}

    refused = browser.post(url("bulk_add", space), files)
    assert refused.status_code == 403
    assert not Resource.objects.exists()
    files["files"] = [upload(TEXT, "a.txt")]
    accepted = browser.post(
        url("bulk_add", space),
        files,
        headers={"x-csrftoken": token, "accept": "application/json"},
    )
    assert accepted.status_code == 201
    assert Resource.objects.count() == 1


# Details ----------------------------------------------------------------------------------------


def details_body(resource: Resource, **fields: str) -> dict[str, str]:
    values = {
        "title": "Relevé",
        "description": "Les mares du *bassin*.",
        "tags": "mares",
        "resource_type": "data",
        "licence": "cc0",
        **fields,
    }
    return {f"r-{resource.public_id}-{name}": value for name, value in values.items()}


def test_details_show_only_what_the_reader_added_here_lately(
    library_space, add_resource, make_space
):
    space, clients = library_space("members")
    other_space = make_space("Réseau Bocage", owner=clients.users["owner"])
    enable_library(other_space, clients.users["owner"])
    member, owner = clients.users["member"], clients.users["owner"]

    def file_of(user, target=space, name="a.txt"):
        return add_resource(target, user, kind="file", upload=upload(TEXT, name), title=name)

    mine, second = file_of(member, name="mine.txt"), file_of(member, name="second.txt")
    old = file_of(member, name="old.txt")
    Resource.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    theirs = file_of(owner, name="theirs.txt")
    elsewhere = file_of(owner, other_space, name="elsewhere.txt")
    note = add_resource(space, member, title="note.txt")
    ids = [second, mine, old, theirs, elsewhere, note]
    query = "&".join(f"ids={found.public_id}" for found in ids) + "&ids=nothex&ids=" + "0" * 32

    response = clients["member"].get(f"{url('bulk_details', space)}?{query}")

    assert response.status_code == 200
    assert [found for found, _form in response.context["items"]] == [second, mine]


def test_details_are_saved_together(library_space, add_resource):
    space, clients = library_space("members")
    member = clients.users["member"]
    first = add_resource(space, member, kind="file", upload=upload(TEXT, "a.txt"), title="a")
    second = add_resource(
        space, member, kind="file", upload=upload(TEXT, "b.txt"), title="b", author="DREAL"
    )
    address = f"{url('bulk_details', space)}?ids={first.public_id}&ids={second.public_id}"
    body = {**details_body(first, title="Relevé 2024"), **details_body(second, title="Carte")}

    response = clients["member"].post(address, body, follow=True)

    assert response.redirect_chain[-1][0] == url("index", space)
    assert "The details of 2 resources are saved." in messages_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.licence, first.resource_type) == ("Relevé 2024", "cc0", "data")
    assert first.description_html.strip() == "<p>Les mares du <em>bassin</em>.</p>"
    assert list(first.tags.values_list("name", flat=True)) == ["mares"]
    assert (second.title, second.author) == ("Carte", "DREAL")  # fields not shown are kept
    edits = ActivityEvent.objects.filter(kind="library.resource.edited")
    assert sorted(edits.values_list("target_id", flat=True)) == sorted([first.pk, second.pk])


def test_a_problem_in_one_resource_saves_nothing_and_keeps_everything_typed(
    library_space, add_resource
):
    space, clients = library_space("members")
    member = clients.users["member"]
    first = add_resource(space, member, kind="file", upload=upload(TEXT, "a.txt"), title="a")
    second = add_resource(space, member, kind="file", upload=upload(TEXT, "b.txt"), title="b")
    address = f"{url('bulk_details', space)}?ids={first.public_id}&ids={second.public_id}"
    body = {
        **details_body(first, title="Relevé 2024", description="Texte tapé"),
        **details_body(second, title="Carte", tags="<i>mares</i>"),
    }
    before = state()

    response = clients["member"].post(address, body)

    assert response.status_code == 400
    page = response.content.decode()
    assert "1 resource has a problem" in page
    assert "HTML tags are not accepted here" in page
    assert 'value="Relevé 2024"' in page and "Texte tapé" in page
    assert 'value="&lt;i&gt;mares&lt;/i&gt;"' in page
    assert state() == before


def test_the_details_page_reads_in_a_fixed_number_of_queries(
    library_space, add_resource, django_assert_num_queries
):
    space, clients = library_space("members")
    member = clients.users["member"]
    ids: list[str] = []

    def page_with(count: int) -> None:
        while len(ids) < count:
            found = add_resource(
                space, member, kind="file", upload=upload(TEXT, "a.txt"), tags="mares, carte"
            )
            ids.append(found.public_id)
        query = "&".join(f"ids={public_id}" for public_id in ids)
        # session, user, space, membership, tool, resources, tags, menu tools
        with django_assert_num_queries(8):
            assert clients["member"].get(f"{url('bulk_details', space)}?{query}").status_code == 200

    page_with(1)
    page_with(4)


# SEC-T27: limits while reading ------------------------------------------------------------------


@pytest.fixture
def limits(settings, tmp_path):
    """A 1,000-byte limit per file, two files per request, every upload through a temp file."""
    settings.LIBRARY_MAX_UPLOAD_BYTES = 1000
    settings.LIBRARY_MAX_FILES_PER_REQUEST = 2
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "incoming")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def multipart(
    fields: dict[str, str], files: list[tuple[str, bytes, int | None]]
) -> tuple[bytes, str]:
    """A body built by hand: each file with the Content-Length its part announces, if any."""
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    for filename, content, announced in files:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n'.encode()
        )
        if announced is not None:
            out.write(f"Content-Length: {announced}\r\n".encode())
        out.write(b"\r\n" + content + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={BOUNDARY}"


class CountingInput(io.BytesIO):
    """A request body that counts what the server read of it."""

    consumed = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.consumed += len(line)
        return line


def send_raw(
    client: Client, address: str, body: bytes, content_type: str, *, length: int | None = None
) -> tuple[Any, CountingInput]:
    """POST ``body`` as a raw WSGI request, announcing ``length`` (the true one by default)."""
    stream = CountingInput(body)
    path, _mark, query = address.partition("?")
    response = client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        QUERY_STRING=query,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(len(body) if length is None else length),
        **{"wsgi.input": stream},
    )
    return response, stream


def assert_refused(response, limits: Path, before: dict[str, Any], message: str) -> None:
    assert response.status_code == 413
    assert message in response.content.decode()
    assert list(limits.iterdir()) == []  # no temporary file left
    assert state() == before


TOO_LARGE = "This file is larger than the limit of 1000"


@pytest.mark.parametrize(
    "announced",
    [
        pytest.param(5000, id="honest part length"),
        pytest.param(10, id="lying part length"),
        pytest.param(None, id="no part length"),
    ],
)
def test_a_file_over_the_limit_is_refused_while_it_is_read(library_space, limits, announced):
    space, clients = library_space("members")
    body, content_type = multipart(SHARED, [("gros.txt", b"a" * 5000, announced)])
    before = state()

    response, _stream = send_raw(clients["member"], url("bulk_add", space), body, content_type)

    assert_refused(response, limits, before, TOO_LARGE)
    assert "gros.txt" in response.content.decode()
    assert 'value="Agence de l&#x27;eau"' in response.content.decode()  # fields read are kept


def test_a_request_announcing_more_than_the_limits_is_not_read(library_space, limits, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    space, clients = library_space("members")
    body, content_type = multipart(SHARED, [("gros.txt", b"a" * 1_000_000, None)])
    before = state()

    response, stream = send_raw(clients["member"], url("bulk_add", space), body, content_type)

    assert_refused(response, limits, before, "larger together than the limit of")
    # Stopped at the first file: one chunk (64 KiB) read, not the megabyte sent.
    assert stream.consumed <= 64 * 1024


def test_a_request_lying_about_its_length_is_stopped_by_what_arrives(
    library_space, limits, settings
):
    space, clients = library_space("members")
    body, content_type = multipart(SHARED, [("gros.txt", b"a" * 50_000, 10)])
    before = state()

    # Announcing less than is sent: only what is announced is read, then stopped.
    response, stream = send_raw(
        clients["member"], url("bulk_add", space), body, content_type, length=3000
    )
    assert_refused(response, limits, before, TOO_LARGE)
    assert stream.consumed <= 3000


def test_files_together_over_the_request_limit_are_refused(library_space, limits):
    space, clients = library_space("members")
    files = [(f"{number}.txt", b"a" * 900, None) for number in range(3)]
    body, content_type = multipart(SHARED, files)
    before = state()

    response, _stream = send_raw(clients["member"], url("bulk_add", space), body, content_type)

    assert_refused(response, limits, before, "larger together than the limit of")


def test_the_limits_refuse_in_json_too(library_space, limits):
    space, clients = library_space("members")
    before = state()
    response = clients["member"].post(
        url("bulk_add", space),
        {**SHARED, "files": [upload(b"a" * 5000, "gros.txt")]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["refused"][0]["name"] == "gros.txt"
    assert TOO_LARGE in response.json()["refused"][0]["messages"][0]
    assert list(limits.iterdir()) == []
    assert state() == before


def test_a_file_within_the_limits_still_goes_through_a_temporary_file(library_space, limits):
    space, clients = library_space("members")
    response = clients["member"].post(
        url("bulk_add", space), {**SHARED, "files": [upload(b"a" * 1000, "juste.txt")]}
    )
    assert response.status_code == 302
    assert Resource.objects.get().current_file.size == 1000
    assert list(limits.iterdir()) == []


def test_more_files_than_django_accepts_is_a_400_leaving_nothing(library_space, limits, settings):
    settings.LIBRARY_MAX_FILES_PER_REQUEST = 200
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 100
    space, clients = library_space("members")
    body, content_type = multipart(SHARED, [(f"{n}.txt", b"mare", None) for n in range(101)])
    before = state()

    response, _stream = send_raw(clients["member"], url("bulk_add", space), body, content_type)

    assert response.status_code == 400
    assert list(limits.iterdir()) == []
    assert state() == before


@pytest.mark.parametrize("name", list(ROUTES))
def test_more_fields_than_django_accepts_is_a_400(library_space, add_resource, name, settings):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    space, clients = library_space("members")
    found = add_resource(space, clients.users["member"], kind="file", upload=upload(TEXT, "a"))
    address = url(name, space) + f"?ids={found.public_id}"  # the details page reads its form
    fields = {f"field{number}": "x" for number in range(1001)}
    body, content_type = multipart(fields, [])
    before = state()

    response, _stream = send_raw(clients["member"], address, body, content_type)

    assert response.status_code == 400
    assert state() == before
