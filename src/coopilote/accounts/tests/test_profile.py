"""Editing one's own profile: what is saved, what is refused, what cannot be reached."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from coopilote.accounts.forms import MAX_TAGS
from coopilote.accounts.models import DigitalComfort, Tag, User
from coopilote.accounts.tests.helpers import error_texts, in_french

pytestmark = pytest.mark.django_db

EDIT = reverse("accounts:profile_edit")
PROFILE = reverse("accounts:profile")
SCRIPT = '<script>alert("xss")</script>'
MARKUP_ERROR = "HTML tags are not accepted here; please write plain text."


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "display_name": "Camille Martin",
        "bio": "J'anime un réseau de tiers-lieux.",
        "organisation": "Réseau des Communs",
        "skills_text": "facilitation, cartographie",
        "interests_text": "eau, biodiversité",
        "place_name": "Nantes",
        "place_latitude": "47.2184",
        "place_longitude": "-1.5536",
        "digital_comfort": str(DigitalComfort.EVERYDAY),
        "language": "fr",
    }
    data.update(overrides)
    return data


def snapshot(user: User) -> dict[str, object]:
    user.refresh_from_db()
    return {
        "fields": {
            name: getattr(user, name)
            for name in (
                "display_name",
                "bio",
                "organisation",
                "place_name",
                "place_latitude",
                "place_longitude",
                "digital_comfort",
                "language",
                "avatar",
                "email",
                "is_staff",
            )
        },
        "skills": sorted(user.skills.values_list("name", flat=True)),
        "interests": sorted(user.interests.values_list("name", flat=True)),
    }


@pytest.fixture
def filled_user(user):
    user.display_name = "Ancien nom"
    user.bio = "Ancienne bio"
    user.organisation = "Ancienne structure"
    user.place_name = "Rennes"
    user.place_latitude = Decimal("48.11")
    user.place_longitude = Decimal("-1.68")
    user.save()
    user.skills.set(Tag.from_names(["jardinage"]))
    return user


def test_edit_page_shows_current_profile(member_client, filled_user):
    response = member_client.get(EDIT)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Ancien nom"' in html
    assert "Ancienne bio" in html
    assert 'value="jardinage"' in html


def test_profile_edit_saves_every_field(member_client, user):
    response = member_client.post(EDIT, form_data())

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    user.refresh_from_db()
    assert user.display_name == "Camille Martin"
    assert user.bio == "J'anime un réseau de tiers-lieux."
    assert user.organisation == "Réseau des Communs"
    assert user.place_name == "Nantes"
    assert user.digital_comfort == DigitalComfort.EVERYDAY
    assert user.language == "fr"
    assert sorted(user.skills.values_list("name", flat=True)) == ["cartographie", "facilitation"]
    assert sorted(user.interests.values_list("name", flat=True)) == ["biodiversité", "eau"]


def test_profile_page_shows_saved_profile_and_tags(member_client, user):
    member_client.post(EDIT, form_data())

    html = member_client.get(PROFILE).content.decode()

    # Decimals are shown the French way on a French page.
    for text in ("Camille Martin", "Réseau des Communs", "Nantes", "(47,22, -1,55)"):
        assert escape(text) in html
    for tag in ("facilitation", "cartographie", "eau", "biodiversité"):
        assert f'<span class="tag">{tag}</span>' in html


def test_coordinates_are_rounded_to_two_decimals(member_client, user):
    response = member_client.post(
        EDIT, form_data(place_latitude="48.856613", place_longitude="2.352222")
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.place_latitude == Decimal("48.86")
    assert user.place_longitude == Decimal("2.35")
    assert user.place_latitude.as_tuple().exponent == -2


def test_coordinates_round_half_up(member_client, user):
    member_client.post(EDIT, form_data(place_latitude="-12.345", place_longitude="179.995"))
    user.refresh_from_db()
    assert user.place_latitude == Decimal("-12.35")
    assert user.place_longitude == Decimal("180.00")


def test_coordinates_can_be_left_empty(member_client, filled_user):
    response = member_client.post(EDIT, form_data(place_latitude="", place_longitude=""))
    assert response.status_code == 302
    filled_user.refresh_from_db()
    assert filled_user.place_latitude is None
    assert filled_user.place_longitude is None


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("place_latitude", "91", 90),
        ("place_latitude", "-90.5", 90),
        ("place_latitude", "90.004", 90),
        ("place_longitude", "180.01", 180),
        ("place_longitude", "-200", 180),
    ],
)
def test_out_of_range_coordinate_is_refused(member_client, filled_user, field, value, limit):
    before = snapshot(filled_user)

    response = member_client.post(EDIT, form_data(**{field: value}))

    assert response.status_code == 400
    expected = in_french("Must be between -%(limit)d and %(limit)d.") % {"limit": limit}
    assert any(expected in error for error in error_texts(response.content.decode()))
    assert snapshot(filled_user) == before


def test_latitude_without_longitude_is_refused(member_client, filled_user):
    before = snapshot(filled_user)
    response = member_client.post(EDIT, form_data(place_longitude=""))
    assert response.status_code == 400
    assert in_french("Give both latitude and longitude, or neither.") in error_texts(
        response.content.decode()
    )
    assert snapshot(filled_user) == before


def test_skills_are_deduplicated_into_shared_tags(member_client, user, make_user, login, client):
    response = member_client.post(
        EDIT,
        form_data(
            skills_text="facilitation, Cartographie, FACILITATION ; comptabilité\n"
            "  facilitation  ,, cartographie"
        ),
    )
    assert response.status_code == 302
    assert sorted(user.skills.values_list("name", flat=True)) == [
        "Cartographie",
        "comptabilité",
        "facilitation",
    ]
    tags_before = Tag.objects.count()

    other = make_user("dominique@example.org")
    other_client = client.__class__()
    login(other_client, other.email)
    other_client.post(EDIT, form_data(skills_text="Facilitation, cartographie"))

    assert Tag.objects.count() == tags_before
    assert set(other.skills.all()) <= set(user.skills.all())


def test_removing_every_skill_clears_them(member_client, filled_user):
    member_client.post(EDIT, form_data(skills_text=""))
    assert not filled_user.skills.exists()


def test_too_many_tags_are_refused(member_client, filled_user):
    before = snapshot(filled_user)
    names = ", ".join(f"sujet {i}" for i in range(MAX_TAGS + 1))
    response = member_client.post(EDIT, form_data(skills_text=names))
    assert response.status_code == 400
    assert snapshot(filled_user) == before


def test_overlong_tag_is_refused(member_client, filled_user):
    before = snapshot(filled_user)
    response = member_client.post(EDIT, form_data(interests_text="x" * 41))
    assert response.status_code == 400
    assert snapshot(filled_user) == before


@pytest.mark.parametrize(
    "field", ["display_name", "bio", "organisation", "place_name", "skills_text", "interests_text"]
)
@pytest.mark.parametrize(
    "payload",
    [SCRIPT, '<img src=x onerror="alert(1)">', "Camille <b>Martin</b>", "</textarea>" + SCRIPT],
)
def test_markup_in_text_field_is_refused_and_nothing_saved(
    member_client, filled_user, field, payload
):
    before = snapshot(filled_user)

    response = member_client.post(EDIT, form_data(**{field: payload}))

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert any(in_french(MARKUP_ERROR) in error for error in error_texts(html))
    assert snapshot(filled_user) == before
    # The typed text is shown back, escaped, so the person can correct it.
    assert payload not in html
    assert escape(payload) in html


def test_script_in_every_field_at_once_never_comes_back_raw(member_client, filled_user):
    before = snapshot(filled_user)
    fields = ["display_name", "bio", "organisation", "place_name", "skills_text"]

    response = member_client.post(EDIT, form_data(**dict.fromkeys(fields, SCRIPT)))

    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") >= len(fields)
    assert len(error_texts(html)) == len(fields)
    assert snapshot(filled_user) == before


def test_invisible_control_characters_are_removed(member_client, user):
    member_client.post(EDIT, form_data(display_name="Cam\u202eille\u0007 "))
    user.refresh_from_db()
    assert user.display_name == "Camille"


def test_mass_assignment_of_other_fields_is_ignored(member_client, user):
    response = member_client.post(
        EDIT,
        form_data(
            is_staff="1",
            is_superuser="1",
            is_active="0",
            email="pirate@example.org",
            avatar="../../etc/passwd",
            deleted_at="2020-01-01T00:00:00Z",
            password="pbkdf2_sha256$1$x$y",
        ),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff is False
    assert user.is_superuser is False
    assert user.is_active is True
    assert user.email == "camille@example.org"
    assert user.avatar == ""
    assert user.deleted_at is None
    assert user.check_password("un-mot-de-passe-solide-42")


def test_unknown_digital_comfort_and_language_are_refused(member_client, filled_user):
    before = snapshot(filled_user)
    assert member_client.post(EDIT, form_data(digital_comfort="9")).status_code == 400
    assert member_client.post(EDIT, form_data(language="de")).status_code == 400
    assert snapshot(filled_user) == before


def test_profile_edit_refuses_other_methods(member_client):
    assert member_client.put(EDIT).status_code == 405
    assert member_client.delete(EDIT).status_code == 405


def test_a_french_decimal_comma_is_accepted_for_coordinates(member_client, user):
    response = member_client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Camille",
            "language": "fr",
            "place_latitude": "47,3941",
            "place_longitude": "0,6848",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert str(user.place_latitude) == "47.39"
    assert str(user.place_longitude) == "0.68"
