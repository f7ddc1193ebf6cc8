"""SEC-T23 (quality.md): the stored-XSS corpus and a checker for sanitised HTML.

Shared by the unit tests (test_markup.py) and the browser check (tests/e2e/test_wiki_xss_corpus.py).
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

# The payloads of SEC-T23, then variants of the same attacks (Markdown and HTML forms).
SEC_T23 = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "svg-onload": "<svg onload=alert(1)>",
    "md-javascript": "[a](javascript:alert(1))",
    "md-javascript-mixed-case": "[a](JaVaScRiPt:alert(1))",
    "md-javascript-entity": "[a](jav&#x61;script:alert(1))",
    "md-data-base64": "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "a-vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "form-action": '<form action="//evil.example"><button>go</button></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="//evil.example/">',
    "style-url": '<p style="background:url(javascript:alert(1))">x</p>',
    "mutation-xss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "autolink-javascript": "<javascript:alert(1)>",
}
VARIANTS = {
    "md-vbscript": "[a](vbscript:msgbox(1))",
    "md-javascript-angle": "[a](<javascript:alert(1)>)",
    "md-javascript-decimal-entity": "[a](&#106;avascript:alert(1))",
    "md-javascript-colon-entity": "[a](javascript&colon;alert(1))",
    "md-javascript-tab": "[a](java\tscript:alert(1))",
    "md-javascript-percent": "[a](javascript%3Aalert(1))",
    "md-javascript-reference": "[a][r]\n\n[r]: javascript:alert(1)",
    "md-javascript-title": '[a](https://example.org "x\\" onmouseover=\\"alert(1))',
    "md-image-javascript": "![a](javascript:alert(1))",
    "md-image-onerror": '![a" onerror="alert(1)](x)',
    "md-data-html": "[a](data:text/html,<script>alert(1)</script>)",
    "autolink-uppercase": "<JAVASCRIPT:alert(1)>",
    "autolink-data": "<data:text/html,alert(1)>",
    "autolink-vbscript": "<vbscript:msgbox(1)>",
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "object-data": '<object data="javascript:alert(1)"></object>',
    "embed-src": '<embed src="javascript:alert(1)">',
    "svg-animate": "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "comment-mxss": "<!--<img src=x onerror=alert(1)>-->",
    "heading-payload": "# <img src=x onerror=alert(1)> title",
    "table-payload": (
        "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |"
    ),
    "wikilink-script-name": "[[<script>alert(1)</script>]]",
    "wikilink-img-label": "[[Page|<img src=x onerror=alert(1)>]]",
    "wikilink-javascript-name": "[[javascript:alert(1)]]",
    "wikilink-quote-label": '[[Page|" onmouseover="alert(1)]]',
    "link-inside-code": "`<script>alert(1)</script>` and\n\n    <img src=x onerror=alert(1)>",
}
CORPUS = {**SEC_T23, **VARIANTS}

FORBIDDEN_TAGS = {
    "script", "iframe", "base", "meta", "form", "object", "embed", "style",
    "svg", "math", "img", "input", "details", "noscript", "link", "frame",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_CONTROL = re.compile(r"[\x00-\x20]+")


def bad_url(value: str) -> bool:
    """True for a javascript:/vbscript:/data: URL, however it is spelt."""
    plain = _CONTROL.sub("", html_lib.unescape(value)).lower()
    return plain.startswith(BAD_SCHEMES)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None and bad_url(value):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def problems(html: str) -> list[str]:
    """What would make this sanitised HTML dangerous (empty list: inert)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems
