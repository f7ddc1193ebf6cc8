"""Checks for the plain-text fields people fill in (names, titles, short messages)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
# Bidirectional overrides and C0 controls have no place in a name and hide what text really is.
INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]")


def clean_plain_text(value: str) -> str:
    """Plain text only: markup is refused with a message rather than silently altered."""
    value = INVISIBLE.sub("", value).strip()
    if MARKUP.search(value):
        raise ValidationError(
            _("HTML tags are not accepted here; please write plain text."), code="markup"
        )
    return value
