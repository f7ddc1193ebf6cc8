"""Profile pictures: checked from their bytes, re-encoded under a random name, served privately."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from coopilote.accounts.avatars import store_avatar
from coopilote.accounts.tests.helpers import (
    error_texts,
    image_bytes,
    in_french,
    media_files,
    png_bomb,
    upload,
)

# The worker and streamed files close connections as in production: run on committed data.
pytestmark = pytest.mark.django_db(transaction=True)

EDIT = reverse("accounts:profile_edit")
STORED_NAME = re.compile(r"^avatars/[0-9a-f]{32}\.webp$")
UNREADABLE = "This file is not a picture we can read. Please choose a JPEG, PNG, WebP or GIF."
WRONG_FORMAT = "Please choose a JPEG, PNG, WebP or GIF picture."
TOO_MANY_PIXELS = "This picture has too many pixels (%(width)d × %(height)d)."
TOO_LARGE = "This picture is too large (%(size)s); the limit is %(limit)s."


def post_avatar(client: Client, file, **extra: str):
    return client.post(
        EDIT, {"display_name": "Camille", "language": "fr", "avatar_file": file, **extra}
    )


def stored(user) -> Path:
    user.refresh_from_db()
    assert STORED_NAME.match(user.avatar), user.avatar
    path = Path(settings.MEDIA_ROOT) / user.avatar
    assert path.is_file()
    return path


def jpeg_with_exif_and_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (180, 90, 30))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x0131] = "CanarySoftware"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (47.0, 13.0, 5.0)
    gps[3] = "W"
    gps[4] = (1.0, 33.0, 13.0)
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, comment=b"CanaryComment")
    return output.getvalue()


def assert_refused(response, user, message: str) -> None:
    assert response.status_code == 400
    errors = error_texts(response.content.decode())
    assert any(message in error for error in errors), errors
    user.refresh_from_db()
    assert user.avatar == ""
    assert user.display_name == ""
    assert media_files() == []


# --- accepted pictures ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("PNG", "portrait.png", "image/png"),
        ("JPEG", "portrait.jpg", "image/jpeg"),
        ("GIF", "portrait.gif", "image/gif"),
        ("WEBP", "portrait.webp", "image/webp"),
    ],
)
def test_picture_is_reencoded_to_square_webp_under_random_name(
    member_client, user, fmt, name, content_type
):
    response = post_avatar(member_client, upload(name, image_bytes(fmt), content_type))

    assert response.status_code == 302
    path = stored(user)
    assert "portrait" not in path.name
    with Image.open(path) as image:
        assert image.format == "WEBP"
        assert image.size == (settings.AVATAR_SIZE, settings.AVATAR_SIZE) == (256, 256)
    assert media_files() == [path]


def test_picture_type_comes_from_bytes_not_name(member_client, user):
    response = post_avatar(
        member_client, upload("photo.txt", image_bytes("PNG"), "application/octet-stream")
    )
    assert response.status_code == 302
    assert stored(user).suffix == ".webp"


def test_exif_and_gps_are_stripped(member_client, user):
    original = jpeg_with_exif_and_gps()
    with Image.open(io.BytesIO(original)) as source:  # the test picture really carries them
        assert source.getexif()[0x010F] == "CanaryCam"
        assert source.getexif().get_ifd(0x8825)[2] == (47.0, 13.0, 5.0)

    response = post_avatar(member_client, upload("vacances.jpg", original, "image/jpeg"))

    assert response.status_code == 302
    path = stored(user)
    data = path.read_bytes()
    for canary in (b"CanaryCam", b"CanarySoftware", b"CanaryComment", b"Exif", b"EXIF"):
        assert canary not in data
    with Image.open(path) as image:
        assert "exif" not in image.info
        assert "xmp" not in image.info
        assert len(image.getexif()) == 0


def test_payload_appended_to_a_picture_is_dropped(member_client, user):
    polyglot = image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"

    response = post_avatar(member_client, upload("polyglot.png", polyglot))

    assert response.status_code == 302
    assert b"<script>" not in stored(user).read_bytes()


def test_same_picture_twice_gets_two_names_and_old_file_is_removed(
    member_client, user, django_capture_on_commit_callbacks
):
    data = image_bytes("PNG")
    with django_capture_on_commit_callbacks(execute=True):
        post_avatar(member_client, upload("a.png", data))
    first = stored(user)

    with django_capture_on_commit_callbacks(execute=True):
        post_avatar(member_client, upload("a.png", data))
    second = stored(user)

    assert second != first
    assert not first.exists()
    assert media_files() == [second]


def test_remove_avatar_deletes_file(member_client, user, django_capture_on_commit_callbacks):
    post_avatar(member_client, upload("a.png", image_bytes("PNG")))
    path = stored(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            EDIT, {"display_name": "Camille", "language": "fr", "remove_avatar": "on"}
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar == ""
    assert not path.exists()


def test_saving_profile_without_new_picture_keeps_avatar(member_client, user):
    post_avatar(member_client, upload("a.png", image_bytes("PNG")))
    path = stored(user)

    member_client.post(EDIT, {"display_name": "Camille M.", "language": "fr"})

    assert stored(user) == path


def test_profile_page_shows_avatar(member_client, user):
    post_avatar(member_client, upload("a.png", image_bytes("PNG")))

    html = member_client.get(reverse("accounts:profile")).content.decode()

    assert f'src="{reverse("accounts:avatar", args=[user.pk])}"' in html


# --- refused files ----------------------------------------------------------------------------


def test_oversized_file_is_refused_with_message(member_client, user, settings):
    settings.AVATAR_MAX_BYTES = 2000
    data = image_bytes("PNG", size=(400, 400), mode="RGB", compress_level=0)
    assert len(data) > 2000

    response = post_avatar(member_client, upload("big.png", data))

    with translation.override("fr"):
        message = in_french(TOO_LARGE, size=filesizeformat(len(data)), limit=filesizeformat(2000))
    assert_refused(response, user, message)


def test_html_file_named_png_is_refused(member_client, user):
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    response = post_avatar(member_client, upload("avatar.png", html, "image/png"))
    assert_refused(response, user, in_french(UNREADABLE))


def test_svg_is_refused(member_client, user):
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
    response = post_avatar(member_client, upload("avatar.svg", svg, "image/svg+xml"))
    assert_refused(response, user, in_french(UNREADABLE))


def test_truncated_picture_is_refused(member_client, user):
    data = image_bytes("PNG")
    response = post_avatar(member_client, upload("cut.png", data[: len(data) // 2]))
    assert_refused(response, user, in_french(UNREADABLE))


@pytest.mark.parametrize(("fmt", "name"), [("BMP", "a.bmp"), ("TIFF", "a.tiff")])
def test_readable_but_unaccepted_format_is_refused(member_client, user, fmt, name):
    response = post_avatar(member_client, upload(name, image_bytes(fmt), "image/png"))
    assert_refused(response, user, in_french(WRONG_FORMAT))


def test_pixel_bomb_is_refused_before_decoding(member_client, user):
    bomb = png_bomb(9000, 9000)  # 81 million pixels in about 10 kB
    assert len(bomb) < 20_000

    response = post_avatar(member_client, upload("bomb.png", bomb))

    assert_refused(response, user, in_french(TOO_MANY_PIXELS, width=9000, height=9000))


def test_huge_declared_size_is_refused(member_client, user):
    response = post_avatar(member_client, upload("bomb.png", png_bomb(30000, 30000, full=False)))
    assert_refused(response, user, in_french(UNREADABLE))


def test_pixel_limit_follows_setting(member_client, user, settings):
    settings.AVATAR_MAX_PIXELS = 10_000

    refused = post_avatar(member_client, upload("a.png", image_bytes("PNG", size=(200, 100))))
    assert_refused(refused, user, in_french(TOO_MANY_PIXELS, width=200, height=100))

    accepted = post_avatar(member_client, upload("b.png", image_bytes("PNG", size=(100, 100))))
    assert accepted.status_code == 302
    stored(user)


def test_valid_picture_with_invalid_other_field_stores_nothing(member_client, user):
    response = member_client.post(
        EDIT,
        {
            "display_name": "<b>Camille</b>",
            "language": "fr",
            "avatar_file": upload("a.png", image_bytes("PNG")),
        },
    )

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.avatar == ""
    assert media_files() == []


def test_refused_picture_keeps_previous_avatar(member_client, user):
    post_avatar(member_client, upload("a.png", image_bytes("PNG")))
    path = stored(user)

    response = post_avatar(member_client, upload("b.png", b"not a picture"))

    assert response.status_code == 400
    assert stored(user) == path
    assert media_files() == [path]


# --- serving ----------------------------------------------------------------------------------


def test_avatar_url_redirects_anonymous_to_login(client, user, login):
    member = Client()
    login(member, user.email)
    post_avatar(member, upload("a.png", image_bytes("PNG")))
    url = reverse("accounts:avatar", args=[user.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_avatar_is_served_as_webp_to_other_members(member_client, user, make_user, login):
    post_avatar(member_client, upload("a.png", image_bytes("PNG")))
    other = make_user("dominique@example.org")
    other_client = Client()
    login(other_client, other.email)

    response = other_client.get(reverse("accounts:avatar", args=[user.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")
    body = b"".join(response.streaming_content)
    response.close()
    assert body == stored(user).read_bytes()
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "WEBP"


def test_avatar_url_is_404_without_picture(member_client, user):
    assert member_client.get(reverse("accounts:avatar", args=[user.pk])).status_code == 404


def test_avatar_url_is_404_for_unknown_member(member_client):
    assert member_client.get(reverse("accounts:avatar", args=[999999])).status_code == 404


def test_avatar_url_is_404_when_file_is_missing(member_client, user):
    post_avatar(member_client, upload("a.png", image_bytes("PNG")))
    stored(user).unlink()
    assert member_client.get(reverse("accounts:avatar", args=[user.pk])).status_code == 404


def test_avatar_of_deleted_member_is_404(member_client, user, make_user):
    gone = make_user("parti@example.org")
    gone.avatar = store_avatar(image_bytes("WEBP"))
    gone.save()
    url = reverse("accounts:avatar", args=[gone.pk])
    served = member_client.get(url)
    served.close()
    assert served.status_code == 200
    gone.deleted_at = timezone.now()
    gone.save()
    assert member_client.get(url).status_code == 404
