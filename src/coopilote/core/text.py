"""Checks for the plain-text fields people fill in (names, titles, short messages)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
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


WEB_SCHEMES = ("http", "https")


def clean_web_address(value: str, *, max_length: int, required: str, example: str) -> str:
    """A web address people can open safely: http or https only, no credentials inside, as
    typed by someone (invisible characters removed, ``https://`` added when no scheme is given).

    ``required`` is the message for an empty value and ``example`` an address shown in the
    message for an invalid one, both in the caller's words.
    """
    value = INVISIBLE.sub("", value or "").strip()
    if not value:
        raise ValidationError(required, code="required")
    if len(value) > max_length:
        raise ValidationError(
            _("The address is too long: %(max)d characters at most (it has %(count)d).")
            % {"max": max_length, "count": len(value)},
            code="max_length",
        )
    if any(char.isspace() for char in value):
        raise ValidationError(_("A web address cannot contain spaces."), code="spaces")
    if "://" not in value and ":" not in value.split("/", 1)[0]:
        value = f"https://{value}"
    parts = urlsplit(value)
    if parts.scheme.lower() not in WEB_SCHEMES:
        raise ValidationError(
            _("Only web addresses starting with http:// or https:// are accepted."),
            code="scheme",
        )
    if "@" in parts.netloc:
        raise ValidationError(
            _("This address contains a user name or a password: remove them."),
            code="credentials",
        )
    try:
        URLValidator(schemes=list(WEB_SCHEMES))(value)
    except ValidationError:
        raise ValidationError(
            _("This is not a valid web address, for example %(example)s.") % {"example": example},
            code="invalid",
        ) from None
    return value
