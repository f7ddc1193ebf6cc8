"""Wiki Markdown: the core flavour plus ``[[Page name|label]]`` links and heading anchors.

Rendering happens once, on save (``render``, pure: no database). A ``[[link]]`` is stored as a
placeholder anchor naming its target, never as a resolved link: whether the page exists, whether
this reader may see its space, and the "(page to create)" hint in the reader's language are
decided when the page is shown (``resolve_links``, one batch of lookups for all the links of a
page). So a page created, deleted or renamed elsewhere, or a reader of another space, never sees
a stale or leaked link. ``[[space-address:Page name]]`` names a page of another space.

``![[scheme:id|caption]]`` shows another tool's object (``![[library:<id>]]``: a picture or a
card of the resource library). It is stored as a placeholder naming only what the author wrote,
and resolved at read time like links, through the tool that registered the scheme
(``registry.embed_resolver``): the wiki imports no other tool. A figure cannot sit in a
paragraph, so an embed is lifted out of its paragraph into a block of its own.

The HTML goes through the same allowlist as the rest of the site (``core.markdown.sanitize``),
widened only for heading ids, the placeholders' data attributes and the wiki link classes.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from coopilote.core.markdown import new_parser, sanitize
from coopilote.spaces.registry import EmbedRef, embed_schemes

MAX_LINK_LENGTH = 300  # characters between [[ and ]]: keeps the inline rule linear
ANCHOR_PREFIX = "h-"  # heading ids never clash with the page's own ids (main, nav…)
MISSING_CLASS = "wiki-link--missing"
LINK_CLASS = "wiki-link"
HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class LinkRef:
    """What a ``[[…]]`` names: a page name, in this space (``space`` empty) or another one."""

    space: str
    name: str


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
    links: list[LinkRef]


def normalise_name(name: str) -> str:
    """A page name as written in a link: surrounding and repeated whitespace removed."""
    return " ".join(name.split())


# Page addresses the wiki's own routes use at the top level (``urls.py``).
RESERVED_SLUGS = frozenset(
    {"nouvelle-page", "apercu", "plan", "corbeille", "changements", "modeles"}
)


def page_slug(name: str) -> str:
    """The address of a page named ``name``; a ``[[name]]`` link resolves through it too."""
    slug = slugify(normalise_name(name)) or "page"
    return f"{slug}-page" if slug in RESERVED_SLUGS else slug


# ---------------------------------------------------------------------------- [[links]]
_ESCAPED_PIPE = "\\|"
# "reseau-eau:Charte" names the page "Charte" of the space at /s/reseau-eau/: a lower-case
# address (as spaces have) right before the colon. "Compte rendu : mars" is a page name.
_OTHER_SPACE = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*):(.+)")
SPACE_ATTRIBUTE = "data-wiki-space"
NAME_ATTRIBUTE = "data-wiki-name"


def link_ref(written: str) -> LinkRef | None:
    """The target of ``[[written]]`` (without its label), or None for an empty name."""
    name = normalise_name(written)
    match = _OTHER_SPACE.fullmatch(name)
    if match is not None and normalise_name(match.group(2)):
        return LinkRef(space=match.group(1), name=normalise_name(match.group(2)))
    return LinkRef(space="", name=name) if name else None


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
    written, _, label = inner.partition("|")
    ref = link_ref(written)
    if ref is None:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"ref": ref, "label": normalise_name(label) or normalise_name(written)}
        token.content = token.meta["label"]
    state.pos = end + 2
    return True


def _render_wikilink(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A placeholder: ``resolve_links`` turns it into a link, or plain text, for each reader."""
    meta = tokens[idx].meta
    ref: LinkRef = meta["ref"]
    space = f' {SPACE_ATTRIBUTE}="{html_lib.escape(ref.space)}"' if ref.space else ""
    name = html_lib.escape(ref.name)
    return f'<a{space} {NAME_ATTRIBUTE}="{name}">{html_lib.escape(meta["label"])}</a>'


# ---------------------------------------------------------------------------- ![[embeds]]
EMBED_TAG = "div"
SCHEME_ATTRIBUTE = "data-embed-scheme"
EMBED_ATTRIBUTE = "data-embed-id"
_EMBED_TARGET = re.compile(r"([a-z][a-z_]{1,38}):([A-Za-z0-9_-]{1,64})")


def _embed_rule(state: StateInline, silent: bool) -> bool:
    """``![[scheme:id|caption]]`` for a scheme a tool registered; any other ``![[…]]`` is left
    to the other rules (so ``![[space-address:Page]]`` stays "!" and a link)."""
    src, start = state.src, state.pos
    if not src.startswith("![[", start) or state.linkLevel > 0:
        return False
    end = src.find("]]", start + 3, start + 5 + MAX_LINK_LENGTH)
    if end < 0:
        return False
    inner = src[start + 3 : end]
    if "[" in inner or "]" in inner or "\n" in inner:
        return False
    written, _, caption = inner.replace(_ESCAPED_PIPE, "|").partition("|")
    match = _EMBED_TARGET.fullmatch(written.strip())
    if match is None or match.group(1) not in embed_schemes():
        return False
    if not silent:
        token = state.push("embed", "", 0)
        token.meta = {"ref": EmbedRef(match.group(1), match.group(2), normalise_name(caption))}
        token.content = src[start : end + 2]  # shown as written where a block cannot go
    state.pos = end + 2
    return True


def _blank(token: Token) -> bool:
    return token.type in ("softbreak", "hardbreak") or (
        token.type == "text" and not token.content.strip()
    )


def _split_paragraph(opening: Token, inline: Token, closing: Token) -> list[Token]:
    """The paragraph's embeds as blocks, the text around them as paragraphs of their own."""
    blocks: list[Token] = []
    run: list[Token] = []

    def flush() -> None:
        while run and _blank(run[0]):
            run.pop(0)
        while run and _blank(run[-1]):
            run.pop()
        if run:
            for child, strip in ((run[0], str.lstrip), (run[-1], str.rstrip)):
                if child.type == "text":
                    child.content = strip(child.content)
            text = copy.copy(inline)
            text.children = list(run)
            text.content = "".join(child.content for child in run)
            blocks.extend((copy.copy(opening), text, copy.copy(closing)))
        run.clear()

    depth = 0
    for child in inline.children or ():
        depth += child.nesting
        if child.type == "embed" and depth == 0:
            flush()
            child.block, child.level = True, opening.level
            blocks.append(child)
        else:
            if child.type == "embed":  # inside emphasis: lifting it would break the pair
                child.type = "text"
            run.append(child)
    flush()
    return blocks


def _lift_embeds(state: StateCore) -> None:
    """Embeds become blocks; where a block cannot go (a heading, a table cell) they stay text."""
    tokens = state.tokens
    lifted: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        children = token.children or () if token.type == "inline" else ()
        if any(child.type == "embed" for child in children):
            if tokens[index - 1].type == "paragraph_open":
                lifted.pop()
                lifted.extend(_split_paragraph(tokens[index - 1], token, tokens[index + 1]))
                index += 2
                continue
            for child in children:
                if child.type == "embed":
                    child.type = "text"
        lifted.append(token)
        index += 1
    state.tokens = lifted


