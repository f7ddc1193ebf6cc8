"""Issue 5, point 6 and its journeys: two members edit the same page at the same time in two
browser contexts. Edits of different paragraphs merge; edits of the same line lead to the
conflict page, where nothing typed is lost; an old revision is restored. Every page seen goes
through axe (the ``audit`` fixture), the key ones at 320 px too."""

from __future__ import annotations

import re

import pytest
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from coopilote.accounts.tests.helpers import in_french
from tests.e2e.conftest import Auditor, log_in
from tests.e2e.helpers import label, success_message

pytestmark = pytest.mark.e2e

FACILITATOR = "olga.animatrice@example.org"
ANA = "ana.dupuis@example.org"
BASILE = "basile.roux@example.org"

MINUTES = (
    "# Compte rendu du 12 mars\n"
    "\n"
    "Présents : Ana, Basile, Olga.\n"
    "\n"
    "Le budget 2026 est présenté par le trésorier.\n"
    "\n"
    "Prochaine réunion : mardi 14 h à la maison des associations.\n"
)


@pytest.fixture
def minutes(make_user):
    """A members-only space with the wiki, two members who joined on request, and the minutes
    of a meeting written by the facilitator: all through the real actions."""
    from coopilote.spaces import actions as space_actions
    from coopilote.spaces.access import access_for
    from coopilote.tools.wiki import actions
    from coopilote.tools.wiki.tests.helpers import wiki_access_for

    facilitator = make_user(FACILITATOR, display_name="Olga Animatrice")
    space = space_actions.space_create(
        actor=facilitator,
        name="Réseau Jardins Partagés",
        kind="network",
        field="environment",
        visibility="members",
    )
    space_actions.space_tool_enable(access=access_for(space, facilitator), tool_key="wiki")
    for email, name in ((ANA, "Ana Dupuis"), (BASILE, "Basile Roux")):
        person = make_user(email, display_name=name)
        request = space_actions.join_request_create(access=access_for(space, person))
        space_actions.join_request_decide(
            access=access_for(space, facilitator),
            join_request_id=request.pk,
            accept=True,
            role="member",
        )
    page = actions.page_create(
        access=wiki_access_for(space, facilitator), title="Réunion du 12 mars", body=MINUTES
    )
    return space, page


def open_editor(new_context, audit: Auditor, password: str, email: str, url: str) -> Page:
    browser = new_context()
    log_in(browser, audit, email, password)
    browser.goto(url)
    audit.check(browser, f"wiki editor of {email.split('.')[0]}")
    return browser


def save(browser: Page, button: str = "Save the page") -> int:
    """Press the save button and return the status the server answered the POST with."""
    with browser.expect_response(
        lambda response: response.request.method == "POST" and "/modifier/" in response.url
    ) as answer:
        browser.get_by_role("button", name=in_french(button)).click()
    browser.wait_for_load_state("load")
    return answer.value.status


def history_rows(browser: Page):
    return browser.locator("table.wiki-history tbody tr")


def kinds(page) -> list[str]:
    from coopilote.tools.wiki.models import Revision

    return list(
        Revision.objects.filter(page=page).order_by("number").values_list("kind", flat=True)
    )


