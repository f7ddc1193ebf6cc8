"""Spreadsheet-safe CSV, shared by every export of the platform (quality.md SEC-T31).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a tab or
carriage return in front does not stop it: a title such as ``=HYPERLINK("http://evil","x")``
becomes a link that can carry the sheet's data away. Every cell written by ``csv_lines`` goes
through ``neutralise``, which puts an apostrophe in front of such text: spreadsheets show the
text as it was typed and hide the apostrophe.

Negative numbers: a value exported as a number (``int``, ``float``, ``Decimal``) is never changed,
whatever its sign. The same characters typed into a text field (``"-2"``) are text, and get the
apostrophe: an exporter cannot tell a typed number from the start of a formula (``-2+3``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from itertools import batched

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV file as UTF-8 (accents included) only when it starts with this mark.
BYTE_ORDER_MARK = "\ufeff"
# Rows per chunk sent: thousands of tiny writes would cost more than the rows themselves.
ROWS_PER_CHUNK = 200


def neutralise(value: object) -> object:
    """``value`` as a CSV cell may hold it: text that a spreadsheet would run as a formula gets
    a leading apostrophe; numbers and everything else are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file whose ``write`` returns the line instead of keeping it: ``csv.writer`` formats one
    row at a time and nothing accumulates in memory."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """A CSV file in pieces, for a ``StreamingHttpResponse``: the byte order mark and the header,
    then the rows a chunk at a time, every cell neutralised, quoted as RFC 4180 says (CRLF line
    ends, quotes doubled, cells holding a comma, quote or line break in quotes)."""
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow([neutralise(cell) for cell in header])
    for chunk in batched(rows, ROWS_PER_CHUNK):
        yield "".join(writer.writerow([neutralise(cell) for cell in row]) for row in chunk)