def _render_embed(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A placeholder naming the object and holding the caption: ``resolve_embeds`` replaces it
    with what this reader may see of the object, or with nothing."""
    ref: EmbedRef = tokens[idx].meta["ref"]
    return (
        f'<{EMBED_TAG} {SCHEME_ATTRIBUTE}="{html_lib.escape(ref.scheme)}" '
        f'{EMBED_ATTRIBUTE}="{html_lib.escape(ref.target)}">{html_lib.escape(ref.caption)}'
        f"</{EMBED_TAG}>\n"
    )


_parser = new_parser()
_parser.inline.ruler.before("link", "wikilink", _wikilink_rule)
_parser.inline.ruler.before("image", "embed", _embed_rule)
_parser.core.ruler.push("lift_embeds", _lift_embeds)
_parser.add_render_rule("wikilink", _render_wikilink)
_parser.add_render_rule("embed", _render_embed)


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
def render(body: str) -> Rendered:
    """Body Markdown → sanitised HTML with link placeholders, table of contents and links.

    ``links`` lists every target written as ``[[…]]`` outside code (whitespace normalised,
    deduplicated, in order).
    """
    tokens = _parser.parse(body or "")
    links: dict[LinkRef, None] = {}
    anchors = _Anchors()
    toc: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "wikilink":
                    links.setdefault(child.meta["ref"])
        elif token.type == "heading_open":
            inline = tokens[index + 1]
            text = _plain_text(inline.children)
            anchor = anchors.unique(text)
            token.attrSet("id", anchor)
            toc.append(Heading(level=int(token.tag[1]), text=text, anchor=anchor))
    html = _parser.renderer.render(tokens, _parser.options, {})
    return Rendered(html=clean(html), toc=toc, links=list(links))


def clean(html: str) -> str:
    """The site allowlist plus heading ids, link and embed placeholders, the wiki link classes."""
    return sanitize(
        html,
        extra_tags={"span", EMBED_TAG},
        extra_attributes={
            **{tag: {"id"} for tag in HEADING_TAGS},
            "a": {SPACE_ATTRIBUTE, NAME_ATTRIBUTE},
            EMBED_TAG: {SCHEME_ATTRIBUTE, EMBED_ATTRIBUTE},
        },
        allowed_classes={"a": {LINK_CLASS, MISSING_CLASS}, "span": {"visually-hidden"}},
    )


# ---------------------------------------------------------------------------- reading
# A placeholder as the sanitiser writes it back: its attributes, then its (escaped) label.
_PLACEHOLDER = re.compile(r"<a ([^>]*\b" + NAME_ATTRIBUTE + r'="[^"]*"[^>]*)>([^<]*)</a>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')

# Wiki links lead to this site's own pages only ("/s/…"), never elsewhere.
_SITE_PATH = re.compile(r"/(?![/\\])")

Resolve = Callable[[list[LinkRef]], Mapping[LinkRef, LinkTarget | None]]


def placeholders(html: str) -> list[LinkRef]:
    """The link targets of stored HTML, in order, deduplicated."""
    found: dict[LinkRef, None] = {}
    for match in _PLACEHOLDER.finditer(html):
        found.setdefault(_ref(match.group(1)))
    return list(found)


def _ref(attributes: str) -> LinkRef:
    values = {key: html_lib.unescape(value) for key, value in _ATTRIBUTE.findall(attributes)}
    return LinkRef(space=values.get(SPACE_ATTRIBUTE, ""), name=values.get(NAME_ATTRIBUTE, ""))


def resolve_links(html: str, resolve: Resolve) -> str:
    """Stored HTML → what one reader sees: each placeholder becomes a link to the page, a
    "to create" link (hint in the active language), or its label as plain text when ``resolve``
    says None (a space the reader may not see: nothing about the target is shown).

    ``resolve`` is called once, with every target, and only if the HTML has links.
    """
    refs = placeholders(html)
    if not refs:
        return html
    targets = resolve(refs)
    hint = html_lib.escape(gettext("(page to create)"))

    def replace(match: re.Match[str]) -> str:
        label = match.group(2)  # already escaped by the renderer, checked by the sanitiser
        target = targets.get(_ref(match.group(1)))
        if target is None or not _SITE_PATH.match(target.url):
            return label
        url = html_lib.escape(target.url)
        if target.exists:
            return f'<a href="{url}" class="{LINK_CLASS}">{label}</a>'
        return (
            f'<a href="{url}" class="{LINK_CLASS} {MISSING_CLASS}">{label}'
            f'<span class="visually-hidden"> {hint}</span></a>'
        )

    return _PLACEHOLDER.sub(replace, html)


# An embed placeholder as the sanitiser writes it back: its attributes, then its caption.
_EMBED_PLACEHOLDER = re.compile(
    rf'<{EMBED_TAG} ([^>]*\b{EMBED_ATTRIBUTE}="[^"]*"[^>]*)>([^<]*)</{EMBED_TAG}>\n?'
)

ResolveEmbeds = Callable[[str, list[EmbedRef]], Mapping[EmbedRef, str]]


def _embed_ref(match: re.Match[str]) -> EmbedRef:
    values = {key: html_lib.unescape(value) for key, value in _ATTRIBUTE.findall(match.group(1))}
    return EmbedRef(
        scheme=values.get(SCHEME_ATTRIBUTE, ""),
        target=values.get(EMBED_ATTRIBUTE, ""),
        caption=html_lib.unescape(match.group(2)),
    )


def resolve_embeds(html: str, resolve: ResolveEmbeds) -> str:
    """Stored HTML → what one reader sees: each embed placeholder becomes the HTML its tool
    gives for this reader, or nothing at all (an object missing, or one this reader may not
    see: the page tells nothing about it, not even the caption, so both look the same).

    ``resolve(scheme, refs)`` is called once per scheme, with every embed of that scheme, and
    returns HTML its tool built and escaped.
    """
    refs: dict[EmbedRef, None] = {}
    for match in _EMBED_PLACEHOLDER.finditer(html):
        refs.setdefault(_embed_ref(match))
    if not refs:
        return html
    by_scheme: dict[str, list[EmbedRef]] = {}
    for ref in refs:
        by_scheme.setdefault(ref.scheme, []).append(ref)
    shown: dict[EmbedRef, str] = {}
    for scheme, group in by_scheme.items():
        shown.update(resolve(scheme, group))
    return _EMBED_PLACEHOLDER.sub(lambda match: shown.get(_embed_ref(match), ""), html)