def test_simultaneous_edits_of_different_paragraphs_are_merged(
    new_context, audit: Auditor, password, minutes
):
    from coopilote.tools.wiki.models import Revision

    space, page = minutes
    editor_url = f"/s/{space.slug}/wiki/{page.slug}/modifier/"
    ana = open_editor(new_context, audit, password, ANA, editor_url)
    basile = open_editor(new_context, audit, password, BASILE, editor_url)

    # Ana changes the first paragraph and saves first.
    ana.get_by_label(label("Text")).fill(
        MINUTES.replace("Présents : Ana, Basile, Olga.", "Présents : Ana, Basile, Olga, Karim.")
    )
    ana.get_by_label(label("What did you change?")).fill("Karim était là")
    assert save(ana) == 302
    expect(ana).to_have_url(re.compile(rf"/wiki/{page.slug}/$"))
    expect(success_message(ana)).to_contain_text(in_french("The page is saved."))
    audit.check(ana, "page saved by ana")

    # Basile's form still carries revision 1: his change of the last paragraph is merged.
    basile.get_by_label(label("Text")).fill(MINUTES.replace("mardi 14 h", "jeudi 18 h"))
    assert save(basile) == 302
    expect(basile).to_have_url(re.compile(rf"/wiki/{page.slug}/$"))
    expect(success_message(basile)).to_contain_text(
        in_french(
            "Saved. Someone else saved this page while you were writing: both changes are kept."
        )
    )
    body = basile.locator(".wiki-body")
    expect(body).to_contain_text("Présents : Ana, Basile, Olga, Karim.")
    expect(body).to_contain_text("Prochaine réunion : jeudi 18 h")
    expect(body).not_to_contain_text("mardi 14 h")
    audit.check(basile, "page merged by basile", mobile_axe=True)

    merged = Revision.objects.get(page=page, number=3, author__email=BASILE)
    assert kinds(page) == ["created", "edited", "merged"]
    assert merged.source_number == 2
    assert merged.body == MINUTES.replace(
        "Présents : Ana, Basile, Olga.", "Présents : Ana, Basile, Olga, Karim."
    ).replace("mardi 14 h", "jeudi 18 h")

    # The history says which revision is the merge, newest first.
    basile.get_by_role("navigation", name=in_french("Page"), exact=True).get_by_role(
        "link", name=in_french("History"), exact=True
    ).click()
    rows = history_rows(basile)
    expect(rows).to_have_count(3)
    expect(rows.first.locator("th")).to_have_text(
        re.compile(rf"^3\s+{re.escape(capfirst(in_french('merged with a simultaneous edit')))}$")
    )
    expect(rows.first).to_contain_text("Basile Roux")
    expect(rows.nth(1)).to_contain_text("Karim était là")
    audit.check(basile, "history with the merge", mobile_axe=True)


def test_the_same_line_edited_twice_shows_the_conflict_page_and_loses_nothing(
    new_context, audit: Auditor, password, minutes
):
    from coopilote.tools.wiki.models import Draft, Revision

    space, page = minutes
    editor_url = f"/s/{space.slug}/wiki/{page.slug}/modifier/"
    ana = open_editor(new_context, audit, password, ANA, editor_url)
    basile = open_editor(new_context, audit, password, BASILE, editor_url)

    ana_text = MINUTES.replace("mardi 14 h", "jeudi 10 h")
    ana.get_by_label(label("Text")).fill(ana_text)
    assert save(ana) == 302
    audit.check(ana, "page saved by ana")

    basile_text = MINUTES.replace("mardi 14 h à la maison", "vendredi 9 h au local")
    basile.get_by_label(label("Text")).fill(basile_text)
    assert save(basile) == 409
    assert Revision.objects.filter(page=page).count() == 2

    # The conflict page: its title and heading say what happened, the explanation is an alert.
    title = in_french("Edit conflict")
    expect(basile).to_have_title(re.compile(rf"^{re.escape(title)} · "))
    expect(basile.get_by_role("heading", level=1)).to_have_text(
        in_french("Edit conflict on “%(title)s”", title=page.title)
    )
    expect(basile.get_by_role("alert")).to_contain_text("Ana Dupuis")
    # Basile's text is still editable, beside the current text and the differences.
    mine = basile.get_by_label(label("Text"))
    expect(mine).to_have_value(basile_text)
    expect(mine).to_be_editable()
    current = basile.get_by_label(in_french("Current text, read only"))
    expect(current).to_have_value(ana_text)
    expect(current).not_to_be_editable()
    expect(basile.locator(".wiki-diff del")).to_contain_text(
        "Prochaine réunion : jeudi 10 h à la maison des associations."
    )
    expect(basile.locator(".wiki-diff ins")).to_contain_text(
        "Prochaine réunion : vendredi 9 h au local des associations."
    )
    # ... and kept as his draft on the server, from the revision he started from.
    draft = Draft.objects.get(page=page, user__email=BASILE)
    assert (draft.body, draft.base_number) == (basile_text, 1)
    audit.check(basile, "conflict page", mobile_axe=True)

    # Basile brings the two together and saves from the conflict page.
    combined = MINUTES.replace(
        "mardi 14 h à la maison des associations.",
        "jeudi 10 h à la maison des associations (ou vendredi 9 h au local).",
    )
    mine.fill(combined)
    assert save(basile, "Save my version on top of the current one") == 302
    expect(basile).to_have_url(re.compile(rf"/wiki/{page.slug}/$"))
    expect(success_message(basile)).to_contain_text(in_french("The page is saved."))
    expect(basile.locator(".wiki-body")).to_contain_text(
        "Prochaine réunion : jeudi 10 h à la maison des associations (ou vendredi 9 h au local)."
    )
    audit.check(basile, "page after the conflict")

    # No revision lost: Ana's is there, Basile's comes on top of it; his draft is gone.
    assert kinds(page) == ["created", "edited", "edited"]
    assert list(
        Revision.objects.filter(page=page).order_by("number").values_list("author__email", "body")
    ) == [(FACILITATOR, MINUTES), (ANA, ana_text), (BASILE, combined)]
    assert not Draft.objects.filter(page=page).exists()
    basile.goto(f"/s/{space.slug}/wiki/{page.slug}/historique/")
    expect(history_rows(basile)).to_have_count(3)
    audit.check(basile, "history after the conflict")


