"""Browser harness: Chromium driven by Playwright against pytest-django's live server.

Every page a test looks at goes through ``audit.check(page, name)``:

* axe-core runs the WCAG 2.0/2.1 A and AA rules at 1280×800; any "serious" or "critical"
  violation fails the test (all violations are printed, with their nodes);
* the page is laid out again at 320×640 and must not scroll horizontally (key pages also get
  axe at that width with ``mobile_axe=True``);
* full-page screenshots at both widths go to ``reports/screenshots/``;
* a page of a context opened with ``new_context(java_script_enabled=False)`` is audited through
  a copy of its HTML laid out in a context that runs scripts (axe cannot run without them).

The harness also watches each page: a page that loads without being checked, a response with a
5xx status, or a Content Security Policy violation reported by Chromium fails the test at
teardown. Problems are collected rather than raised at once, so one run lists every page's faults.

The site's strict CSP stays on: in Chromium, axe-core injected with Playwright's
``add_script_tag`` runs despite the nonce-based policy, so the contexts do not use ``bypass_csp``
(which would hide the very CSP violations this harness reports).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 320, "height": 640}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000

AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
            target: n.target, html: n.html, failureSummary: n.failureSummary,
        })),
    }));
}"""

TOO_WIDE = """(limit) => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > limit + 1)
    .slice(0, 8)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))"""


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        impact, rule = violation["impact"], violation["id"]
        lines.append(f"[{impact}] {rule}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def settle(page: Page) -> None:
    """Wait for two frames: a screenshot taken right after a resize can show stale paint
    (buttons missing, the focus ring where the field was before)."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


@dataclass
class Auditor:
    """Checks pages and collects what is wrong; ``finish`` fails the test if anything is."""

    test_name: str
    problems: list[str] = field(default_factory=list)
    unchecked: dict[int, list[str]] = field(default_factory=dict)
    csp_errors: list[str] = field(default_factory=list)
    counter: int = 0
    # Pages of contexts without JavaScript: axe cannot run in them (see ``mirror``).
    scriptless: set[int] = field(default_factory=set)

    def watch(self, page: Page, *, scripts: bool = True) -> None:
        pending = self.unchecked.setdefault(id(page), [])
        if not scripts:
            self.scriptless.add(id(page))
        page.on("load", lambda loaded: pending.append(loaded.url))

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                self.csp_errors.append(f"{page.url}: {message.text}")

        def on_response(response) -> None:
            if response.status >= 500:
                self.problems.append(f"server error {response.status} on {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)

    def axe(self, page: Page, label: str) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_PATH))
        violations = page.evaluate(AXE_RUN, AXE_TAGS)
        if violations:
            print(f"\naxe on {label} ({page.url}):\n{format_violations(violations)}")
        return violations

    def screenshot_path(self, name: str) -> Path:
        return SCREENSHOTS / f"{slug(self.test_name)}-{self.counter:02d}-{slug(name)}.png"

    def mirror(self, page: Page) -> Page:
        """The page of a context without JavaScript, laid out again where axe can run.

        axe needs scripts (and timers), which such a context refuses even to Playwright. The
        mirror, in its own context, receives exactly this page's HTML for the same address;
        stylesheets and images load from the live server, scripts are refused so that the
        mirror shows what a browser without JavaScript shows. No CSP header comes with the
        copied HTML, which is what lets axe in.
        """
        html, url = page.content(), page.url
        browser = page.context.browser
        assert browser is not None
        context = browser.new_context(viewport=DESKTOP)
        copy = context.new_page()
        served: list[str] = []

        def serve(route) -> None:
            request = route.request
            if request.is_navigation_request() and not served:
                served.append(request.url)
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.is_navigation_request() or request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        copy.route("**/*", serve)
        copy.goto(url)
        assert served, f"the copy of {url} was not served"
        return copy

    def check(self, page: Page, name: str, *, mobile_axe: bool = False) -> None:
        """Audit the page as it is now: at 1280 px, then at 320 px, then back to 1280 px."""
        page.wait_for_load_state("load")
        if id(page) in self.scriptless:
            copy = self.mirror(page)
            try:
                self._check(copy, name, mobile_axe=mobile_axe)
            finally:
                copy.context.close()
        else:
            self._check(page, name, mobile_axe=mobile_axe)
        self.unchecked.get(id(page), []).clear()

    def _check(self, page: Page, name: str, *, mobile_axe: bool) -> None:
        self.counter += 1
        page.set_viewport_size(DESKTOP)
        settle(page)
        violations = self.axe(page, f"{name} @1280")
        page.screenshot(path=self.screenshot_path(f"{name}-1280"), full_page=True)

        page.set_viewport_size(MOBILE)
        settle(page)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        page.screenshot(path=self.screenshot_path(f"{name}-320"), full_page=True)
        if scroll_width > MOBILE["width"]:
            wide = page.evaluate(TOO_WIDE, MOBILE["width"])
            self.problems.append(
                f"{name}: scrolls horizontally at 320 px (scrollWidth {scroll_width}); "
                f"too wide: {', '.join(wide)}"
            )
        if mobile_axe:
            violations += self.axe(page, f"{name} @320")
        page.set_viewport_size(DESKTOP)

        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            self.problems.append(f"{name} ({page.url}): axe found\n{format_violations(blocking)}")

    def finish(self) -> None:
        problems = list(self.problems)
        left = sorted({url for urls in self.unchecked.values() for url in urls})
        if left:
            problems.append(f"pages loaded but never checked: {', '.join(left)}")
        if self.csp_errors:
            problems.append("Content Security Policy violations:\n" + "\n".join(self.csp_errors))
        assert not problems, "\n\n".join(problems)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module, with Django's async-safety check relaxed meanwhile.

    Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls
    from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only
    while a browser is open (not at import): the variable leaks into subprocesses, and
    ``manage.py check --deploy`` rightly fails on it in the rest of the suite.
    """
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run `npm ci`.")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def audit(request) -> Iterator[Auditor]:
    auditor = Auditor(test_name=request.node.name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{slug(auditor.test_name)}-*.png"):
        old.unlink()
    yield auditor
    auditor.finish()


@pytest.fixture
def new_context(
    browser: Browser, audit: Auditor, live_server, settings
) -> Iterator[Callable[..., Page]]:
    """Open a browser context (French by default) whose page is watched by the auditor."""
    # Links in mail are built from SITE_URL: point them at the live server.
    settings.SITE_URL = live_server.url
    # Django's test set-up swaps mail for locmem; the journeys need the real outbox and worker.
    settings.EMAIL_BACKEND = "coopilote.mail.backends.OutboxBackend"
    # The cache lives in a database table that test flushes leave alone: start without the
    # login rate-limit counters that earlier tests ran up for 127.0.0.1.
    cache.clear()
    contexts: list[BrowserContext] = []

    def make(locale: str = "fr-FR", **options) -> Page:
        """``options`` go to Playwright's ``new_context`` (``java_script_enabled=False``...)."""
        context = browser.new_context(
            locale=locale, viewport=DESKTOP, base_url=live_server.url, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        audit.watch(page, scripts=options.get("java_script_enabled", True))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context()


def run_worker() -> None:
    """Run what is queued (mail delivery included), then return."""
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload")


def log_in(page: Page, audit: Auditor, email: str, password: str) -> None:
    """Log in through the form, from the login page if the browser is not already on it."""
    if "/accounts/login/" not in page.url:
        page.goto("/accounts/login/")
        audit.check(page, "login", mobile_axe=True)
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
