"""Reading lists of people to invite: one address, a pasted list or a CSV file.

Parsing is pure (no database); ``check_batch`` then asks ``actions.invitation_problems`` for
what only the database knows (already a member, already invited, role not grantable), with one
query per kind of check whatever the length of the list.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from coopilote.core.text import clean_plain_text
from coopilote.spaces import actions
from coopilote.spaces.access import SpaceAccess
from coopilote.spaces.models import Invitation
from coopilote.spaces.policies import Role

MAX_FILE_BYTES = 1024 * 1024
NAME_MAX_LENGTH = Invitation._meta.get_field("name").max_length or 120
EMAIL_MAX_LENGTH = 254

# Headers and role words are compared without accents, case, spaces, hyphens or dots.
EMAIL_HEADERS = frozenset(
    {"email", "courriel", "adresse", "mail", "adresseemail", "adressecourriel", "adressemail",
     "adresseelectronique", "emailaddress"}
)  # fmt: skip
NAME_HEADERS = frozenset({"name", "nom", "nomcomplet", "fullname", "prenomnom", "prenometnom"})
ROLE_HEADERS = frozenset({"role"})
ROLE_WORDS: dict[str, Role] = {
    "owner": Role.OWNER,
    "proprietaire": Role.OWNER,
    "facilitator": Role.FACILITATOR,
    "animateur": Role.FACILITATOR,
    "animatrice": Role.FACILITATOR,
    "animateurrice": Role.FACILITATOR,
    "animateurtrice": Role.FACILITATOR,
    "member": Role.MEMBER,
    "membre": Role.MEMBER,
    "observer": Role.OBSERVER,
    "observateur": Role.OBSERVER,
    "observatrice": Role.OBSERVER,
    "observateurrice": Role.OBSERVER,
    "observateurtrice": Role.OBSERVER,
}
# "Camille Dupont <camille@example.org>", the name possibly in quotes, a role possibly after.
NAMED_ADDRESS = re.compile(
    r'^\s*"?(?P<name>[^<>"]*?)"?\s*<(?P<email>[^<>]*)>\s*(?:[,;\t]\s*(?P<role>.*))?$'
)


class ImportRefused(Exception):
    """The whole list is refused (too long, unreadable...): one message, no per-line errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Line:
    """One person to invite, as read from the list, with what is wrong with it."""

    number: int | None  # line in the list or file; None for the single address
    email: str
    name: str = ""
    role: str = ""  # a Role value, or "" when the role given is unknown
    role_given: str = ""
    errors: list[str] = field(default_factory=list)
    text: str = ""  # the line as written, shown when no address could be read from it

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else self.role_given

    def row(self) -> actions.InvitationRow:
        return actions.InvitationRow(email=self.email, name=self.name, role=self.role)


