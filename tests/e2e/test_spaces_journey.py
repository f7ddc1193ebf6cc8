"""Issue 3's journey: a facilitator opens a network and a working group, gathers their members.

Labels are matched through the translation catalogues (``in_french``, ``french_plural``), by
role and accessible name, so the tests hold before and after the French catalogue is written.
Every page seen is checked by the ``audit`` fixture (axe at 1280 and 320 px, no overflow).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from coopilote.accounts.tests.helpers import in_french, link_in, mails_to, path_of
from tests.e2e.conftest import Auditor, log_in, run_worker
from tests.e2e.helpers import french_plural, label, space_nav, success_message, tab_to

pytestmark = pytest.mark.e2e

FACILITATOR = "fanny.animatrice@example.org"
NEWCOMER = "alix.nouvelle@example.org"
INVITED_TOO = ["bao.tran@example.org", "chloe.martin@example.org"]
JOINER = "joseph.ferrand@example.org"
NEW_PASSWORD = "lanterne-orage-violette-92"

NETWORK = "Réseau des ressourceries du Val"
GROUP = "Groupe réemploi"


def create_space(page: Page, *, name: str, kind: str, visibility: str, description: str) -> None:
    """Fill in and send the "open a space" form the browser is on."""
    form = page.locator("main form")
    form.get_by_label(label("Name")).fill(name)
    form.get_by_role("radio", name=in_french(kind), exact=True).check()
    form.get_by_role("radio", name=in_french("social and solidarity economy")).check()
    form.get_by_label(label("Description")).fill(description)
    form.get_by_role("radio", name=in_french(visibility), exact=True).check()
    form.get_by_role("button", name=in_french("Open the space")).click()


def test_network_group_invitations_join_request_and_directory(
    new_context, audit: Auditor, make_user, password
):
    from coopilote.accounts.models import Tag, User
    from coopilote.spaces.models import Invitation, JoinRequest, Membership, Space

    make_user(FACILITATOR, display_name="Fanny Animatrice")
    joiner = make_user(
        JOINER, display_name="Joseph Ferrand", organisation="Ressourcerie de Saint-Val"
    )
    joiner.skills.set(Tag.from_names(["Réparation de vélos", "Compostage"]))
    joiner.interests.set(Tag.from_names(["Zéro déchet"]))

    # The facilitator logs in and opens a public network from the home page.
    facilitator = new_context()
    log_in(facilitator, audit, FACILITATOR, password)
    expect(facilitator.locator("main h1")).to_contain_text("Fanny Animatrice")
    audit.check(facilitator, "home, logged in, no space yet", mobile_axe=True)
    facilitator.get_by_role("main").get_by_role("link", name=in_french("Open a space")).click()
    expect(facilitator).to_have_url(re.compile(r"/s/nouveau/$"))
    audit.check(facilitator, "open a space", mobile_axe=True)
    create_space(
        facilitator,
        name=NETWORK,
        kind="network",
        visibility="public",
        description="Les ressourceries du Val **partagent** leurs savoir-faire.",
    )
    network = Space.objects.get(name=NETWORK)
    expect(facilitator).to_have_url(re.compile(rf"/s/{network.slug}/$"))
    expect(success_message(facilitator)).to_contain_text(
        in_french("The space “%(name)s” is open. Invite its members.", name=NETWORK)
    )
    expect(facilitator.locator("main h1")).to_have_text(NETWORK)
    audit.check(facilitator, "network page, just opened", mobile_axe=True)
    assert network.visibility == "public" and network.kind == "network"
    assert Membership.objects.get(space=network).role == "owner"

    # A working group for members only, inside the network.
    facilitator.locator(f'main a[href="/s/nouveau/?parent={network.slug}"]').click()
    parent = facilitator.get_by_label(label("Inside the space"))
    expect(parent).to_have_value(str(network.pk))
    audit.check(facilitator, "open a group inside the network")
    create_space(
        facilitator,
        name=GROUP,
        kind="working group",
        visibility="members only",
        description="On organise la collecte et la **réparation**.",
    )
    group = Space.objects.get(name=GROUP)
    assert group.parent_id == network.pk and group.visibility == "members"
    expect(facilitator).to_have_url(re.compile(rf"/s/{group.slug}/$"))
    expect(facilitator.get_by_role("navigation", name=in_french("Parent spaces"))).to_contain_text(
        NETWORK
    )
    audit.check(facilitator, "working group page", mobile_axe=True)

    # Bulk invitation: paste a list, see the check, correct it, send.
    space_nav(facilitator).get_by_role("link", name=in_french("Invitations")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{group.slug}/invitations/$"))
    audit.check(facilitator, "pending invitations, none yet")
    facilitator.get_by_role("main").get_by_role("link", name=in_french("Invite people")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{group.slug}/invitations/nouvelles/$"))
    audit.check(facilitator, "invitation form", mobile_axe=True)
    pasted = facilitator.get_by_label(label("Or paste a list"))
    pasted.fill(
        f"Alix Nouvelle <{NEWCOMER}>\n"
        "pas-une-adresse\n"
        f"{INVITED_TOO[0]}; Bao Tran; member\n"
        f"{INVITED_TOO[1]}"
    )
    facilitator.get_by_label(label("Message")).fill("Bienvenue dans le groupe réemploi !")
    facilitator.get_by_role("button", name=in_french("Check the list")).click()
    preview = facilitator.get_by_role("region", name=in_french("Check before sending"))
    expect(preview).to_be_visible()
    expect(preview.locator("tbody tr")).to_have_count(4)
    expect(preview.locator("tbody tr", has_text="pas-une-adresse")).to_contain_text(
        in_french("Problem")
    )
    # Nothing is sent while the list has a wrong line, unless asked for explicitly.
    expect(
        preview.get_by_role(
            "button",
            name=french_plural(
                "Send only the valid line", "Send only the %(counter)s valid lines", 3
            ),
        )
    ).to_be_visible()
    expect(preview.locator("button[name=step][value=send]")).to_have_count(0)
    expect(pasted).to_have_value(re.compile("pas-une-adresse"))
    audit.check(facilitator, "invitation preview, one wrong line", mobile_axe=True)
    assert not Invitation.objects.exists()

    pasted.fill(pasted.input_value().replace("pas-une-adresse\n", ""))
    facilitator.get_by_role("button", name=in_french("Check again")).click()
    expect(preview.locator("tbody tr")).to_have_count(3)
    expect(preview.locator("tbody tr").filter(has_text=in_french("Ready"))).to_have_count(3)
    expect(preview.get_by_role("status")).to_contain_text(in_french("Nothing has been sent yet."))
    audit.check(facilitator, "invitation preview, ready", mobile_axe=True)
    assert not Invitation.objects.exists()
    preview.get_by_role(
        "button",
        name=french_plural("Send the invitation", "Send the %(counter)s invitations", 3),
    ).click()

    expect(facilitator).to_have_url(re.compile(rf"/s/{group.slug}/invitations/$"))
    expect(success_message(facilitator)).to_contain_text(
        french_plural("%(count)d invitation sent.", "%(count)d invitations sent.", 3, count=3)
    )
    rows = facilitator.locator("main tbody tr")
    expect(rows).to_have_count(3)
    for address in (NEWCOMER, *INVITED_TOO):
        expect(rows.filter(has_text=address)).to_have_count(1)
    audit.check(facilitator, "pending invitations", mobile_axe=True)
    assert sorted(Invitation.objects.values_list("email", flat=True)) == sorted(
        [NEWCOMER, *INVITED_TOO]
    )

    # The worker delivers the mail; the newcomer, who has no account, follows the link.
    run_worker()
    for address in (NEWCOMER, *INVITED_TOO):
        (mail,) = mails_to(address)
        assert mail.status == "sent", (address, mail.status, mail.last_error)
        assert "Bienvenue dans le groupe réemploi !" in mail.body_text
    link = link_in(mails_to(NEWCOMER)[0].body_text, "/invitations/")

    newcomer = new_context()
    newcomer.goto(path_of(link))
    expect(newcomer.locator("main h1")).to_contain_text(GROUP)
    expect(newcomer.locator("main blockquote")).to_contain_text("Bienvenue dans le groupe")
    audit.check(newcomer, "invitation link, no account", mobile_axe=True)
    newcomer.get_by_role("link", name=in_french("Create an account")).last.click()
    expect(newcomer).to_have_url(re.compile(r"/accounts/signup/"))
    assert parse_qs(urlsplit(newcomer.url).query)["email"] == [NEWCOMER]
    form = newcomer.locator("main form")
    expect(form.locator("input[name=email]")).to_have_value(NEWCOMER)
    audit.check(newcomer, "sign-up from the invitation")
    form.locator("input[name=password1]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_PASSWORD)
    form.locator("button[type=submit]").click()
    # No confirmation mail to wait for: the link proved the address; they land in the group.
    expect(newcomer).to_have_url(re.compile(rf"/s/{group.slug}/$"))
    expect(success_message(newcomer)).to_contain_text(
        in_french(
            "Welcome to “%(space)s”! You are now %(role)s.",
            space=GROUP,
            role=in_french("member"),
        )
    )
    expect(newcomer.locator("main h1")).to_have_text(GROUP)
    audit.check(newcomer, "working group, newcomer just joined", mobile_axe=True)
    alix = User.objects.get(email=NEWCOMER)
    assert Membership.objects.get(space=group, user=alix).role == "member"
    assert Invitation.objects.get(email=NEWCOMER).status == "accepted"

    # Someone with an account finds the public network on the home page and asks to join.
    person = new_context()
    log_in(person, audit, JOINER, password)
    audit.check(person, "home, logged in, not a member")
    search = person.get_by_role("search").get_by_label(label("Search for a space"))
    search.fill("ressourceries")
    search.press("Enter")
    expect(person).to_have_url(re.compile(r"\?q=ressourceries"))
    results = person.locator("#public-title ~ .card-grid > li")
    expect(results).to_have_count(1)
    audit.check(person, "home, search for a space", mobile_axe=True)
    results.get_by_role("link", name=NETWORK).click()
    expect(person).to_have_url(re.compile(rf"/s/{network.slug}/$"))
    audit.check(person, "network page, not a member", mobile_axe=True)
    person.get_by_role("link", name=in_french("Ask to join")).click()
    expect(person).to_have_url(re.compile(rf"/s/{network.slug}/rejoindre/$"))
    audit.check(person, "ask to join", mobile_axe=True)
    person.get_by_label(label("Message to the facilitators")).fill(
        "Je répare des vélos à la ressourcerie de Saint-Val."
    )
    person.get_by_role("button", name=in_french("Send my request")).click()
    expect(person).to_have_url(re.compile(rf"/s/{network.slug}/$"))
    expect(success_message(person)).to_contain_text(
        in_french(
            "Your request is sent. The facilitators of “%(name)s” will answer you by email.",
            name=NETWORK,
        )
    )
    audit.check(person, "network page, request sent")
    assert JoinRequest.objects.get(space=network, user=joiner).status == "pending"

    # The facilitator answers from the requests page, reached from the member management page.
    facilitator.goto(network.get_absolute_url())
    audit.check(facilitator, "network page, one request")
    space_nav(facilitator).get_by_role("link", name=in_french("Members"), exact=True).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{network.slug}/membres/gerer/$"))
    audit.check(facilitator, "member management", mobile_axe=True)
    facilitator.get_by_role("main").get_by_role(
        "link", name=french_plural("%(counter)s request to join", "%(counter)s requests to join", 1)
    ).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{network.slug}/demandes/$"))
    card = facilitator.locator("main li", has_text="Joseph Ferrand")
    expect(card).to_contain_text("Je répare des vélos")
    expect(card).to_contain_text("Ressourcerie de Saint-Val")
    expect(card.get_by_role("radio", name=in_french("Accept as member"))).to_be_checked()
    audit.check(facilitator, "requests to join", mobile_axe=True)
    card.get_by_label(label("Message to the person")).fill("Bienvenue Joseph !")
    card.get_by_role("button", name=in_french("Send the answer")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{network.slug}/demandes/$"))
    expect(success_message(facilitator)).to_contain_text(
        in_french(
            "%(name)s is now %(role)s of the space; they are told by email.",
            name="Joseph Ferrand",
            role=in_french("member"),
        )
    )
    audit.check(facilitator, "requests to join, answered")
    assert Membership.objects.get(space=network, user=joiner).role == "member"

    # The person is told by email.
    run_worker()
    (answer,) = [
        m
        for m in mails_to(JOINER)
        if m.subject == in_french("Welcome to “%(space)s”", space=NETWORK)
    ]
    assert answer.status == "sent", (answer.status, answer.last_error)
    assert answer.subject == in_french("Welcome to “%(space)s”", space=NETWORK)
    assert "Bienvenue Joseph !" in answer.body_text
    assert network.get_absolute_url() in answer.body_text

    # The directory of the network shows them with their skills; the skill filter finds them.
    space_nav(facilitator).get_by_role("link", name=in_french("Who knows what")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{network.slug}/membres/$"))
    cards = facilitator.locator("main .member-card")
    expect(cards).to_have_count(2)
    joseph = cards.filter(has_text="Joseph Ferrand")
    expect(joseph.locator(".tag")).to_have_text(
        ["Compostage", "Réparation de vélos", "Zéro déchet"]
    )
    expect(joseph).to_contain_text("Ressourcerie de Saint-Val")
    audit.check(facilitator, "directory", mobile_axe=True)
    filters = facilitator.get_by_role("search", name=in_french("Search the members"))
    filters.get_by_label(label("Skill")).select_option(label="Réparation de vélos")
    filters.get_by_role("button", name=in_french("Search"), exact=True).click()
    expect(facilitator).to_have_url(re.compile(r"skill=reparation-de-velos"))
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Joseph Ferrand")
    expect(facilitator.locator("main p[role=status]")).to_have_text(
        french_plural("%(counter)s member matches", "%(counter)s members match", 1)
    )
    audit.check(facilitator, "directory, skill filter", mobile_axe=True)
    cards.get_by_role("link", name="Joseph Ferrand").click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{network.slug}/membres/{joiner.pk}/$"))
    expect(facilitator.locator("main h1")).to_have_text("Joseph Ferrand")
    expect(facilitator.locator("main dl.facts")).to_contain_text("Réparation de vélos")
    audit.check(facilitator, "member page", mobile_axe=True)

    # The facilitator's own pages: the settings, and the home page with both spaces.
    space_nav(facilitator).get_by_role("link", name=in_french("Settings")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{network.slug}/parametres/$"))
    audit.check(facilitator, "settings", mobile_axe=True)
    facilitator.goto("/")
    mine = facilitator.get_by_role("region", name=in_french("My spaces"))
    expect(mine.get_by_role("link", name=NETWORK)).to_be_visible()
    expect(mine.get_by_role("link", name=GROUP)).to_be_visible()
    audit.check(facilitator, "home, facilitator with spaces", mobile_axe=True)

    # The anonymous home page lists the public network, not the members-only group's content.
    visitor = new_context()
    visitor.goto("/")
    audit.check(visitor, "home, anonymous", mobile_axe=True)
    public = visitor.get_by_role("region", name=in_french("Spaces to discover"))
    expect(public.get_by_role("link", name=NETWORK)).to_be_visible()


def test_directory_filters_and_invitation_preview_work_with_the_keyboard(
    new_context, audit: Auditor, make_user, password
):
    from coopilote.accounts.models import Tag
    from coopilote.spaces import actions
    from coopilote.spaces.models import Invitation, Membership

    owner = make_user(FACILITATOR, display_name="Fanny Animatrice")
    space = actions.space_create(
        actor=owner, name=NETWORK, kind="network", field="environment", visibility="public"
    )
    for email, name, skills in (
        ("ada@example.org", "Ada Lovelace", ["Cartographie", "Wiki"]),
        ("cleo@example.org", "Cléo Garnier", ["Compostage"]),
    ):
        person = make_user(email, display_name=name)
        person.skills.set(Tag.from_names(skills))
        Membership.objects.create(space=space, user=person, role="member")

    page = new_context()
    log_in(page, audit, FACILITATOR, password)
    audit.check(page, "home")
    page.goto(f"/s/{space.slug}/membres/")
    audit.check(page, "directory")
    expect(page.locator("main .member-card")).to_have_count(3)

    # Filters: the search box, then the skill list, then the button; nothing but keys.
    filters = page.get_by_role("search", name=in_french("Search the members"))
    tab_to(page, filters.get_by_label(label("Search")))
    page.keyboard.type("Ada")
    skill = filters.get_by_label(label("Skill"))
    tab_to(page, skill)
    # In a closed list, the arrow keys change the choice (Chromium on Linux).
    page.keyboard.press("ArrowDown")
    expect(skill).to_have_value("cartographie")
    state = tab_to(page, filters.get_by_role("button", name=in_french("Search"), exact=True))
    assert state["tag"] == "button", state
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=Ada.*skill=cartographie"))
    cards = page.locator("main .member-card")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Ada Lovelace")
    audit.check(page, "directory, filtered with the keyboard")
    # The way back to everyone, by keyboard too.
    tab_to(page, filters.get_by_role("link", name=in_french("Show all members")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/s/{space.slug}/membres/$"))
    expect(cards).to_have_count(3)
    audit.check(page, "directory, filters cleared")
    # Enter in the search box sends the form as well.
    tab_to(page, filters.get_by_label(label("Search")))
    page.keyboard.type("Cléo")
    page.keyboard.press("Enter")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Cléo Garnier")
    audit.check(page, "directory, searched with Enter")

    # The invitation form: paste a list, check it, read the preview, send; nothing but keys.
    page.goto(f"/s/{space.slug}/invitations/nouvelles/")
    audit.check(page, "invitation form")
    tab_to(page, page.get_by_label(label("Or paste a list")))
    page.keyboard.insert_text("pas-une-adresse\nbao@example.org\nchloe@example.org")
    tab_to(page, page.get_by_role("button", name=in_french("Check the list")))
    page.keyboard.press("Enter")
    preview = page.get_by_role("region", name=in_french("Check before sending"))
    expect(preview).to_be_visible()
    expect(preview.locator("tbody tr")).to_have_count(3)
    audit.check(page, "invitation preview")
    # Correct the list: back into the text box, drop the wrong first line, check again.
    pasted = page.get_by_label(label("Or paste a list"))
    tab_to(page, pasted)
    page.keyboard.press("Control+Home")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Delete")
    expect(pasted).to_have_value("bao@example.org\nchloe@example.org")
    tab_to(page, page.get_by_role("button", name=in_french("Check again")))
    page.keyboard.press("Enter")
    expect(preview.locator("tbody tr")).to_have_count(2)
    audit.check(page, "invitation preview, corrected")
    send = preview.get_by_role(
        "button", name=french_plural("Send the invitation", "Send the %(counter)s invitations", 2)
    )
    tab_to(page, send)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/s/{space.slug}/invitations/$"))
    expect(page.locator("main tbody tr")).to_have_count(2)
    audit.check(page, "pending invitations")
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "bao@example.org",
        "chloe@example.org",
    ]
