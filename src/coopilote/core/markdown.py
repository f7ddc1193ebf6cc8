"""User Markdown to safe HTML: rendered once on save, sanitised by an allowlist.

``render_markdown`` is the plain flavour (space descriptions, comments…). Tools that need more
(the wiki: ``[[links]]``, heading anchors) build on ``new_parser`` and ``sanitize`` so the
allowlist and the URL schemes stay defined in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "hr",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"


def _shift_headings(state: StateCore) -> None:
    # Headings start at h2: the page's own title is the only h1 (h5 and h6 both become h6).
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _align_cells(state: StateCore) -> None:
    # markdown-it writes column alignment as style="text-align:…", which the allowlist (and the
    # strict CSP) would drop: say it with the allowlisted align attribute instead.
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("align", style.removeprefix("text-align:"))


def new_parser() -> MarkdownIt:
    """CommonMark + tables, raw HTML shown as text, headings shifted one level down."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    parser.core.ruler.push("shift_headings", _shift_headings)
    parser.core.ruler.push("align_cells", _align_cells)
    return parser


def sanitize(
    html: str,
    *,
    extra_tags: Set[str] = frozenset(),
    extra_attributes: Mapping[str, Set[str]] | None = None,
    allowed_classes: Mapping[str, Set[str]] | None = None,
) -> str:
    """The allowlist wall, optionally widened by a caller (never for URLs or scripts)."""
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    for tag, names in (extra_attributes or {}).items():
        attributes.setdefault(tag, set()).update(names)
    classes = {tag: set(values) for tag, values in (allowed_classes or {}).items()}
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | set(extra_tags),
        attributes=attributes,
        allowed_classes=classes or None,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


# Raw HTML in the source is shown as text; the allowlist is a second, independent wall.
_parser = new_parser()


def render_markdown(text: str) -> str:
    return sanitize(_parser.render(text or ""))
