"""SEC-T23 browser check: the wiki's rendering of the stored-XSS corpus runs nothing in Chromium.

Every payload of the corpus (Markdown and raw HTML forms) goes through the wiki renderer and the
allowlist alone; the results are laid out in one page with ``page.set_content``, with no
Content Security Policy (so the sanitiser is tested on its own, not rescued by the CSP). A
``dialog`` listener counts alerts; handlers that need an event (focus, hover, toggle…) are
provoked by dispatching those events on every element; the browser's own URL parser reads every
link. A control page with one unsanitised payload proves the listener sees a dialog.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page

from coopilote.tools.wiki.markup import LinkRef, LinkTarget, clean, render, resolve_links
from coopilote.tools.wiki.tests.xss_corpus import CORPUS

pytestmark = pytest.mark.e2e

PROVOKE = """() => {
    const events = ["mouseover", "mouseenter", "focus", "focusin", "toggle", "animationstart",
                    "load", "error", "pointerover", "begin"];
    for (const element of document.querySelectorAll("body *")) {
        for (const type of events) element.dispatchEvent(new Event(type));
        if (typeof element.focus === "function") element.focus();
    }
}"""

INSPECT = """() => ({
    dangerous: [...document.querySelectorAll(
        "script, iframe, base, meta, form, object, embed, style, svg, math, img, input, frame"
    )].map((el) => el.outerHTML.slice(0, 120)),
    handlers: [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes]
        .filter((a) => a.name.startsWith("on"))
        .map((a) => el.tagName + " " + a.name)),
    schemes: [...document.querySelectorAll("a[href]")].map(
        (a) => new URL(a.getAttribute("href"), "https://wiki.test/page/").protocol),
})"""


def resolve(refs: list[LinkRef]) -> dict[LinkRef, LinkTarget | None]:
    """Every link resolves, as for a reader who may see everything: the most markup."""
    return {
        ref: LinkTarget("/wiki/page/", exists=True)
        if ref.name == "Page"
        else LinkTarget(f"/wiki/new/?title={ref.name}", exists=False)
        for ref in refs
    }


def corpus_page() -> str:
    sections = []
    for key, payload in CORPUS.items():
        sections.append(
            f"<section><h1>{html_lib.escape(key)}</h1>"
            f"<div>{resolve_links(render(payload).html, resolve)}</div>"
            f"<div>{clean(payload)}</div></section>"
        )
    return "<!doctype html><html lang=en><title>corpus</title><body>" + "".join(sections)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def dialogs_in(page: Page, content: str) -> list[str]:
    seen: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_content(content, wait_until="load")
    page.evaluate(PROVOKE)
    page.wait_for_timeout(300)
    return seen


def test_listener_sees_an_unsanitised_payload(page: Page) -> None:
    """Control: the same harness catches payloads that were not sanitised, hover ones too."""
    raw = '<body><img src=x onerror=alert(1)><a href="javascript:x" onmouseover=alert(2)>x</a>'
    assert {"1", "2"} <= set(dialogs_in(page, raw))
    found = page.evaluate(INSPECT)
    assert found["dangerous"] and found["handlers"]
    assert "javascript:" in found["schemes"]


def test_wiki_rendering_of_the_xss_corpus_opens_no_dialog(page: Page) -> None:
    assert dialogs_in(page, corpus_page()) == []
    found = page.evaluate(INSPECT)
    assert found["dangerous"] == []
    assert found["handlers"] == []
    assert set(found["schemes"]) <= {"https:", "http:", "mailto:"}
    assert page.locator("h1").count() == len(CORPUS)  # every payload was laid out
