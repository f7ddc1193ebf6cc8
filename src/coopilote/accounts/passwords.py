"""Password rules beyond Django's: refuse guessable patterns, cap the length.

There are no composition rules (digits, symbols, capitals).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

KEYBOARD_ROWS = ("azertyuiop", "qsdfghjklm", "wxcvbn", "qwertyuiop", "asdfghjkl", "zxcvbnm")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "01234567890"
# Words that make a password easy to guess on this site, whatever comes around them.
SITE_WORDS = ("coopilote", "motdepasse", "password", "bonjour", "soleil", "azerty", "qwerty")


def _strip_decoration(password: str) -> str:
    """The core a person typed before padding it with digits and symbols to pass a length rule."""
    core = password.lower()
    core = re.sub(r"[\d\W_]+$", "", core)
    core = re.sub(r"^[\d\W_]+", "", core)
    return core


def _is_sequence(text: str) -> bool:
    if len(text) < 4:
        return False
    for source in (*KEYBOARD_ROWS, ALPHABET, DIGITS):
        if text in source or text[::-1] in source:
            return True
    return False


class GuessablePatternValidator:
    """Refuse the patterns that breached-password lists are full of.

    Repeated characters, keyboard rows and alphabet runs, and common words padded with digits
    (``Coopilote2026!``, ``azertyuiop``, ``aaaaaaaaaa``) are found in every leaked list; checking
    them locally needs no outbound call.
    """

    def validate(self, password: str, user: object = None) -> None:
        lowered = password.lower()
        core = _strip_decoration(password)
        if len(set(lowered)) <= 2:
            raise ValidationError(
                _("This password repeats the same characters; it would be guessed at once."),
                code="password_repetitive",
            )
        if _is_sequence(lowered) or _is_sequence(core) or _is_sequence(re.sub(r"\W", "", lowered)):
            raise ValidationError(
                _(
                    "This password follows a keyboard or alphabet sequence; it is too easy to guess."  # noqa: E501
                ),
                code="password_sequence",
            )
        for word in SITE_WORDS:
            if core == word or (word in lowered and len(lowered) - len(word) < 6):
                raise ValidationError(
                    _("This password is built on a very common word; add other words to it."),
                    code="password_common_word",
                )

    def get_help_text(self) -> str:
        return _("Avoid sequences (azerty, 1234), repeated characters and common words.")


class MaximumLengthValidator:
    """Long passphrases are welcome; only absurd lengths, which cost hashing time, are refused."""

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is longer than %(max)d character.",
                    "This password is longer than %(max)d characters.",
                    self.max_length,
                )
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can be up to %(max)d character long.",
            "Your password can be up to %(max)d characters long.",
            self.max_length,
        ) % {"max": self.max_length}