@dataclass
class Batch:
    lines: list[Line]

    @property
    def valid_lines(self) -> list[Line]:
        return [line for line in self.lines if line.valid]

    @property
    def invalid_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.valid]

    def rows(self, *, only_valid: bool = True) -> list[actions.InvitationRow]:
        lines = self.valid_lines if only_valid else self.lines
        return [line.row() for line in lines]

    def digest(self, message: str = "") -> str:
        """Fingerprint of what the preview showed, so that sending sends exactly that."""
        text = (
            message
            + "\x1e"
            + "\n".join(
                f"{line.number}\x1f{line.email}\x1f{line.name}\x1f{line.role}\x1f{line.valid}"
                for line in self.lines
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()


def line_limit() -> int:
    return int(settings.SPACES_INVITATIONS_PER_DAY)


def _too_many(count: int) -> ImportRefused:
    limit = line_limit()
    return ImportRefused(
        _(
            "This list has %(count)d lines, more than the %(limit)d invitations that can be "
            "sent in a day. Split it into smaller lists and send them on different days."
        )
        % {"count": count, "limit": limit}
    )


def _key(text: str) -> str:
    """ "Rôle", " E-mail ", "Animateur·rice" → "role", "email", "animateurrice"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if char.isalnum())


def decode_upload(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as spreadsheets in French often write."""
    if b"\x00" in data:
        raise ImportRefused(
            _("This file is not a CSV text file. Save your spreadsheet as CSV and try again.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused(
                _("This file's characters cannot be read. Save it as CSV in UTF-8 and try again.")
            ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_upload(upload: object) -> str:
    size = getattr(upload, "size", 0) or 0
    if size > MAX_FILE_BYTES:
        raise ImportRefused(
            _("This file is too large (%(size)s); a list of invitations fits in %(limit)s.")
            % {"size": _megabytes(size), "limit": _megabytes(MAX_FILE_BYTES)}
        )
    data = upload.read(MAX_FILE_BYTES + 1)  # type: ignore[attr-defined]
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            _("This file is too large; a list of invitations fits in %(limit)s.")
            % {"limit": _megabytes(MAX_FILE_BYTES)}
        )
    return decode_upload(data)


def _megabytes(size: int) -> str:
    return _("%(size).1f MB") % {"size": size / (1024 * 1024)}


def _check_text_size(text: str) -> None:
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ImportRefused(
            _("This list is too long; a list of invitations fits in %(limit)s.")
            % {"limit": _megabytes(MAX_FILE_BYTES)}
        )


def make_line(number: int | None, email: str, name: str, role: str, default_role: str) -> Line:
    """Clean and check one person's fields (no database)."""
    email = email.strip().strip("<>").strip()
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :]
    email = email.lower()
    line = Line(number=number, email=email, role_given=role.strip())
    if not email:
        line.errors.append(_("No email address on this line."))
    else:
        try:
            if len(email) > EMAIL_MAX_LENGTH:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            line.errors.append(
                _("“%(value)s” is not a valid email address.") % {"value": email[:100]}
            )
    try:
        line.name = clean_plain_text(name)
    except ValidationError as error:
        line.name = name.strip()
        line.errors.extend(error.messages)
    else:
        if len(line.name) > NAME_MAX_LENGTH:
            line.errors.append(
                _("The name is too long (%(max)d characters at most).") % {"max": NAME_MAX_LENGTH}
            )
    if not line.role_given:
        line.role = default_role
    elif _key(line.role_given) in ROLE_WORDS:
        line.role = ROLE_WORDS[_key(line.role_given)].value
    else:
        line.errors.append(
            _("Unknown role “%(value)s”: write owner, facilitator, member or observer.")
            % {"value": line.role_given[:50]}
        )
    return line


def _mark_duplicates(lines: list[Line]) -> None:
    first: dict[str, Line] = {}
    for line in lines:
        if not line.email:
            continue
        earlier = first.get(line.email)
        if earlier is None:
            first[line.email] = line
        elif earlier.number is not None:
            line.errors.append(_("Same address as line %(line)d.") % {"line": earlier.number})
        else:
            line.errors.append(_("This address appears twice."))


def _split_pasted(text: str) -> list[tuple[str, str, str]] | None:
    """One pasted line → (email, name, role) triples (several when it lists addresses).

    ``None`` when the line has more parts than an address, a name and a role.
    """
    named = NAMED_ADDRESS.match(text)
    if named:
        return [(named["email"], named["name"].strip(), (named["role"] or "").strip())]
    delimiter = ";" if ";" in text else "\t" if "\t" in text else ","
    try:
        cells = [cell.strip() for cell in next(csv.reader([text], delimiter=delimiter))]
    except csv.Error:
        cells = [text]
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > 1 and all("@" in cell for cell in cells):
        return [(cell, "", "") for cell in cells]
    if len(cells) > 3:
        return None
    cells += [""] * (3 - len(cells))
    if "@" not in cells[0] and "@" in cells[1]:
        # "Camille Dupont, camille@example.org" is as natural as the other way round.
        cells[0], cells[1] = cells[1], cells[0]
    return [(cells[0], cells[1], cells[2])]


def parse_pasted(text: str, *, default_role: str) -> Batch:
    """One person a line: "email", "Name <email>", "email, name, role" or "email; name; role"."""
    _check_text_size(text)
    numbered = [
        (number, raw.strip())
        for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1)
        if raw.strip()
    ]
    if len(numbered) > line_limit():
        raise _too_many(len(numbered))
    lines: list[Line] = []
    for number, raw in numbered:
        people = _split_pasted(raw)
        if people is None:
            line = Line(number=number, email="", text=raw[:200])
            line.errors.append(
                _("Too many parts: write the address, then the name, then the role.")
            )
            lines.append(line)
            continue
        for email, name, role in people:
            lines.append(make_line(number, email, name, role, default_role))
    if len(lines) > line_limit():
        raise _too_many(len(lines))
    _mark_duplicates(lines)
    return Batch(lines=lines)


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def parse_csv(text: str, *, default_role: str) -> Batch:
    """A CSV with a header row naming its columns (email, name, role, in French or English)."""
    _check_text_size(text)
    # Browsers send a textarea back with CRLF line ends; line numbers must not change.
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    if not first_line:
        raise ImportRefused(_("This file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line), strict=False)
    try:
        records = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:
        raise ImportRefused(
            _("This file cannot be read as CSV. Save your spreadsheet as CSV and try again.")
        ) from None
    header = records[0][1]
    keys = [_key(cell) for cell in header]
    columns = {
        "email": next((i for i, key in enumerate(keys) if key in EMAIL_HEADERS), None),
        "name": next((i for i, key in enumerate(keys) if key in NAME_HEADERS), None),
        "role": next((i for i, key in enumerate(keys) if key in ROLE_HEADERS), None),
    }
    data = records[1:]
    if columns["email"] is None:
        if any("@" in cell for cell in header):
            # No header row after all: read the columns in the order email, name, role.
            columns = {"email": 0, "name": 1, "role": 2}
            data = records
            header = []
        else:
            raise ImportRefused(
                _(
                    "The first line of the file must name its columns, and none is called "
                    "email, courriel, adresse or e-mail."
                )
            )
    if len(data) > line_limit():
        raise _too_many(len(data))
    width = len(header) or 3
    lines: list[Line] = []
    for number, cells in data:

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns[column]
            return cells[index] if index is not None and index < len(cells) else ""

        line = make_line(number, cell("email"), cell("name"), cell("role"), default_role)
        if any("\n" in value for value in cells):
            line.errors.append(_("A quotation mark is not closed on this line."))
        elif len(cells) > width and any(value.strip() for value in cells[width:]):
            line.errors.append(
                _("This line has %(count)d columns, the header has %(width)d.")
                % {"count": len(cells), "width": width}
            )
        lines.append(line)
    if not lines:
        raise ImportRefused(_("This file has a header row but nobody to invite."))
    _mark_duplicates(lines)
    return Batch(lines=lines)


def single(*, email: str, name: str, role: str) -> Batch:
    return Batch(lines=[make_line(None, email, name, role, role)])


def check_batch(access: SpaceAccess, batch: Batch) -> Batch:
    """Add what the database knows to each line still valid (a fixed number of queries)."""
    candidates = batch.valid_lines
    if candidates:
        problems = actions.invitation_problems(access, [line.row() for line in candidates])
        for index, message in problems.items():
            candidates[index].errors.append(message)
    return batch
