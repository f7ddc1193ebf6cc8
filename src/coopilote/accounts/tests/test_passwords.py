"""Password rules: Django's validators and Coopilote's, as set in AUTH_PASSWORD_VALIDATORS."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopilote.accounts.models import User
from coopilote.accounts.passwords import GuessablePatternValidator, MaximumLengthValidator
from coopilote.accounts.tests.helpers import error_texts, in_french
from coopilote.mail.models import OutboxMessage

PASSPHRASE_WORDS = (
    "Le héron cendré 🦩 traverse la Loire à l'aube, "
    "puis la coopérative de Saint-Nazaire ouvre ses portes 🌱 aux voisines ; "
)


def passphrase(length: int) -> str:
    text = PASSPHRASE_WORDS * (length // len(PASSPHRASE_WORDS) + 1)
    return text[:length]


def rejection_codes(password: str, user: User | None = None) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user=user)
    return {error.code for error in caught.value.error_list}


@pytest.mark.parametrize(
    ("password", "expected_code"),
    [
        ("azerty1", "password_too_short"),
        ("motdepasse", "password_too_common"),
        ("123456789", "password_entirely_numeric"),
        ("azertyuiop", "password_sequence"),
        ("Coopilote2026!", "password_common_word"),
        ("aaaaaaaaaaaa", "password_repetitive"),
        ("Motdepasse2024!", "password_common_word"),
        ("qwertyuiop!!", "password_sequence"),
        ("abcdefghijkl", "password_sequence"),
        ("0987654321", "password_sequence"),
        ("ababababababab", "password_repetitive"),
    ],
)
def test_weak_password_is_rejected(password, expected_code):
    assert expected_code in rejection_codes(password)


def test_password_like_the_email_address_is_rejected():
    user = User(email="dominique.martin@example.org")
    assert "password_too_similar" in rejection_codes("dominique.martin", user=user)


def test_long_passphrase_with_emoji_is_accepted():
    phrase = passphrase(200)
    assert len(phrase) == 200
    assert "🦩" in phrase
    validate_password(phrase)  # raises if refused


def test_passphrase_of_exactly_256_characters_is_accepted():
    validate_password(passphrase(256))


def test_password_longer_than_256_characters_is_rejected():
    assert rejection_codes(passphrase(257)) == {"password_too_long"}


@pytest.mark.parametrize(
    "password",
    ["un-mot-de-passe-solide-42", "vélo rouge sous la pluie", "Trois chats 🐈 dorment au soleil"],
)
def test_ordinary_strong_passwords_are_accepted(password):
    validate_password(password)


def test_guessable_pattern_validator_has_help_text():
    assert GuessablePatternValidator().get_help_text()


def test_maximum_length_validator_honours_its_option():
    validator = MaximumLengthValidator(max_length=12)
    validator.validate("x" * 12)
    with pytest.raises(ValidationError) as caught:
        validator.validate("x" * 13)
    assert caught.value.code == "password_too_long"
    assert "12" in validator.get_help_text()


@pytest.mark.django_db
def test_signup_with_weak_password_shows_translated_error_and_creates_nothing(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nouvelle@example.org", "password1": "motdepasse", "password2": "motdepasse"},
    )

    assert response.status_code == 200
    expected = in_french("This password is too common.")
    assert expected != "This password is too common."
    assert expected in " ".join(error_texts(response.content.decode()))
    assert '<html lang="fr">' in response.content.decode()
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_signup_with_overlong_password_is_refused_and_creates_nothing(client):
    phrase = passphrase(300)

    response = client.post(
        reverse("account_signup"),
        {"email": "nouvelle@example.org", "password1": phrase, "password2": phrase},
    )

    assert response.status_code == 200
    assert error_texts(response.content.decode())
    assert not User.objects.exists()
