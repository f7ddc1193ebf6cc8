"""Adding, browsing, reading, editing and deleting resources, and serving their files.

Files go through the real upload checks and the real storage (a fresh MEDIA_ROOT per test); a
failure after a file is stored leaves the storage as it was. Downloads are served with the type
found from the content, inline only for re-encoded pictures, always ``nosniff`` and sandboxed.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils.html import escape
from PIL import ExifTags, Image

from coopilote.accounts.tests.helpers import in_french
from coopilote.activity.models import ActivityEvent, ViewCount
from coopilote.spaces.models import Space
from coopilote.tools.library import actions, uploads
from coopilote.tools.library.models import Resource, ResourceFile, ResourceTag, Share
from coopilote.tools.library.tests.helpers import (
    enable_library,
    library_access_for,
    messages_of,
    pdf_document,
    picture,
    state,
    stored_files,
    upload,
)
from coopilote.tools.wiki.tests.xss_corpus import CORPUS, problems

pytestmark = pytest.mark.django_db


def url(name: str, space: Space, *args: object) -> str:
    return reverse(f"library:{name}", args=[space.slug, *args])


def fields(**overrides: object) -> dict[str, object]:
    """A complete form, as the browser sends it."""
    return {
        "title": "Guide des mares",
        "description": "Pour **creuser** une mare.",
        "tags": "Mares, biodiversité, mares",
        "resource_type": "guide",
        "author": "Conservatoire des espaces naturels",
        "language": "fr",
        "published_on": "2025-03-14",
        "licence": "cc-by-sa",
        **overrides,
    }


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Appareil"
    exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitude: (47.0, 23.0, 0.0)}
    return picture("JPEG", size=(64, 48), exif=exif.tobytes())


# Adding ---------------------------------------------------------------------------------------


def test_a_member_adds_a_note_with_tags_type_author_date_and_licence(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(
        url("add", space) + "?kind=note", fields(body="# Étapes\n\nCreuser en *pente douce*.")
    )
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("resource", space, resource.public_id)
    assert (resource.kind, resource.space, resource.created_by) == (
        "note",
        space,
        clients.users["member"],
    )
    assert (resource.resource_type, resource.licence, str(resource.published_on)) == (
        "guide",
        "cc-by-sa",
        "2025-03-14",
    )
    assert resource.author == "Conservatoire des espaces naturels"
    assert "<h2>Étapes</h2>" in resource.body_html
    assert resource.description_html == "<p>Pour <strong>creuser</strong> une mare.</p>\n"
    assert list(resource.tags.order_by("pk").values_list("name", "slug")) == [
        ("Mares", "mares"),
        ("biodiversité", "biodiversite"),
    ]
    assert list(
        ActivityEvent.objects.filter(tool_key="library").values_list("kind", "target_id")
    ) == [("library.resource.added", resource.pk)]


def test_the_add_page_offers_the_three_kinds_then_the_form_of_the_chosen_one(library_space):
    space, clients = library_space("members")
    page = clients["member"].get(url("add", space)).content.decode()
    for kind in ("file", "link", "note"):
        assert f"?kind={kind}" in page
    form = clients["member"].get(url("add", space) + "?kind=file").content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file"' in form
    # Each licence is offered with what it means.
    assert "Anyone may share and adapt it, even commercially" in form
    assert "ask the author before copying" in form


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "https://user:secret@eau.example.org/guide",
        "https://exa mple.org",
    ],
)
def test_dangerous_or_invalid_web_addresses_are_refused_and_the_text_kept(library_space, address):
    space, clients = library_space("members")
    before = state()
    response = clients["member"].post(url("add", space) + "?kind=link", fields(url=address))
    assert response.status_code == 400
    assert state() == before
    page = response.content.decode()
    assert "error-summary" in page
    assert 'value="Guide des mares"' in page
    assert "Conservatoire des espaces naturels" in page


def test_a_link_without_its_scheme_gets_https_and_opens_without_referrer(library_space):
    space, clients = library_space("members")
    clients["member"].post(url("add", space) + "?kind=link", fields(url="eau.example.org/guide"))
    resource = Resource.objects.get()
    assert resource.url == "https://eau.example.org/guide"
    page = clients["observer"].get(url("resource", space, resource.public_id)).content.decode()
    assert 'href="https://eau.example.org/guide" rel="noopener noreferrer"' in page


def test_a_picture_is_re_encoded_without_its_hidden_data_and_gets_a_preview(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(
        url("add", space) + "?kind=file",
        {**fields(), "file": upload(photo_with_gps(), "mare.jpeg", "image/jpeg")},
    )
    assert response.status_code == 302
    file = ResourceFile.objects.get()
    assert (file.number, file.file_kind, file.extension, file.content_type) == (
        1,
        "image",
        "jpg",
        "image/jpeg",
    )
    assert (file.width, file.height, file.name) == (64, 48, "mare.jpeg")
    assert file.resource.current_file == file
    assert stored_files() == {file.storage_name, file.thumbnail}
    served = clients["observer"].get(url("download", space, file.resource.public_id))
    content = body_of(served)
    assert Image.open(io.BytesIO(content)).getexif() == {}
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"].startswith("inline;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == uploads.SANDBOX_CSP
    preview = clients["observer"].get(url("thumbnail", space, file.resource.public_id))
    assert preview["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(body_of(preview))).format == "WEBP"


def test_a_gif_is_stored_as_a_png_and_named_so(library_space):
    space, clients = library_space("members")
    clients["member"].post(
        url("add", space) + "?kind=file",
        {**fields(), "file": upload(picture("GIF"), "logo.gif", "image/gif")},
    )
    file = ResourceFile.objects.get()
    assert (file.extension, file.name, file.content_type) == ("png", "logo.png", "image/png")


def test_a_pdf_is_an_attachment_with_a_first_page_preview(library_space):
    space, clients = library_space("members")
    clients["member"].post(
        url("add", space) + "?kind=file",
        {**fields(), "file": upload(pdf_document(), "guide.pdf", "application/pdf")},
    )
    file = ResourceFile.objects.get()
    assert file.thumbnail
    public_id = file.resource.public_id
    page = clients["observer"].get(url("resource", space, public_id)).content.decode()
    assert url("thumbnail", space, public_id) in page
    served = clients["observer"].get(url("download", space, public_id))
    assert body_of(served) == pdf_document()
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith('attachment; filename="guide.pdf"')
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == uploads.SANDBOX_CSP


def test_an_svg_is_served_as_a_sandboxed_attachment_never_inline(library_space):
    """SEC-T26: a drawing that could run scripts is never shown in the page."""
    space, clients = library_space("members")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    clients["member"].post(
        url("add", space) + "?kind=file", {**fields(), "file": upload(svg, "carte.svg")}
    )
    file = ResourceFile.objects.get()
    assert not file.thumbnail
    served = clients["observer"].get(url("download", space, file.resource.public_id))
    assert served["Content-Type"] == "image/svg+xml"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["Content-Security-Policy"] == uploads.SANDBOX_CSP
    assert served["X-Content-Type-Options"] == "nosniff"
    thumbnail = clients["observer"].get(url("thumbnail", space, file.resource.public_id))
    assert thumbnail.status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "page.html", "Web pages (HTML)"),
        (b"<!doctype html><p>x</p>", "notes.txt", "Web pages (HTML)"),
        (b"MZ\x90\x00" + b"\x00" * 64, "guide.pdf", "does not match its content"),
        (picture(), "photo.pdf", "does not match its content"),
        (b"", "vide.txt", "This file is empty."),
    ],
)
def test_a_refused_file_stores_nothing_and_says_why(library_space, content, name, message):
    """SEC-T25/T28: the type comes from the bytes; nothing is written for a refused file."""
    space, clients = library_space("members")
    before = state()
    response = clients["member"].post(
        url("add", space) + "?kind=file", {**fields(), "file": upload(content, name)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_a_file_over_the_limit_is_refused(library_space, settings):
    settings.LIBRARY_MAX_UPLOAD_BYTES = 1000
    space, clients = library_space("members")
    response = clients["member"].post(
        url("add", space) + "?kind=file", {**fields(), "file": upload(b"a" * 1001, "long.txt")}
    )
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert not Resource.objects.exists()
    assert stored_files() == set()


def test_after_another_mistake_the_form_keeps_the_text_and_asks_for_the_file_again(
    library_space,
):
    space, clients = library_space("members")
    response = clients["member"].post(
        url("add", space) + "?kind=file",
        {**fields(title="", description="Ma longue description"), "file": upload(b"x", "a.txt")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the resource a title." in page
    assert "Choose the file again" in page
    assert "Ma longue description" in page
    assert not Resource.objects.exists()
    assert stored_files() == set()


def test_markup_in_plain_fields_is_refused_with_a_message(library_space):
    space, clients = library_space("members")
    response = clients["member"].post(
        url("add", space) + "?kind=note",
        fields(title="<b>Guide</b>", tags="mares, <i>x</i>", body="Texte"),
    )
    assert response.status_code == 400
    assert "HTML tags are not accepted here" in response.content.decode()
    assert not Resource.objects.exists()


@pytest.fixture
def failing_file_rows():
    """A real database failure: inserting a file row aborts (as a full disk would)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER library_test_fail BEFORE INSERT ON library_resourcefile "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION library_test_fail() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER library_test_fail BEFORE INSERT ON library_resourcefile "
                "FOR EACH ROW EXECUTE FUNCTION library_test_fail()"
            )


