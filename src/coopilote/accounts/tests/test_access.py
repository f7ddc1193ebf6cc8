"""Every page of the accounts app is for logged-in members only."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, reverse

from coopilote.accounts import urls as account_urls
from coopilote.accounts.avatars import store_avatar
from coopilote.accounts.tests.helpers import image_bytes

pytestmark = pytest.mark.django_db

PATTERNS: list[URLPattern] = [p for p in account_urls.urlpatterns if isinstance(p, URLPattern)]


def url_for(pattern: URLPattern, user_pk: int) -> str:
    kwargs = dict.fromkeys(pattern.pattern.converters, user_pk)
    return reverse(f"{account_urls.app_name}:{pattern.name}", kwargs=kwargs)


@pytest.fixture
def member_with_data(make_user):
    user = make_user("visible@example.org", display_name="Nom Visible")
    user.bio = "Bio visible"
    user.avatar = store_avatar(image_bytes("WEBP"))
    user.save()
    return user


def test_every_accounts_url_is_covered():
    assert {p.name for p in PATTERNS} >= {
        "profile",
        "profile_edit",
        "avatar",
        "personal_data",
        "personal_data_download",
        "delete",
    }


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_anonymous_is_redirected_to_login(client, member_with_data, pattern, method):
    url = url_for(pattern, member_with_data.pk)

    response = getattr(client, method)(
        url, {"password": "x", "confirm": "on"} if method == "post" else None
    )

    assert response.status_code == 302, (url, response.status_code)
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == [url]
    body = response.content.decode(errors="replace")
    for secret in ("visible@example.org", "Nom Visible", "Bio visible"):
        assert secret not in body
    assert member_with_data.avatar.split("/")[-1] not in body


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_logged_in_member_can_open_every_page(member_client, member_with_data, pattern):
    response = member_client.get(url_for(pattern, member_with_data.pk))
    assert response.status_code == 200
    response.close()


def test_anonymous_post_to_delete_changes_nothing(client, member_with_data):
    client.post(
        reverse("accounts:delete"), {"password": "un-mot-de-passe-solide-42", "confirm": "on"}
    )
    member_with_data.refresh_from_db()
    assert not member_with_data.is_deleted
