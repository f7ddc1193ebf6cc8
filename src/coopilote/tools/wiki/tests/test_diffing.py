"""Revision diffs: numbered lines, collapsed unchanged runs, translated summary, template."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from coopilote.accounts.tests.helpers import in_french
from coopilote.tools.wiki.diffing import DiffLine, collapse, counts, diff, split_lines, summary


@pytest.fixture(autouse=True)
def _english():
    """The structure is checked in the source language; French has tests of its own."""
    with translation.override("en"):
        yield


CHARTER = "# Charte\n\nNous décidons ensemble.\nChaque voix compte.\n"


def numbered(count: int, *, start: int = 1) -> str:
    return "".join(f"ligne {n}\n" for n in range(start, start + count))


def kinds(lines: list[DiffLine]) -> str:
    return "".join(
        {"same": "=", "added": "+", "removed": "-", "skipped": "…"}[x.kind] for x in lines
    )


def french_plural(singular: str, plural: str, count: int) -> str:
    with translation.override("fr"):
        return translation.ngettext(singular, plural, count) % {"count": count}


# ---------------------------------------------------------------------------- diff
def test_identical_texts_have_only_unchanged_lines() -> None:
    lines = diff(CHARTER, CHARTER, context=None)
    assert kinds(lines) == "===="
    assert [(x.old_number, x.new_number) for x in lines] == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_from_empty_every_line_is_added_and_numbered() -> None:
    assert diff("", "a\nb") == [
        DiffLine("added", "a", None, 1),
        DiffLine("added", "b", None, 2),
    ]


def test_to_empty_every_line_is_removed_and_numbered() -> None:
    assert diff("a\nb\n", "") == [
        DiffLine("removed", "a", 1, None),
        DiffLine("removed", "b", 2, None),
    ]


def test_both_empty_is_no_line() -> None:
    assert diff("", "") == []


def test_changed_line_is_removed_then_added_with_both_numberings() -> None:
    lines = diff("a\nb\nc", "a\nB\nc\nd")
    assert lines == [
        DiffLine("same", "a", 1, 1),
        DiffLine("removed", "b", 2, None),
        DiffLine("added", "B", None, 2),
        DiffLine("same", "c", 3, 3),
        DiffLine("added", "d", None, 4),
    ]


def test_reordered_lines_show_one_move_as_remove_and_add() -> None:
    lines = diff("un\ndeux\ntrois", "trois\nun\ndeux")
    assert kinds(lines) == "+==-"
    assert [x.text for x in lines if x.kind != "same"] == ["trois", "trois"]


def test_unicode_lines_are_compared_exactly() -> None:
    old = "Réunion 🎉\nCafé\nœuvre"
    new = "Réunion 🎉\nCafe\u0301\nœuvre"  # same look, another code point sequence
    lines = diff(old, new)
    assert kinds(lines) == "=-+="
    assert lines[2].text == "Cafe\u0301"


def test_line_endings_and_final_newline_do_not_count_as_changes() -> None:
    assert kinds(diff("a\r\nb\r\n", "a\nb")) == "=="
    assert split_lines("a\rb\n\n") == ["a", "b", ""]
    assert summary("a\r\nb", "a\nb\n") == "No changes"


def test_blank_lines_do_not_confuse_a_long_diff() -> None:
    old = "\n".join(f"para {n}\n" for n in range(300))
    new = old.replace("para 150\n", "para 150 changed\n")
    lines = diff(old, new, context=None)
    assert [x.text for x in lines if x.kind != "same"] == ["para 150", "para 150 changed"]


# ---------------------------------------------------------------------------- collapsing
def test_long_unchanged_runs_collapse_around_the_change() -> None:
    old = numbered(20)
    new = old.replace("ligne 10\n", "ligne dix\n")
    lines = diff(old, new)
    assert kinds(lines) == "…===-+===…"
    first, last = lines[0], lines[-1]
    assert (first.count, first.old_number, first.new_number) == (6, 1, 1)
    assert (last.count, last.old_number, last.new_number) == (7, 14, 14)


def test_unchanged_runs_of_six_lines_or_fewer_stay() -> None:
    old = numbered(6) + "x\n" + numbered(6, start=7)
    new = old.replace("x\n", "y\n")
    assert kinds(diff(old, new)) == "======-+======"


def test_a_single_hidden_line_is_shown_rather_than_collapsed() -> None:
    old = "a\n" + numbered(7) + "b\n"
    new = "A\n" + numbered(7) + "B\n"
    assert "…" not in kinds(diff(old, new))


def test_run_between_two_changes_keeps_context_on_both_sides() -> None:
    old = "a\n" + numbered(12) + "b\n"
    new = "A\n" + numbered(12) + "B\n"
    lines = diff(old, new)
    assert kinds(lines) == "-+===…===-+"
    assert lines[5].count == 6


def test_unchanged_text_collapses_to_one_row_and_context_none_keeps_all() -> None:
    assert [(x.kind, x.count) for x in diff(numbered(10), numbered(10))] == [("skipped", 10)]
    assert len(diff(numbered(10), numbered(10), context=None)) == 10


def test_collapse_leaves_changes_untouched() -> None:
    lines = diff("a\nb", "c\nd", context=None)
    assert collapse(lines) == lines


# ---------------------------------------------------------------------------- summary
def test_summary_counts_lines_in_english() -> None:
    with translation.override("en"):
        assert summary("a\nb\nc", "a\nB\nC\nD\nc") == "3 lines added, 1 removed"
        assert summary("a", "a\nb") == "1 line added"
        assert summary("a\nb\nc", "a") == "2 lines removed"
        assert summary("a", "a") == "No changes"
    assert counts("", "x\ny") == (2, 0)


def test_summary_uses_french_plurals_from_the_catalogue() -> None:
    added = ("%(count)d line added", "%(count)d lines added")
    with translation.override("fr"):
        assert summary("", "a") == french_plural(*added, 1)
        assert summary("", "a\nb") == french_plural(*added, 2)
        assert summary("a\nb", "") == french_plural(
            "%(count)d line removed", "%(count)d lines removed", 2
        )
        assert summary("a", "b\nc\nd") == in_french(
            "%(added)s, %(removed)s",
            added=french_plural(*added, 3),
            removed=french_plural("%(count)d removed", "%(count)d removed", 1),
        )
        assert summary("a", "a") == in_french("No changes")


# ---------------------------------------------------------------------------- template
def render_diff(old: str, new: str) -> str:
    return render_to_string("wiki/_diff.html", {"lines": diff(old, new)})


def rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", re.sub(r"\s+", " ", html))


def test_template_marks_changes_in_words_not_only_colour() -> None:
    html = render_diff("a\nb", "a\nc")
    assert re.search(r'<del>.*<span class="visually-hidden">removed: </span>b</del>', html)
    assert re.search(r'<ins>.*<span class="visually-hidden">added: </span>c</ins>', html)
    assert html.count('aria-hidden="true">+</span>') == 1
    assert html.count('aria-hidden="true">−</span>') == 1


def test_template_has_a_caption_and_column_headers() -> None:
    html = render_diff("a", "b")
    assert "<caption" in html
    assert html.count('<th scope="col"') == 3


def test_template_shows_line_numbers_on_each_side() -> None:
    body = rows(render_diff("a\nb", "a\nc"))[1:]
    assert re.search(r"<td [^>]*>1</td> <td [^>]*>1</td>", body[0])
    assert re.search(r"<td [^>]*>2</td> <td [^>]*></td>", body[1])  # removed: old side only
    assert re.search(r"<td [^>]*></td> <td [^>]*>2</td>", body[2])  # added: new side only


def test_template_escapes_the_text() -> None:
    html = render_diff("", "<script>alert(1)</script> & <b>")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_template_collapses_long_unchanged_runs() -> None:
    old = numbered(20)
    html = render_diff(old, old.replace("ligne 10\n", "ligne dix\n"))
    assert "… 6 unchanged lines …" in html
    assert "… 7 unchanged lines …" in html
    assert "ligne 2<" not in html
    assert len(rows(html)) == 1 + 10


def test_template_collapsed_rows_are_translated() -> None:
    with translation.override("fr"):
        html = render_diff(numbered(8), numbered(8))
        expected = translation.ngettext(
            "… %(counter)s unchanged line …", "… %(counter)s unchanged lines …", 8
        ) % {"counter": 8}
    assert expected in html


def test_template_says_when_there_is_no_change() -> None:
    assert "No changes." in render_to_string("wiki/_diff.html", {"lines": []})
