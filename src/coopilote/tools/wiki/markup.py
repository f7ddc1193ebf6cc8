"""Wiki Markdown: the core flavour plus ``[[Page name|label]]`` links and heading anchors.

``render`` is pure (no database): the caller passes ``resolve``, which turns a page name into
a ``LinkTarget`` the reader may follow, or ``None`` when the reader must not learn anything
about it (a page of a space they cannot see). The HTML goes through the same allowlist as the
rest of the site (``core.markdown.sanitize``), widened only for heading ids and the wiki link
classes.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from coopilote.core.markdown import new_parser, sanitize

MAX_LINK_LENGTH = 300  # characters between [[ and ]]: keeps the inline rule linear
ANCHOR_PREFIX = "h-"  # heading ids never clash with the page's own ids (main, nav…)
MISSING_CLASS = "wiki-link--missing"
LINK_CLASS = "wiki-link"
HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class LinkTarget:
    url: str
    exists: bool


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[Heading]
    links: list[str]


def normalise_name(name: str) -> str:
    """A page name as written in a link: surrounding and repeated whitespace removed."""
    return " ".join(name.split())


# ---------------------------------------------------------------------------- [[links]]
_ESCAPED_PIPE = "\\|"


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("[[", start) or state.linkLevel > 0:
        return False
    end = src.find("]]", start + 2, start + 4 + MAX_LINK_LENGTH)
    if end < 0:
        return False
    inner = src[start + 2 : end]
    if "[" in inner or "]" in inner or "\n" in inner:
        return False
    # In a table cell the pipe must be escaped ("[[Page\|label]]"): accept both forms.
    inner = inner.replace(_ESCAPED_PIPE, "|")
    name, _, label = inner.partition("|")
    name = normalise_name(name)
    if not name:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"name": name, "label": normalise_name(label) or name, "target": None}
        token.content = token.meta["label"]
    state.pos = end + 2
    return True


def _render_wikilink(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    label = html_lib.escape(meta["label"])
    target: LinkTarget | None = meta["target"]
    if target is None:
        return label  # the reader may not see it: plain text, nothing about the page
    url = html_lib.escape(target.url)
    if target.exists:
        return f'<a href="{url}" class="{LINK_CLASS}">{label}</a>'
    hint = html_lib.escape(gettext("(page to create)"))
    return (
        f'<a href="{url}" class="{LINK_CLASS} {MISSING_CLASS}">{label}'
        f'<span class="visually-hidden"> {hint}</span></a>'
    )


_parser = new_parser()
_parser.inline.ruler.before("link", "wikilink", _wikilink_rule)
_parser.add_render_rule("wikilink", _render_wikilink)


# ---------------------------------------------------------------------------- anchors
# Letters NFKD does not decompose into ASCII + accents.
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"}
)


def slugify(text: str) -> str:
    """ "Compte rendu : l’équipe" → "compte-rendu-l-equipe" (ASCII, lowercase, dashes)."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-")


def _plain_text(children: Sequence[Token] | None) -> str:
    parts: list[str] = []
    for child in children or ():
        if child.type in ("text", "code_inline", "wikilink"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain_text(child.children))
    return " ".join("".join(parts).split())


class _Anchors:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def unique(self, text: str) -> str:
        base = ANCHOR_PREFIX + (slugify(text) or "section")
        anchor, number = base, 1
        while anchor in self.used:
            number += 1
            anchor = f"{base}-{number}"
        self.used.add(anchor)
        return anchor


# ---------------------------------------------------------------------------- render
def render(body: str, *, resolve: Callable[[str], LinkTarget | None]) -> Rendered:
    """Body Markdown → sanitised HTML, table of contents and the page names it links to.

    ``links`` lists every name written as ``[[…]]`` outside code (whitespace normalised,
    deduplicated, in order), whatever ``resolve`` answered; ``resolve`` is called once per name.
    The "(page to create)" hint is translated in the active language.
    """
    tokens = _parser.parse(body or "")
    targets: dict[str, LinkTarget | None] = {}
    anchors = _Anchors()
    toc: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "wikilink":
                    name = child.meta["name"]
                    if name not in targets:
                        targets[name] = resolve(name)
                    child.meta["target"] = targets[name]
        elif token.type == "heading_open":
            inline = tokens[index + 1]
            text = _plain_text(inline.children)
            anchor = anchors.unique(text)
            token.attrSet("id", anchor)
            toc.append(Heading(level=int(token.tag[1]), text=text, anchor=anchor))
    html = _parser.renderer.render(tokens, _parser.options, {})
    return Rendered(html=clean(html), toc=toc, links=list(targets))


def clean(html: str) -> str:
    """The site allowlist plus heading ids and the wiki link classes."""
    return sanitize(
        html,
        extra_tags={"span"},
        extra_attributes={tag: {"id"} for tag in HEADING_TAGS},
        allowed_classes={"a": {LINK_CLASS, MISSING_CLASS}, "span": {"visually-hidden"}},
    )
