"""Page templates: four built in (meeting notes, charter, project sheet, presentation sheet),
which facilitators of a space may rewrite, hide or reset, and the space's own.

A built-in template lives in the code, translated for the reader, until a facilitator changes it:
then the space's row (``PageTemplate`` with its ``key``) replaces it in that space only. Every
template is named in URLs by a reference: the built-in key, or the row's id for a space's own.
``{date}`` in a template's title or text becomes today's date when a page starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coopilote.activity.rollups import local_today
from coopilote.tools.wiki.models import PageTemplate

DATE_PLACEHOLDER = "{date}"


@dataclass(frozen=True)
class Builtin:
    key: str
    name: str | Promise
    description: str | Promise
    title: str | Promise
    body: str | Promise


BUILTINS: tuple[Builtin, ...] = (
    Builtin(
        key="compte-rendu",
        name=_("Meeting notes"),
        description=_("Who came, what was said, what was decided and who does what next."),
        title=_("Meeting notes — {date}"),
        body=_(
            "## Practical details\n\n"
            "- **Date and place:** {date}\n"
            "- **Present:** \n"
            "- **Excused:** \n"
            "- **Facilitation:**  · **Notes:**  · **Time keeper:** \n\n"
            "## Agenda\n\n"
            "1. Round of news\n"
            "2. \n"
            "3. \n\n"
            "## What we said\n\n"
            "### 1. Round of news\n\n\n"
            "## Decisions\n\n"
            "| Decision | How it was taken | Who follows it up |\n"
            "|---|---|---|\n"
            "|  |  |  |\n\n"
            "## Actions\n\n"
            "| Action | Who | By when |\n"
            "|---|---|---|\n"
            "|  |  |  |\n\n"
            "## Next meeting\n\n"
            "- **Date:** \n"
            "- **To prepare:** \n"
        ),
    ),
    Builtin(
        key="charte",
        name=_("Operating charter"),
        description=_("Why the group exists, its values, how it decides and works together."),
        title=_("Operating charter"),
        body=_(
            "## Why we exist\n\n"
            "What brings us together, in a few sentences.\n\n"
            "## Our values\n\n"
            "- \n\n"
            "## Who takes part, and how\n\n"
            "- **Members:** \n"
            "- **Facilitation team:** \n"
            "- **Joining and leaving:** \n\n"
            "## How we decide\n\n"
            "> Say which decisions are taken by consent, by vote or by the facilitation team, "
            "and how objections are heard.\n\n"
            "## How we work together\n\n"
            "- **Tools:** which tool for what.\n"
            "- **Meetings:** rhythm, length, roles (facilitation, notes, time).\n"
            "- **Answering:** how quickly we answer messages.\n\n"
            "## Sharing what we produce\n\n"
            "The licence of our shared documents (for example CC BY-SA) and how to cite the "
            "group.\n\n"
            "## Reviewing this charter\n\n"
            "This charter is reviewed every year, or when a member asks for it. Last review: "
            "{date}.\n"
        ),
    ),
    Builtin(
        key="fiche-projet",
        name=_("Project sheet"),
        description=_("A project at a glance: needs, objectives, who does what, timeline, means."),
        title=_("Project sheet — "),
        body=_(
            "## In one sentence\n\n\n"
            "## Context and needs\n\n\n"
            "## Objectives\n\n"
            "1. \n\n"
            "## Who does what\n\n"
            "| Role | Person or organisation |\n"
            "|---|---|\n"
            "| Lead |  |\n"
            "| Partners |  |\n\n"
            "## Timeline\n\n"
            "| Step | Date |\n"
            "|---|---|\n"
            "|  |  |\n\n"
            "## Means\n\n"
            "- **Budget:** \n"
            "- **Funding:** \n"
            "- **Resources:** \n\n"
            "## How we will know it worked\n\n\n"
            "## Links\n\n"
            "- \n"
        ),
    ),
    Builtin(
        key="fiche-presentation",
        name=_("Presentation sheet"),
        description=_("A member organisation or person introduces themselves to the network."),
        title=_("Presentation — "),
        body=_(
            "## Who we are\n\n\n"
            "## What we do\n\n\n"
            "## Where we act\n\n\n"
            "## What we can share with the network\n\n"
            "- **Skills:** \n"
            "- **Resources:** \n\n"
            "## What we are looking for\n\n\n"
            "## Contact\n\n"
            "- **Person to contact:** \n"
            "- **Website:** \n"
        ),
    ),
)
BUILTIN_KEYS = frozenset(builtin.key for builtin in BUILTINS)


@dataclass(frozen=True)
class Template:
    """A template as a space offers it."""

    ref: str  # built-in key, or the row's id
    name: str
    description: str
    title: str
    body: str
    builtin: bool
    changed: bool  # a built-in template this space rewrote
    row: PageTemplate | None = None


def _from_builtin(builtin: Builtin) -> Template:
    return Template(
        ref=builtin.key,
        name=str(builtin.name),
        description=str(builtin.description),
        title=str(builtin.title),
        body=str(builtin.body),
        builtin=True,
        changed=False,
    )


def _from_row(row: PageTemplate) -> Template:
    return Template(
        ref=row.key or str(row.pk),
        name=row.name,
        description=row.description,
        title=row.title,
        body=row.body,
        builtin=bool(row.key),
        changed=bool(row.key),
        row=row,
    )


def builtin(key: str) -> Builtin | None:
    return next((item for item in BUILTINS if item.key == key), None)


def space_templates(space: Any, *, hidden: bool = False) -> list[Template]:
    """The space's templates in one query: built-in ones first (as the space changed them),
    then its own by name. ``hidden=True`` lists only the built-in ones it took out."""
    rows = list(PageTemplate.objects.filter(space=space).order_by("name", "pk"))
    by_key = {row.key: row for row in rows if row.key}
    if hidden:
        return [
            _from_builtin(item)
            for item in BUILTINS
            if item.key in by_key and by_key[item.key].hidden
        ]
    found = [
        _from_row(by_key[item.key]) if item.key in by_key else _from_builtin(item)
        for item in BUILTINS
        if not (item.key in by_key and by_key[item.key].hidden)
    ]
    return found + [_from_row(row) for row in rows if not row.key]


def find(space: Any, ref: str) -> Template | None:
    """The template a reference names in this space (None: unknown, or hidden)."""
    if ref in BUILTIN_KEYS:
        row = PageTemplate.objects.filter(space=space, key=ref).first()
        if row is None:
            item = builtin(ref)
            return _from_builtin(item) if item is not None else None
        return None if row.hidden else _from_row(row)
    if ref.isdigit():
        row = PageTemplate.objects.filter(space=space, key="", pk=int(ref)).first()
        return _from_row(row) if row is not None else None
    return None


def fill(text: str) -> str:
    """A template's text for a new page: ``{date}`` becomes today's date (the site's day)."""
    if DATE_PLACEHOLDER not in text:
        return text
    return text.replace(DATE_PLACEHOLDER, formats.date_format(local_today(), "SHORT_DATE_FORMAT"))