def test_a_database_failure_after_the_file_is_stored_leaves_no_file_and_no_row(
    library_space, add_resource, failing_file_rows
):
    space, clients = library_space("members")
    before = state()
    with pytest.raises(DatabaseError):
        add_resource(
            space,
            clients.users["member"],
            kind="file",
            upload=upload(picture(), "mare.png"),
        )
    assert state() == before
    assert stored_files() == set()


def test_a_failed_new_version_leaves_the_previous_files_alone(library_space, add_resource):
    space, clients = library_space("members")
    resource = add_resource(
        space, clients.users["member"], kind="file", upload=upload(b"v1", "notes.txt")
    )
    before = state()
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            pytest.skip("the trigger below is SQLite's; the add test covers PostgreSQL")
        cursor.execute(
            "CREATE TRIGGER library_test_fail BEFORE INSERT ON library_resourcefile "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with pytest.raises(DatabaseError):
        actions.resource_new_version(
            access=library_access_for(space, clients.users["member"]),
            resource=resource,
            upload=upload(b"v2", "notes.txt"),
        )
    assert state() == before


# Reading --------------------------------------------------------------------------------------


def test_the_resource_page_shows_everything_and_counts_an_anonymous_view(
    library_space, add_resource
):
    space, clients = library_space("members")
    resource = add_resource(
        space,
        clients.users["member"],
        description="Un *guide*",
        tags="mares, eau",
        author="CEN Centre",
        published_on=None,
    )
    response = clients["observer"].get(url("resource", space, resource.public_id))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<p>Un <em>guide</em></p>" in page
    assert "<p>Creuser en <strong>pente douce</strong>.</p>" in page
    assert "CC BY-SA" in page
    assert "share their adaptations under the same licence" in page
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in page
    assert "CEN Centre" in page
    assert f"{url('index', space)}?tag=mares" in page
    resource.refresh_from_db()
    assert resource.view_count == 1
    assert ViewCount.objects.get(target_id=resource.pk).count == 1
    assert not ActivityEvent.objects.filter(kind="library.resource.viewed").exists()


def test_where_reading_is_measured_a_members_view_is_an_event(library_space, add_resource):
    space, clients = library_space("members")
    Space.objects.filter(pk=space.pk).update(reading_measurement=True)
    resource = add_resource(space, clients.users["owner"])
    clients["member"].get(url("resource", space, resource.public_id))
    event = ActivityEvent.objects.get(kind="library.resource.viewed")
    assert (event.actor, event.target_id) == (clients.users["member"], resource.pk)


def test_each_download_is_counted_and_any_version_can_be_fetched(library_space, add_resource):
    space, clients = library_space("members")
    member = clients.users["member"]
    resource = add_resource(space, member, kind="file", upload=upload(b"premier", "notes.txt"))
    response = clients["member"].post(
        url("new_version", space, resource.public_id), {"file": upload(b"second", "notes.txt")}
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.current_file.number == 2
    assert body_of(clients["observer"].get(url("download", space, resource.public_id))) == (
        b"second"
    )
    first = clients["observer"].get(url("version", space, resource.public_id, 1))
    assert body_of(first) == b"premier"
    assert first["Content-Type"] == "text/plain; charset=utf-8"
    assert clients["observer"].get(url("version", space, resource.public_id, 3)).status_code == 404
    resource.refresh_from_db()
    assert resource.download_count == 2
    events = ActivityEvent.objects.filter(tool_key="library", target_id=resource.pk)
    assert list(events.order_by("pk").values_list("kind", flat=True)) == [
        "library.resource.added",
        "library.resource.new_version",
    ]
    page = clients["observer"].get(url("resource", space, resource.public_id)).content.decode()
    assert url("version", space, resource.public_id, 1) in page
    assert url("version", space, resource.public_id, 2) in page


def test_a_file_name_cannot_break_the_download_headers(library_space, add_resource):
    """SEC-T29: the name is only a display name, sent back in a safe header."""
    space, clients = library_space("members")
    raw = '../../etc/rapport"\r\nSet-Cookie: x=1;.txt'
    resource = add_resource(space, clients.users["member"], kind="file", upload=upload(b"x", raw))
    file = resource.current_file
    assert "/" not in file.name and "\r" not in file.name and "\n" not in file.name
    assert file.storage_name.startswith("library/") and ".." not in file.storage_name
    served = clients["member"].get(url("download", space, resource.public_id))
    disposition = served["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == file.name


def test_files_are_never_under_a_public_address(library_space, add_resource, client):
    space, clients = library_space("public")
    resource = add_resource(
        space, clients.users["member"], kind="file", upload=upload(picture(), "a.png")
    )
    assert client.get(f"/media/{resource.current_file.storage_name}").status_code == 404


# Editing, new versions, deleting ---------------------------------------------------------------


def test_the_creator_edits_their_resource_and_the_tags_are_replaced(library_space, add_resource):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["member"], tags="mares")
    edit_page = clients["member"].get(url("edit", space, resource.public_id)).content.decode()
    assert 'value="mares"' in edit_page
    response = clients["member"].post(
        url("edit", space, resource.public_id),
        fields(title="Guide des mares, 2e édition", tags="eau, Zones humides", body="Nouveau"),
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Guide des mares, 2e édition"
    assert resource.body_html == "<p>Nouveau</p>\n"
    assert sorted(resource.tags.values_list("slug", flat=True)) == ["eau", "zones-humides"]
    event = ActivityEvent.objects.get(kind="library.resource.edited")
    assert "title" in event.payload["fields"] and "tags" in event.payload["fields"]


def test_saving_without_a_change_records_nothing(library_space, add_resource):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["member"], **fields(body="Texte"))
    before = state()
    clients["member"].post(url("edit", space, resource.public_id), fields(body="Texte"))
    assert state() == before


def test_another_member_may_not_change_someone_elses_resource_but_a_facilitator_may(
    library_space, add_resource
):
    space, clients = library_space("members")
    resource = add_resource(space, clients.users["member"])
    other = clients.users["observer"]
    from coopilote.spaces.models import Membership

    Membership.objects.filter(space=space, user=other).update(role="member")
    before = state()
    for name in ("edit", "new_version", "delete"):
        assert clients["observer"].get(url(name, space, resource.public_id)).status_code == 403
    assert clients["observer"].post(url("delete", space, resource.public_id)).status_code == 403
    assert state() == before
    with pytest.raises(PermissionDenied):
        actions.resource_delete(access=library_access_for(space, other), resource=resource)
    page = clients["observer"].get(url("resource", space, resource.public_id)).content.decode()
    assert url("edit", space, resource.public_id) not in page
    response = clients["facilitator"].post(
        url("edit", space, resource.public_id), fields(title="Revu", body="Texte")
    )
    assert response.status_code == 302
    assert Resource.objects.get().title == "Revu"


def test_a_new_version_is_only_for_files(library_space, add_resource):
    space, clients = library_space("members")
    note = add_resource(space, clients.users["member"])
    assert clients["member"].get(url("new_version", space, note.public_id)).status_code == 404
    with pytest.raises(ValidationError):
        actions.resource_new_version(
            access=library_access_for(space, clients.users["member"]),
            resource=Resource.objects.create(
                space=space, kind="file", title="Sans fichier", created_by=clients.users["member"]
            ),
            upload=None,
        )


def test_deleting_removes_the_rows_and_every_stored_file_once_committed(
    library_space, add_resource, django_capture_on_commit_callbacks
):
    space, clients = library_space("members")
    resource = add_resource(
        space, clients.users["member"], kind="file", upload=upload(picture(), "a.png")
    )
    actions.resource_new_version(
        access=library_access_for(space, clients.users["member"]),
        resource=resource,
        upload=upload(pdf_document(), "b.pdf"),
    )
    assert len(stored_files()) == 4  # two versions, each with its preview
    confirm = clients["member"].get(url("delete", space, resource.public_id))
    assert "Delete the resource" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["member"].post(url("delete", space, resource.public_id))
    assert response.status_code == 302
    assert "is deleted" in messages_of(clients["member"].get(url("index", space)))[0]
    assert not Resource.objects.exists()
    assert not ResourceFile.objects.exists()
    assert stored_files() == set()
    assert ActivityEvent.objects.filter(kind="library.resource.deleted").count() == 1


# Shared resources -----------------------------------------------------------------------------


@pytest.fixture
def shared(library_space, add_resource, make_space, add_member):
    """A file resource of a space A shared into a public space B (rows made directly: sharing
    has its own actions)."""
    space, clients = library_space("members")
    resource = add_resource(
        space, clients.users["member"], kind="file", upload=upload(picture(), "a.png")
    )
    other = make_space("Groupe partenaire", owner=clients.users["outsider"], visibility="public")
    enable_library(other, clients.users["outsider"])
    add_member(other, clients.users["member"])
    Share.objects.create(resource=resource, space=other, shared_by=clients.users["member"])
    return space, other, clients, resource


def test_a_shared_resource_is_read_in_the_other_space_with_its_origin(shared, client):
    space, other, _clients, resource = shared
    page = client.get(url("resource", other, resource.public_id)).content.decode()
    assert in_french("Shared from %(name)s", name=space.name) in page
    assert url("download", space, resource.public_id) not in page
    assert client.get(url("download", other, resource.public_id)).status_code == 200
    index = client.get(url("index", other)).content.decode()
    assert resource.title in index and in_french("Shared from %(name)s", name=space.name) in index


def test_a_shared_resource_is_changed_only_in_its_origin_space(shared):
    space, other, clients, resource = shared
    for name in ("edit", "delete"):
        assert clients["outsider"].get(url(name, other, resource.public_id)).status_code == 403
        assert clients["member"].get(url(name, other, resource.public_id)).status_code == 403
    assert clients["member"].get(url("edit", space, resource.public_id)).status_code == 200


def test_deleting_in_the_origin_removes_it_from_every_space(shared):
    space, other, clients, resource = shared
    page = clients["member"].get(url("delete", space, resource.public_id)).content.decode()
    assert "shared into 1 other space" in page
    clients["member"].post(url("delete", space, resource.public_id))
    assert not Share.objects.exists()
    assert clients["outsider"].get(url("resource", other, resource.public_id)).status_code == 404


def test_a_resource_of_another_space_is_a_404_under_this_spaces_address(shared):
    space, other, clients, _resource = shared
    own = Resource.objects.create(space=other, kind="note", title="Note de B")
    for name in ("resource", "download", "thumbnail", "edit", "delete"):
        assert clients["owner"].get(url(name, space, own.public_id)).status_code == 404, name
    assert clients["owner"].get(url("version", space, own.public_id, 1)).status_code == 404


# Browsing -------------------------------------------------------------------------------------


def make_resources(space, count: int, **extra: object) -> list[Resource]:
    """Rows written directly: the browsing tests need many resources, not the add flow."""
    resources = Resource.objects.bulk_create(
        Resource(space=space, kind="note", title=f"Ressource {number:03d}", **extra)
        for number in range(count)
    )
    ResourceTag.objects.bulk_create(
        ResourceTag(resource=resource, name=name, slug=name)
        for resource in resources
        for name in ("mares", "eau")
    )
    return resources


def titles(response) -> list[str]:
    return [resource.title for resource in response.context["page"].object_list]


def test_the_list_filters_by_every_criterion(library_space, add_resource):
    space, clients = library_space("members")
    owner = clients.users["owner"]
    add_resource(space, owner, title="Mares", tags="mares", author="CEN", language="fr")
    add_resource(
        space,
        owner,
        kind="link",
        title="Rivers",
        resource_type="data",
        licence="cc0",
        language="en",
        published_on=date(2020, 1, 1),
    )
    add_resource(space, owner, title="Haies", description="Planter des haies", licence="cc-by")
    index = url("index", space)
    cases = {
        "?kind=link": ["Rivers"],
        "?type=data": ["Rivers"],
        "?tag=mares": ["Mares"],
        "?licence=cc0": ["Rivers"],
        "?language=en": ["Rivers"],
        "?author=cen": ["Mares"],
        "?date_from=2019-01-01&date_to=2020-12-31": ["Rivers"],
        "?date_to=2019-01-01": [],
        "?q=planter": ["Haies"],
        "?sort=title": ["Haies", "Mares", "Rivers"],
        "?sort=oldest": ["Mares", "Rivers", "Haies"],
        "": ["Haies", "Rivers", "Mares"],
    }
    for query, expected in cases.items():
        assert titles(clients["member"].get(index + query)) == expected, query


@pytest.mark.parametrize(
    "query",
    ["?sort=password", "?sort=-id", "?kind=exe", "?licence=x", "?date_from=hier", "?page=zz"],
)
def test_unknown_filter_values_are_ignored_not_errors(library_space, add_resource, query):
    """SEC-T33: sorting and filtering only ever use the allowlist."""
    space, clients = library_space("members")
    add_resource(space, clients.users["owner"], title="A")
    add_resource(space, clients.users["owner"], title="B")
    response = clients["member"].get(url("index", space) + query)
    assert response.status_code == 200
    assert titles(response) == ["B", "A"]


def test_most_downloaded_first(library_space):
    space, clients = library_space("members")
    older, newer = make_resources(space, 2)
    Resource.objects.filter(pk=older.pk).update(download_count=9)
    index = url("index", space)
    assert titles(clients["member"].get(index)) == [newer.title, older.title]
    assert titles(clients["member"].get(index + "?sort=downloads")) == [older.title, newer.title]


def test_the_list_is_paginated_thirty_a_page(library_space):
    space, clients = library_space("members")
    make_resources(space, 31)
    first = clients["member"].get(url("index", space))
    assert len(titles(first)) == 30
    second = clients["member"].get(url("index", space) + "?page=2")
    assert titles(second) == ["Ressource 000"]


@pytest.mark.parametrize("query", ["", "?tag=mares&sort=title"])
def test_the_list_costs_the_same_queries_for_3_or_40_resources(
    library_space, django_assert_num_queries, query
):
    space, clients = library_space("members")
    # Session, user, space, membership, tool row, count (own and shared in one query), the
    # space's own rows and the rows shared into it (read apart: selectors._OwnAndShared), tags,
    # the menu's tools.
    make_resources(space, 3)
    with django_assert_num_queries(10):
        assert clients["member"].get(url("index", space) + query).status_code == 200
    make_resources(space, 37)
    with django_assert_num_queries(10):
        response = clients["member"].get(url("index", space) + query)
    assert len(titles(response)) == 30


def test_the_resource_page_costs_the_same_queries_with_1_or_12_versions(
    library_space, add_resource, django_assert_num_queries
):
    space, clients = library_space("members")
    member = clients.users["member"]
    resource = add_resource(space, member, kind="file", upload=upload(b"1", "a.txt"))
    page = url("resource", space, resource.public_id)
    # Session, user, space, membership, tool row, resource; the counters (two savepoints,
    # their releases, two updates); tags, versions, the menu's tools; then what
    # _resource_extras.html reads (comments, favourite: 2).
    clients["observer"].get(page)  # today's counter row exists from now on
    with django_assert_num_queries(17):
        clients["observer"].get(page)
    for _ in range(11):
        actions.resource_new_version(
            access=library_access_for(space, member),
            resource=resource,
            upload=upload(b"2", "a.txt"),
        )
    with django_assert_num_queries(17):
        response = clients["observer"].get(page)
    assert len(response.context["versions"]) == 12


# Hostile text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CORPUS))
def test_the_xss_corpus_is_harmless_in_every_text_field(library_space, add_resource, name):
    """SEC-T23 through the views: Markdown fields are sanitised, plain ones refused or escaped."""
    space, clients = library_space("members")
    payload = CORPUS[name]
    resource = add_resource(
        space, clients.users["member"], description=payload, body=payload, title="Guide"
    )
    assert problems(resource.description_html) == []
    assert problems(resource.body_html) == []
    page = clients["observer"].get(url("resource", space, resource.public_id)).content.decode()
    assert payload not in page or "<" not in payload
    for field in ("title", "tags", "author"):
        response = clients["member"].post(
            url("add", space) + "?kind=note", fields(**{field: payload}, body="x")
        )
        if response.status_code == 302:  # no markup in it: stored as text, shown escaped
            stored = Resource.objects.order_by("-pk").first()
            shown = clients["observer"].get(url("resource", space, stored.public_id))
            index = clients["observer"].get(url("index", space))
            for answer in (shown, index):
                text = answer.content.decode()
                assert "<" not in payload and escape(payload.split(",")[0].strip()) in text
        else:
            assert response.status_code == 400, (field, response.status_code)
            assert "HTML tags are not accepted here" in response.content.decode()


@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "downloads"])
def test_own_and_shared_resources_page_as_one_list_in_every_order(library_space, make_space, sort):
    """The list reads the space's own resources and those shared into it apart, then merges
    them: every page holds the next thirty in the asked order, none twice, none skipped."""
    from coopilote.tools.library import selectors

    space, _clients = library_space("members")
    other = make_space("Syndicat de rivière")
    for number in range(41):
        mine = Resource.objects.create(
            space=space, kind="note", title=f"Ressource {number:02d}", download_count=number % 7
        )
        Resource.objects.filter(pk=mine.pk).update(
            created_at=mine.created_at - timedelta(hours=number * 2)
        )
    for number in range(23):
        theirs = Resource.objects.create(
            space=other, kind="note", title=f"Partagée {number:02d}", download_count=number % 5
        )
        Resource.objects.filter(pk=theirs.pk).update(
            created_at=theirs.created_at - timedelta(hours=number * 3 + 1)
        )
        Share.objects.create(resource=theirs, space=space)
    filters = selectors.LibraryFilters(sort=sort)
    expected = list(selectors.filtered(space, filters).values_list("pk", flat=True))
    pages = [selectors.library_page(space, filters, number) for number in (1, 2, 3)]
    assert pages[0].paginator.count == 64
    assert [resource.pk for page in pages for resource in page.object_list] == expected
