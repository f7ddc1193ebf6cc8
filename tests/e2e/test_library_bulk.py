"""Issue 6, point 2: a member adds three files at once, sees each one's progress, then
describes them on the details page (static/js/library-upload.js, library/bulk*.html).

The files (a PNG, a PDF and a text file) are made in the test. The page sends them one at a
time; the move to the details page is held back until the test has seen every progress bar at
its end and the live region's last announcement. Every page seen goes through axe at 1280 and
320 px.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from coopilote.accounts.tests.helpers import in_french
from coopilote.tools.library.tests.helpers import pdf_document, picture
from tests.e2e.conftest import Auditor, log_in
from tests.e2e.helpers import label, success_message

pytestmark = pytest.mark.e2e

MEMBER = "mael.documentaliste@example.org"
FILES = [
    {"name": "carte_des_mares.png", "mimeType": "image/png", "buffer": picture(size=(120, 80))},
    {"name": "guide-de-gestion.pdf", "mimeType": "application/pdf", "buffer": pdf_document()},
    {
        "name": "releve 2024.txt",
        "mimeType": "text/plain",
        "buffer": "Mare 1 : en eau.\nMare 2 : à sec.\n".encode(),
    },
]

# Every state of the progress list and of the live region, kept across the page change.
RECORD = """() => {
    const list = document.querySelector(".bulk-upload__list");
    const status = document.querySelector(".bulk-upload__status");
    const announced = [];
    const save = () => {
        const said = status.textContent;
        if (said && announced[announced.length - 1] !== said) {
            announced.push(said);
        }
        sessionStorage.setItem("bulk-upload-seen", JSON.stringify({
            bars: [...list.querySelectorAll("progress")].map(
                (bar) => [bar.labels[0].textContent, bar.value, bar.max]),
            states: [...list.querySelectorAll(".bulk-upload__state")].map((p) => p.textContent),
            announced,
        }));
    };
    new MutationObserver(save).observe(document.querySelector("main"),
        {subtree: true, childList: true, attributes: true, characterData: true});
}"""


@pytest.fixture
def library(make_user):
    """A network with the library enabled, through the real actions."""
    from coopilote.spaces import actions as space_actions
    from coopilote.spaces.access import access_for

    member = make_user(MEMBER, display_name="Maël Documentaliste")
    space = space_actions.space_create(
        actor=member, name="Réseau des mares", kind="network", field="environment"
    )
    space_actions.space_tool_enable(access=access_for(space, member), tool_key="library")
    return space


def test_a_member_adds_three_files_with_progress_then_describes_them(
    new_context, audit: Auditor, password, library
):
    from coopilote.tools.library.models import Resource

    page = new_context()
    log_in(page, audit, MEMBER, password)
    page.goto(f"/s/{library.slug}/bibliotheque/")
    audit.check(page, "library")
    page.get_by_role("link", name=in_french("Add several files")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_french("Add several files"))
    audit.check(page, "add several files", mobile_axe=True)

    page.get_by_label(label("Tags")).fill("mares, inventaire")
    page.get_by_label(re.compile(r"^\s*CC BY-SA ")).check()
    page.get_by_label(label("Files")).set_input_files(FILES)

    # The page moves on by itself once every file is sent: what it showed meanwhile is
    # recorded as it changes, kept in sessionStorage across the move, and read afterwards.
    page.evaluate(RECORD)
    page.get_by_role("button", name=in_french("Add the files")).click()
    page.wait_for_url(re.compile(r"/ajouter-plusieurs-fichiers/details/\?ids="))
    seen = json.loads(page.evaluate("() => sessionStorage.getItem('bulk-upload-seen')"))
    assert seen["bars"] == [[file["name"], 100, 100] for file in FILES]
    assert seen["states"] == [in_french("Added")] * 3
    assert seen["announced"] == [
        *(
            in_french("File %(number)s of %(total)s uploaded: %(name)s.")
            % {"number": number, "total": 3, "name": file["name"]}
            for number, file in enumerate(FILES[:2], start=1)
        ),
        # The last file's announcement gives way at once to the one for the whole batch.
        in_french("Every file is added. Opening the page to describe them…"),
    ]
    assert Resource.objects.count() == 3
    expect(page.get_by_role("heading", level=1)).to_have_text(in_french("Describe the files added"))
    audit.check(page, "details", mobile_axe=True)
    names = page.locator(".bulk-details__name")
    expect(names).to_have_text([file["name"] for file in FILES])
    titles = page.get_by_label(label("Title"))
    expect(titles).to_have_count(3)
    expect(titles.nth(0)).to_have_value("carte des mares")
    titles.nth(0).fill("Carte des mares du bassin")
    page.get_by_label(label("Description")).nth(2).fill("Le relevé de **2024**.")
    page.get_by_role("button", name=in_french("Save the details")).click()

    page.wait_for_url(re.compile(r"/bibliotheque/$"))
    expect(success_message(page)).to_contain_text("3")
    audit.check(page, "library after the details")
    titles_now = set(Resource.objects.values_list("title", flat=True))
    assert titles_now == {"Carte des mares du bassin", "guide-de-gestion", "releve 2024"}
    described = Resource.objects.get(title="releve 2024")
    assert "<strong>2024</strong>" in described.description_html
    assert all(
        sorted(found.tags.values_list("name", flat=True)) == ["inventaire", "mares"]
        for found in Resource.objects.all()
    )
    assert set(Resource.objects.values_list("licence", flat=True)) == {"cc-by-sa"}
