"""CSV cells a spreadsheet would run as formulas are neutralised; everything else round-trips."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from coopilote.core.exports import BYTE_ORDER_MARK, ROWS_PER_CHUNK, csv_lines, neutralise

# quality.md SEC-T31: what a spreadsheet would run.
FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
]
# What CSV quoting must carry through unchanged.
TRICKY = ['Dit "bonjour"', "a, b, c", "ligne 1\nligne 2", "ligne 1\r\nligne 2", "", "é à ç œ"]


@pytest.mark.parametrize("payload", FORMULAS)
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", ["Guide", " =1", "'=1", "1+1", "a=b", *TRICKY], ids=repr)
def test_other_text_is_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("number", [-2, 0, 42, -1.5, Decimal("-3.25")])
def test_numbers_stay_numbers_even_negative(number):
    assert neutralise(number) is number


def test_empty_values_are_unchanged():
    assert neutralise(None) is None


def parse(lines) -> list[list[str]]:
    text = "".join(lines)
    assert text.startswith(BYTE_ORDER_MARK)
    return list(csv.reader(io.StringIO(text[len(BYTE_ORDER_MARK) :], newline="")))


def test_parsed_back_every_cell_is_the_text_exported_apart_from_the_apostrophe():
    cells = FORMULAS + TRICKY
    rows = parse(csv_lines(["valeur", "nombre"], [[cell, -7] for cell in cells]))

    assert rows[0] == ["valeur", "nombre"]
    assert len(rows) == 1 + len(cells)
    for (text, number), original in zip(rows[1:], cells, strict=True):
        expected = "'" + original if original in FORMULAS else original
        assert text == expected
        assert number == "-7"


def test_quoting_follows_rfc_4180():
    text = "".join(csv_lines(["a", "b"], [['Dit "oui"', "x,y"], ["1\n2", "=1"]]))

    assert text == BYTE_ORDER_MARK + 'a,b\r\n"Dit ""oui""","x,y"\r\n"1\n2",\'=1\r\n'


def test_rows_come_a_chunk_at_a_time_and_are_read_only_as_they_are_sent():
    produced = []

    def rows():
        for number in range(ROWS_PER_CHUNK * 2 + 1):
            produced.append(number)
            yield [number]

    lines = csv_lines(["n"], rows())
    assert next(lines) == BYTE_ORDER_MARK + "n\r\n"
    assert produced == []
    first = next(lines)
    assert len(produced) == ROWS_PER_CHUNK
    assert first.count("\r\n") == ROWS_PER_CHUNK
    assert len(list(lines)) == 2
    assert len(produced) == ROWS_PER_CHUNK * 2 + 1
