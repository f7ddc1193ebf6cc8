"""Line diff between two revisions (difflib), and its one-line summary for mails and history."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

SAME, ADDED, REMOVED, SKIPPED = "same", "added", "removed", "skipped"
CONTEXT = 3  # unchanged lines kept next to a change when runs are collapsed
COLLAPSE_OVER = 6  # only unchanged runs longer than this are collapsed


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same" | "added" | "removed" | "skipped" (collapsed run of unchanged lines)
    text: str
    old_number: int | None
    new_number: int | None
    count: int = 1  # lines this row stands for ("skipped" rows stand for several)


def split_lines(text: str) -> list[str]:
    """Lines of a text whatever its line endings; a final newline adds no empty line."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _opcodes(old: list[str], new: list[str]) -> Sequence[tuple[str, int, int, int, int]]:
    # autojunk would treat frequent lines (blank lines!) as junk and give odd diffs; keep it
    # for very long texts only, where it bounds the time.
    autojunk = len(old) + len(new) > 20_000
    return difflib.SequenceMatcher(None, old, new, autojunk=autojunk).get_opcodes()


def diff(old: str, new: str, *, context: int | None = CONTEXT) -> list[DiffLine]:
    """Every line of the change, numbered on both sides.

    With ``context`` (the default), unchanged runs longer than ``COLLAPSE_OVER`` lines keep only
    ``context`` lines next to each change and the rest becomes one "skipped" row; pass
    ``context=None`` for every line.
    """
    old_lines, new_lines = split_lines(old), split_lines(new)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in _opcodes(old_lines, new_lines):
        if tag == "equal":
            for offset in range(i2 - i1):
                lines.append(
                    DiffLine(SAME, old_lines[i1 + offset], i1 + offset + 1, j1 + offset + 1)
                )
            continue
        for i in range(i1, i2):
            lines.append(DiffLine(REMOVED, old_lines[i], i + 1, None))
        for j in range(j1, j2):
            lines.append(DiffLine(ADDED, new_lines[j], None, j + 1))
    return lines if context is None else collapse(lines, context=context)


def collapse(
    lines: list[DiffLine], *, context: int = CONTEXT, over: int = COLLAPSE_OVER
) -> list[DiffLine]:
    """Unchanged runs longer than ``over`` lines → ``context`` lines each side + one skipped row."""
    result: list[DiffLine] = []
    index = 0
    while index < len(lines):
        if lines[index].kind != SAME:
            result.append(lines[index])
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].kind == SAME:
            end += 1
        run = lines[index:end]
        keep_before = context if index > 0 else 0  # lines after the previous change
        keep_after = context if end < len(lines) else 0  # lines before the next change
        hidden = len(run) - keep_before - keep_after
        if len(run) <= over or hidden < 2:
            result.extend(run)
        else:
            first = run[keep_before]
            result.extend(run[:keep_before])
            result.append(DiffLine(SKIPPED, "", first.old_number, first.new_number, hidden))
            result.extend(run[len(run) - keep_after :])
        index = end
    return result


def counts(old: str, new: str) -> tuple[int, int]:
    """(lines added, lines removed); a changed line counts as one of each."""
    added = removed = 0
    for tag, i1, i2, j1, j2 in _opcodes(split_lines(old), split_lines(new)):
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def summary(old: str, new: str) -> str:
    """ "3 lines added, 1 removed", translated with the right plurals."""
    added, removed = counts(old, new)
    if added and removed:
        return gettext("%(added)s, %(removed)s") % {
            "added": ngettext("%(count)d line added", "%(count)d lines added", added)
            % {"count": added},
            "removed": ngettext("%(count)d removed", "%(count)d removed", removed)
            % {"count": removed},
        }
    if added:
        return ngettext("%(count)d line added", "%(count)d lines added", added) % {"count": added}
    if removed:
        return ngettext("%(count)d line removed", "%(count)d lines removed", removed) % {
            "count": removed
        }
    return gettext("No changes")