def test_a_member_restores_an_old_revision(new_context, audit: Auditor, password, minutes):
    from coopilote.tools.wiki import actions
    from coopilote.tools.wiki.models import Revision
    from coopilote.tools.wiki.tests.helpers import wiki_access_for

    space, page = minutes
    facilitator = page.created_by
    actions.page_save(
        access=wiki_access_for(space, facilitator),
        page=page,
        title=page.title,
        body="# Compte rendu du 12 mars\n\nTexte effacé par erreur.\n",
        comment="Nettoyage",
        base_number=1,
    )
    browser = new_context()
    log_in(browser, audit, ANA, password)
    browser.goto(f"/s/{space.slug}/wiki/{page.slug}/historique/")
    audit.check(browser, "history before restoring", mobile_axe=True)
    rows = history_rows(browser)
    expect(rows).to_have_count(2)

    # The old revision, read before restoring it.
    rows.nth(1).get_by_role("link", name="1", exact=True).click()
    expect(browser.get_by_role("heading", level=1)).to_have_text(
        in_french("%(title)s (revision %(number)s)", title=page.title, number=1)
    )
    expect(browser.locator(".wiki-body")).to_contain_text("Le budget 2026 est présenté")
    audit.check(browser, "old revision")
    browser.get_by_role("link", name=in_french("Restore this revision")).click()

    # Confirmation: nothing happens until the button is pressed.
    expect(browser.get_by_role("heading", level=1)).to_have_text(
        in_french("Restore revision %(number)s of “%(title)s”?", number=1, title=page.title)
    )
    assert Revision.objects.filter(page=page).count() == 2
    audit.check(browser, "restore confirmation", mobile_axe=True)
    browser.get_by_label(label("Why restore this revision?")).fill("Le texte avait été effacé")
    browser.get_by_role("button", name=in_french("Restore revision %(number)s", number=1)).click()

    expect(browser).to_have_url(re.compile(rf"/wiki/{page.slug}/$"))
    expect(success_message(browser)).to_contain_text(
        in_french("Revision %(number)d is restored as a new revision.", number=1)
    )
    body = browser.locator(".wiki-body")
    expect(body).to_contain_text("Le budget 2026 est présenté par le trésorier.")
    expect(body).not_to_contain_text("Texte effacé par erreur.")
    audit.check(browser, "page restored")

    restored = Revision.objects.get(page=page, number=3, author__email=ANA)
    assert kinds(page) == ["created", "edited", "restored"]
    assert (restored.body, restored.source_number) == (MINUTES, 1)

    browser.get_by_role("navigation", name=in_french("Page"), exact=True).get_by_role(
        "link", name=in_french("History"), exact=True
    ).click()
    rows = history_rows(browser)
    expect(rows).to_have_count(3)
    expect(rows.first.locator("th")).to_have_text(
        re.compile(rf"^3\s+{re.escape(capfirst(in_french('restored')))}$")
    )
    expect(rows.first).to_contain_text("Le texte avait été effacé")
    audit.check(browser, "history after restoring")
