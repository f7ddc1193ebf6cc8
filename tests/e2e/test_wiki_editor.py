"""Issue 5, points 1 and 6: the wiki editor's toolbar and preview work by keyboard alone, and
the text autosaves as a draft (static/js/wiki-editor.js). Every page seen goes through axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coopilote.accounts.tests.helpers import in_french
from tests.e2e.conftest import Auditor, log_in
from tests.e2e.helpers import label, tab_to

pytestmark = pytest.mark.e2e

WRITER = "wanda.redactrice@example.org"


@pytest.fixture
def wiki_page(make_user):
    """A space with the wiki enabled and one page, all through the real actions."""
    from coopilote.spaces import actions as space_actions
    from coopilote.spaces.access import access_for
    from coopilote.tools.wiki import actions
    from coopilote.tools.wiki.tests.helpers import wiki_access_for

    writer = make_user(WRITER, display_name="Wanda Rédactrice")
    space = space_actions.space_create(
        actor=writer, name="Collectif Vélo", kind="network", field="environment"
    )
    space_actions.space_tool_enable(access=access_for(space, writer), tool_key="wiki")
    page = actions.page_create(
        access=wiki_access_for(space, writer),
        title="Compte rendu",
        body="# Compte rendu\n\nPremier point.\n",
    )
    return space, page, writer


def open_editor(new_context, audit: Auditor, password: str, space, page) -> Page:
    browser = new_context()
    log_in(browser, audit, WRITER, password)
    browser.goto(f"/s/{space.slug}/wiki/{page.slug}/modifier/")
    audit.check(browser, "wiki editor", mobile_axe=True)
    return browser


def test_the_toolbar_and_the_preview_work_by_keyboard(
    new_context, audit: Auditor, password, wiki_page
):
    space, page, _writer = wiki_page
    browser = open_editor(new_context, audit, password, space, page)
    toolbar = browser.get_by_role("toolbar", name=in_french("Formatting"))
    expect(toolbar.get_by_role("button")).to_have_count(9)
    body = browser.get_by_label(label("Text"))

    # Keyboard only: into the text, select its last word, back into the toolbar, arrow to Bold.
    tab_to(browser, body)
    browser.keyboard.press("Control+End")
    browser.keyboard.type("Le budget est voté")
    for _ in range(4):
        browser.keyboard.press("Shift+ArrowLeft")
    heading = toolbar.get_by_role("button", name=in_french("Heading"))
    tab_to(browser, heading, backwards=True)
    # One tab stop only: the other buttons are reached with the arrows.
    assert toolbar.locator("button[tabindex='0']").count() == 1
    browser.keyboard.press("ArrowRight")
    bold = toolbar.get_by_role("button", name=in_french("Bold"))
    expect(bold).to_be_focused()
    browser.keyboard.press("Enter")
    expect(body).to_have_value(re.compile(r"Le budget est \*\*voté\*\*$"))
    expect(body).to_be_focused()
    # Arrows wrap around; Home and End go to the ends.
    tab_to(browser, bold, backwards=True)
    browser.keyboard.press("End")
    expect(toolbar.get_by_role("button", name=in_french("Quote"))).to_be_focused()
    browser.keyboard.press("ArrowRight")
    expect(heading).to_be_focused()

    # Ctrl+I in the text makes the selection italic.
    body.focus()
    browser.keyboard.press("End")
    browser.keyboard.press("Enter")
    browser.keyboard.type("vite")
    for _ in range(4):
        browser.keyboard.press("Shift+ArrowLeft")
    browser.keyboard.press("Control+i")
    expect(body).to_have_value(re.compile(r"\n\*vite\*$"))
    audit.check(browser, "wiki editor, text formatted")

    # Preview: rendered by the server, in a live region; Edit goes back to the text.
    toggle = browser.get_by_role("button", name=in_french("Preview"), exact=True)
    tab_to(browser, toggle, backwards=True)
    browser.keyboard.press("Enter")
    preview = browser.locator("#wiki-preview")
    expect(preview).to_have_attribute("aria-live", "polite")
    expect(preview.locator("strong")).to_have_text("voté")
    expect(preview.locator("em")).to_have_text("vite")
    expect(preview.get_by_role("heading", name="Compte rendu")).to_be_visible()
    expect(body).to_be_hidden()
    expect(toolbar).to_be_hidden()
    back = browser.get_by_role("button", name=in_french("Edit"), exact=True)
    expect(back).to_be_focused()
    audit.check(browser, "wiki editor, preview", mobile_axe=True)
    browser.keyboard.press("Enter")
    expect(body).to_be_visible()
    expect(body).to_be_focused()
    expect(preview).to_be_empty()
    expect(body).to_have_value(re.compile(r"\*\*voté\*\*\n\*vite\*$"))


def test_the_text_autosaves_as_a_draft_and_is_offered_back(
    new_context, audit: Auditor, password, wiki_page
):
    from coopilote.tools.wiki.models import Draft

    space, page, writer = wiki_page
    browser = open_editor(new_context, audit, password, space, page)
    body = browser.get_by_label(label("Text"))
    body.focus()
    browser.keyboard.press("Control+End")
    browser.keyboard.type("Deuxième point : le local.")
    assert not Draft.objects.exists()
    status = browser.get_by_role("status").filter(has_text=re.compile(r"\d\d:\d\d"))
    expect(status).to_contain_text(
        in_french("Draft saved at %(time)s", time="").strip(), timeout=15_000
    )
    draft = Draft.objects.get(user=writer, page=page)
    assert draft.body.endswith("Deuxième point : le local.\n")
    assert draft.base_number == 1
    audit.check(browser, "wiki editor, draft saved")

    # Leaving without saving, then coming back: the draft is offered back.
    browser.goto(f"/s/{space.slug}/wiki/{page.slug}/")
    audit.check(browser, "wiki page after leaving the editor")
    browser.goto(f"/s/{space.slug}/wiki/{page.slug}/modifier/")
    browser.get_by_role("link", name=in_french("Restore it")).click()
    expect(body).to_have_value(re.compile("Deuxième point : le local."))
    audit.check(browser, "wiki editor, draft restored")


def test_the_editor_works_without_javascript(new_context, audit: Auditor, password, wiki_page):
    from coopilote.tools.wiki.models import Revision

    space, page, _writer = wiki_page
    browser = new_context(java_script_enabled=False)
    log_in(browser, audit, WRITER, password)
    browser.goto(f"/s/{space.slug}/wiki/{page.slug}/modifier/")
    audit.check(browser, "wiki editor without javascript")
    expect(browser.get_by_role("toolbar")).to_have_count(0)
    browser.get_by_label(label("Text")).fill("# Compte rendu\n\nSans script.\n")
    browser.get_by_role("button", name=in_french("Save the page")).click()
    expect(browser).to_have_url(re.compile(rf"/wiki/{page.slug}/$"))
    audit.check(browser, "wiki page saved without javascript")
    assert Revision.objects.filter(page=page).count() == 2
