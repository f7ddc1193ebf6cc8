"""Issue 4's journey: a facilitator makes the space a place, a newcomer arrives and finds their way.

The facilitator chooses and orders the tools, adds an external tool with its usage agreement,
writes the welcome, the "start here" guide and a message in place on the gare centrale (htmx:
the block is swapped, the page is not reloaded, the focus lands in the form and back on the
block), then invites someone. The newcomer signs up from the invitation and lands on the gare
centrale with the guide unfolded at the top, the tools with what each is for, the welcome and
what is new; they read the external tool's agreement, and its "Open" link goes through
/ouvrir/ (the redirect is read, never followed to the outside). The facilitator sees them join
in the activity feed. A second test edits a block in a browser without JavaScript.

Labels are matched through the French catalogue (``in_french``, ``french_plural``), which falls
back to English while a string is not translated. Every page seen is checked by the ``audit``
fixture (axe at 1280 and 320 px, no horizontal scroll).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from coopilote.accounts.tests.helpers import in_french, link_in, mails_to, path_of
from tests.e2e.conftest import Auditor, log_in, run_worker
from tests.e2e.helpers import french_plural, label, space_nav, success_message

pytestmark = pytest.mark.e2e

FACILITATOR = "fanny.animatrice@example.org"
CO_FACILITATOR = "bruno.caron@example.org"
MEMBER = "ada.martin@example.org"
NEWCOMER = "alix.nouvelle@example.org"
NEW_PASSWORD = "lanterne-orage-violette-92"

NETWORK = "Réseau eau et biodiversité du bassin de la Loire"
RENAMED = "Nos outils en ligne"
IDEAS = "Boîte à idées"

PAD = "Pad des comptes rendus"
PAD_URL = "https://pad.example.org/p/comptes-rendus-eau"
PAD_PURPOSE = "Rédiger ensemble les comptes rendus des réunions du réseau."
PAD_USES = "les brouillons de comptes rendus et les ordres du jour"
PAD_AVOID = "les données personnelles et les versions finales (elles vont dans la bibliothèque)"
PAD_HELP = "Le mode d'emploi est en haut du pad."

WELCOME = "Bienvenue dans le réseau ! Ici, on **partage** ce qu'on apprend sur l'eau et le vivant."
START_HERE = (
    "## À quoi sert cet espace\n\n"
    "Coordonner les actions du réseau sur l'eau et la biodiversité.\n\n"
    "## Comment on travaille\n\nUne plénière par trimestre, des groupes de travail entre-temps.\n\n"
    "## Par où commencer\n\nPrésentez-vous, puis lisez le dernier compte rendu."
)
MESSAGE = "Plénière le 12 mars à Tours : inscrivez-vous sur le pad !"


@pytest.fixture
def second_tool() -> Iterator[str]:
    """A second registered tool, so that there is something to order while External tools is
    the only real one. Its pages are not mounted (the URL configuration is read at start-up):
    the journey only enables, orders and lists it, and never follows its links."""
    from coopilote.spaces import registry
    from coopilote.spaces.registry import EVERY_ROLE, ToolManifest

    if len(registry.manifests()) > 1:
        yield ""  # a real second tool exists: the journey enables it like any other
        return
    manifest = ToolManifest(
        key="idea_box_e2e",
        verbose_name=IDEAS,
        description="Les idées du réseau, proposées et discutées ensemble.",
        slug="idees-e2e",
        urls="coopilote.tools.external.urls",
        verbs={"read": EVERY_ROLE},
        usages=("exchange",),
    )
    registry.register(manifest)
    yield manifest.key
    registry.unregister(manifest.key)


def network_with_members(make_user):
    """A members-only network, its owner, a co-facilitator and a member who joined on request."""
    from coopilote.spaces import actions
    from coopilote.spaces.access import access_for

    owner = make_user(FACILITATOR, display_name="Fanny Animatrice")
    space = actions.space_create(
        actor=owner,
        name=NETWORK,
        kind="network",
        field="environment",
        visibility="members",
        description="Le réseau des acteurs de l'eau et de la biodiversité du bassin.",
    )
    for email, name, organisation, role in (
        (CO_FACILITATOR, "Bruno Caron", "Syndicat de rivière du Cher", "facilitator"),
        (MEMBER, "Ada Martin", "Conservatoire d'espaces naturels", "member"),
    ):
        person = make_user(email, display_name=name, organisation=organisation)
        request = actions.join_request_create(
            access=access_for(space, person), message="Bonjour, je voudrais rejoindre le réseau."
        )
        actions.join_request_decide(
            access=access_for(space, owner), join_request_id=request.pk, accept=True, role=role
        )
    space.refresh_from_db()
    return space


def starts_with(text: str) -> re.Pattern[str]:
    """An accessible name that starts with ``text`` in French ("Activer — …", not "Désactiver")."""
    return re.compile(rf"^{re.escape(in_french(text))}")


def tool_titles_in_menu(page: Page, titles: set[str]) -> list[str]:
    return [
        text for text in space_nav(page).get_by_role("link").all_inner_texts() if text in titles
    ]


def block(page: Page, slug: str) -> Locator:
    return page.locator(f"#bloc-{slug}")


def edit_in_place(
    page: Page, audit: Auditor, *, slug: str, text: str, name: str, until_field: bool = False
) -> None:
    """Open a block's form in place, fill it in and save it, checking that htmx swapped the
    block (no page load), and where the focus went each time."""
    section = block(page, slug)
    page.evaluate("() => { window.__sameDocument = true; }")
    with page.expect_response(
        lambda response: (
            f"/accueil/{slug}/modifier/" in response.url
            and response.request.headers.get("hx-request") == "true"
        )
    ) as opened:
        section.locator(".home-block__head a").click()
    assert opened.value.status == 200
    field = section.locator("textarea")
    expect(field).to_be_focused()
    expect(section.get_by_role("heading", level=2)).to_contain_text(
        in_french("Edit: %(title)s", title=name)
    )
    assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"
    if until_field:
        expect(section.locator("input[type=date]")).to_have_value("")
    audit.check(page, f"gare centrale, editing {slug} in place")

    field.fill(text)
    with page.expect_response(
        lambda response: (
            f"/accueil/{slug}/modifier/" in response.url
            and response.request.method == "POST"
            and response.request.headers.get("hx-request") == "true"
        )
    ) as saved:
        section.get_by_role("button", name=in_french("Save")).click()
    assert saved.value.status == 200
    expect(section.locator("form")).to_have_count(0)
    expect(section.get_by_role("status")).to_be_visible()
    # Back on the block's heading, which says which block it is; the status says it is saved.
    heading = page.locator(f"#bloc-{slug}-title")
    expect(heading).to_be_focused()
    expect(heading).to_have_text(name)
    assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"
    audit.check(page, f"gare centrale, {slug} saved in place")


def test_facilitator_sets_up_the_gare_centrale_and_a_newcomer_finds_their_way(
    new_context, audit: Auditor, make_user, password, second_tool
):
    from coopilote.accounts.models import User
    from coopilote.spaces import registry
    from coopilote.spaces.models import Membership, Space, SpaceTool
    from coopilote.tools.external.models import ExternalTool

    space = network_with_members(make_user)
    external = registry.get("external")
    assert external is not None
    others = [manifest for manifest in registry.manifests() if manifest.key != "external"]
    with translation.override("fr"):
        external_name = str(external.verbose_name)
        descriptions = {m.key: str(m.description) for m in registry.manifests()}
        other_names = {m.key: str(m.verbose_name) for m in others}

    # The facilitator logs in and goes to the tools of the network.
    facilitator = new_context()
    log_in(facilitator, audit, FACILITATOR, password)
    facilitator.goto(space.get_absolute_url())
    expect(facilitator.locator("main h1")).to_have_text(NETWORK)
    tools_block = facilitator.get_by_role("region", name=in_french("Our tools"))
    expect(tools_block).to_contain_text(in_french("No tools are enabled in this space yet."))
    audit.check(facilitator, "gare centrale, nothing set up yet", mobile_axe=True)
    space_nav(facilitator).get_by_role("link", name=in_french("Tools"), exact=True).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/outils/$"))
    expect(facilitator.locator("main h1")).to_have_text(in_french("Tools of the space"))
    audit.check(facilitator, "tools of the space, none enabled", mobile_axe=True)

    # External tools first, then every other registered tool.
    for manifest in [external, *others]:
        row = facilitator.locator(f"#outil-{manifest.key}")
        expect(row).to_contain_text(in_french("Not used"))
        row.get_by_role("button", name=starts_with("Enable")).click()
        expect(facilitator).to_have_url(
            re.compile(rf"/s/{space.slug}/outils/#outil-{manifest.key}$")
        )
        with translation.override("fr"):
            title = str(manifest.verbose_name)
        expect(success_message(facilitator)).to_contain_text(
            in_french("“%(title)s” is enabled: members find it in the menu.", title=title)
        )
        expect(facilitator.locator(f"#outil-{manifest.key}")).to_contain_text(in_french("Enabled"))
    audit.check(facilitator, "tools of the space, all enabled", mobile_axe=True)
    names = {external_name, RENAMED, *other_names.values()}
    assert tool_titles_in_menu(facilitator, names) == [external_name, *other_names.values()]

    # Renamed with the group's words; the address stays.
    row = facilitator.locator("#outil-external")
    row.get_by_role("link", name=starts_with("Rename")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/outils/external/renommer/$"))
    title_field = facilitator.get_by_label(label("Name shown in the space"))
    expect(title_field).to_have_value(external_name)
    audit.check(facilitator, "rename a tool", mobile_axe=True)
    title_field.fill(RENAMED)
    facilitator.locator("main form").get_by_role("button", name=in_french("Rename")).click()
    expect(success_message(facilitator)).to_contain_text(
        in_french("The tool is now called “%(title)s”.", title=RENAMED)
    )
    row = facilitator.locator("#outil-external")
    expect(row.get_by_role("rowheader")).to_contain_text(RENAMED)
    expect(row.get_by_role("rowheader")).to_contain_text(external_name)
    assert tool_titles_in_menu(facilitator, names) == [RENAMED, *other_names.values()]
    audit.check(facilitator, "tools of the space, renamed")

    # Reordered with the move buttons; the space menu follows.
    second = others[0]
    row.get_by_role("button", name=starts_with("Move down")).click()
    expect(success_message(facilitator)).to_contain_text(
        in_french("“%(title)s” has been moved.", title=RENAMED)
    )
    expect(facilitator.locator("tbody tr").first).to_have_attribute("id", f"outil-{second.key}")
    menu = tool_titles_in_menu(facilitator, names)
    assert menu[:2] == [other_names[second.key], RENAMED], menu
    audit.check(facilitator, "tools of the space, reordered", mobile_axe=True)
    facilitator.locator("#outil-external").get_by_role(
        "button", name=starts_with("Move up")
    ).click()
    expect(facilitator.locator("tbody tr").first).to_have_attribute("id", "outil-external")
    assert tool_titles_in_menu(facilitator, names)[:2] == [RENAMED, other_names[second.key]]
    audit.check(facilitator, "tools of the space, back in order")
    assert list(
        SpaceTool.objects.filter(space=space, enabled=True)
        .order_by("position")
        .values_list("tool_key", flat=True)
    )[:2] == ["external", second.key]

    # An external tool card: the pad, with what it is for, the agreement and who to ask.
    space_nav(facilitator).get_by_role("link", name=RENAMED).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/outils-externes/$"))
    expect(facilitator.locator("main h1")).to_have_text(RENAMED)
    audit.check(facilitator, "external tools, empty", mobile_axe=True)
    facilitator.get_by_role("main").get_by_role(
        "link", name=in_french("Add an external tool")
    ).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/outils-externes/ajouter/$"))
    audit.check(facilitator, "add an external tool", mobile_axe=True)
    form = facilitator.locator("main form")
    form.get_by_label(label("Name")).fill(PAD)
    address = form.get_by_label(label("Address"))
    address.fill("javascript:alert(1)")
    form.get_by_label(label("Kind of tool")).select_option("pad")
    form.get_by_label(label("What we use it for")).fill(PAD_PURPOSE)
    form.get_by_label(label("Our agreement: we use it for…")).fill(PAD_USES)
    form.get_by_label(label("Our agreement: we avoid…")).fill(PAD_AVOID)
    form.get_by_label(label("Who to ask for help")).select_option(label="Ada Martin")
    form.get_by_label(label("How to get help")).fill(PAD_HELP)
    form.get_by_role("button", name=in_french("Add the tool")).click()
    # A dangerous address is refused; nothing typed is lost.
    expect(facilitator.locator("main [data-error-summary]")).to_be_visible()
    expect(form.get_by_label(label("Our agreement: we avoid…"))).to_have_value(PAD_AVOID)
    expect(form.get_by_label(label("Who to ask for help"))).to_have_value(
        str(Membership.objects.get(space=space, user__email=MEMBER).pk)
    )
    audit.check(facilitator, "add an external tool, dangerous address", mobile_axe=True)
    assert not ExternalTool.objects.exists()
    address.fill(PAD_URL)
    form.get_by_role("button", name=in_french("Add the tool")).click()
    pad = ExternalTool.objects.get(space=space)
    expect(facilitator).to_have_url(
        re.compile(rf"/s/{space.slug}/outils-externes/#outil-{pad.pk}$")
    )
    expect(success_message(facilitator)).to_contain_text(
        in_french("“%(name)s” is added.", name=PAD)
    )
    card = facilitator.locator(f"#outil-{pad.pk}")
    expect(card.get_by_role("heading", name=PAD)).to_be_visible()
    expect(card).to_contain_text(PAD_USES)
    expect(card).to_contain_text(PAD_AVOID)
    audit.check(facilitator, "external tools, the pad added", mobile_axe=True)
    assert (pad.url, pad.category, pad.help_contact.user.email) == (PAD_URL, "pad", MEMBER)

    # The gare centrale: welcome, "start here" and the message, each written in place.
    space_nav(facilitator).get_by_role("link", name=in_french("Overview")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/$"))
    tools_block = facilitator.get_by_role("region", name=in_french("Our tools"))
    expect(tools_block.locator(".tool-card__title")).to_have_text([RENAMED, *other_names.values()])
    audit.check(facilitator, "gare centrale, tools enabled", mobile_axe=True)
    edit_in_place(facilitator, audit, slug="bienvenue", text=WELCOME, name=in_french("Welcome"))
    welcome = block(facilitator, "bienvenue")
    expect(welcome.get_by_role("status")).to_have_text(in_french("The welcome text is saved."))
    expect(welcome.locator(".prose strong")).to_have_text("partage")

    # The guide's form starts from a skeleton of the three questions.
    edit_in_place(
        facilitator,
        audit,
        slug="pour-commencer",
        text=START_HERE,
        name=in_french("Start here"),
    )
    start = block(facilitator, "pour-commencer")
    expect(start.get_by_role("status")).to_have_text(in_french("The “start here” guide is saved."))
    # For the facilitator the guide stays folded, under the welcome.
    start.locator("summary").click()
    expect(start.get_by_role("heading", name="Par où commencer")).to_be_visible()

    edit_in_place(
        facilitator,
        audit,
        slug="message",
        text=MESSAGE,
        name=in_french("Message from the facilitators"),
        until_field=True,
    )
    expect(block(facilitator, "message")).to_contain_text("Plénière le 12 mars")
    space.refresh_from_db()
    assert (space.welcome, space.start_here, space.message) == (WELCOME, START_HERE, MESSAGE)
    # What the blocks did reached the activity, and a fresh load shows the same page.
    facilitator.reload()
    recent = facilitator.get_by_role("region", name=in_french("Recent activity"))
    expect(recent).to_contain_text(in_french("updated the welcome text"))
    audit.check(facilitator, "gare centrale, set up", mobile_axe=True)

    # A single invitation.
    space_nav(facilitator).get_by_role("link", name=in_french("Invitations")).click()
    facilitator.get_by_role("main").get_by_role("link", name=in_french("Invite people")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/invitations/nouvelles/$"))
    facilitator.get_by_label(label("Email address")).fill(NEWCOMER)
    facilitator.get_by_label(label("Their name")).fill("Alix Nouvelle")
    facilitator.get_by_label(label("Message")).fill("Bienvenue Alix, on t'attendait !")
    facilitator.get_by_role("button", name=in_french("Check the list")).click()
    preview = facilitator.get_by_role("region", name=in_french("Check before sending"))
    expect(preview.locator("tbody tr")).to_have_count(1)
    audit.check(facilitator, "single invitation, checked")
    preview.get_by_role(
        "button",
        name=french_plural("Send the invitation", "Send the %(counter)s invitations", 1),
    ).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/invitations/$"))
    expect(success_message(facilitator)).to_contain_text(
        french_plural("%(count)d invitation sent.", "%(count)d invitations sent.", 1, count=1)
    )
    audit.check(facilitator, "pending invitations")

    # The worker delivers it; the newcomer signs up from the link and lands in the network.
    run_worker()
    (mail,) = mails_to(NEWCOMER)
    assert mail.status == "sent", (mail.status, mail.last_error)
    newcomer = new_context()
    newcomer.goto(path_of(link_in(mail.body_text, "/invitations/")))
    expect(newcomer.locator("main h1")).to_contain_text(NETWORK)
    audit.check(newcomer, "invitation link", mobile_axe=True)
    newcomer.get_by_role("link", name=in_french("Create an account")).last.click()
    form = newcomer.locator("main form")
    expect(form.locator("input[name=email]")).to_have_value(NEWCOMER)
    audit.check(newcomer, "sign-up from the invitation")
    form.locator("input[name=password1]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(newcomer).to_have_url(re.compile(rf"/s/{space.slug}/$"))
    alix = User.objects.get(email=NEWCOMER)
    expect(success_message(newcomer)).to_contain_text(
        in_french(
            "Welcome to “%(space)s”! You are now %(role)s.",
            space=NETWORK,
            role=in_french("member"),
        )
    )

    # The gare centrale as a newcomer sees it: the guide unfolded at the top, above the welcome.
    start = block(newcomer, "pour-commencer")
    expect(start).to_have_class(re.compile(r"\bhome-start--open\b"))
    expect(start.locator("details")).to_have_count(0)
    expect(start.get_by_role("heading", name="Par où commencer")).to_be_visible()
    expect(start.locator(".home-block__head a")).to_have_count(0)
    welcome = block(newcomer, "bienvenue")
    expect(welcome.locator(".prose")).to_contain_text("Bienvenue dans le réseau")
    expect(welcome.locator(".home-block__head a")).to_have_count(0)
    assert start.bounding_box()["y"] < welcome.bounding_box()["y"]
    expect(block(newcomer, "message")).to_contain_text("Plénière le 12 mars")
    # The tools, each with what it is for.
    tools_block = newcomer.get_by_role("region", name=in_french("Our tools"))
    renamed_card = tools_block.locator(".tool-card", has_text=RENAMED)
    expect(renamed_card.locator(".tool-card__purpose")).to_have_text(descriptions["external"])
    expect(renamed_card.locator(".tool-card__kind")).to_have_text(external_name)
    for key, name in other_names.items():
        expect(
            tools_block.locator(".tool-card", has_text=name).locator(".tool-card__purpose")
        ).to_have_text(descriptions[key])
    expect(tools_block.get_by_role("link", name=in_french("Manage the tools"))).to_have_count(0)
    recent = newcomer.get_by_role("region", name=in_french("Recent activity"))
    expect(recent.get_by_role("link", name=PAD)).to_be_visible()
    newest = newcomer.get_by_role("complementary")
    expect(newest.locator(".newest-members li").first).to_contain_text(alix.public_name)
    audit.check(newcomer, "gare centrale, newcomer just arrived", mobile_axe=True)

    # Meanwhile the co-facilitator lists the video room: it is new for the newcomer.
    from coopilote.tools.external import actions as external_actions
    from coopilote.tools.external.tests.helpers import tool_access_for

    external_actions.external_tool_add(
        access=tool_access_for(space, User.objects.get(email=CO_FACILITATOR)),
        name="Visio du lundi",
        url="https://visio.example.org/reseau-eau",
        category="video",
        purpose="Le point d'équipe du lundi à 9 h.",
    )
    newcomer.reload()
    news = newcomer.locator("main .gare__news")
    expect(news.get_by_role("link")).to_have_text(
        french_plural(
            "%(counter)s new thing since you joined", "%(counter)s new things since you joined", 1
        )
    )
    audit.check(newcomer, "gare centrale, one new thing")
    news.get_by_role("link").click()
    expect(newcomer).to_have_url(re.compile(rf"/s/{space.slug}/activite/\?new=on$"))
    lines = newcomer.locator("main .feed__item")
    expect(lines).to_have_count(1)
    expect(lines.first.locator(".badge--new")).to_have_text(in_french("New"))
    expect(lines.first.get_by_role("link", name="Visio du lundi")).to_be_visible()
    audit.check(newcomer, "activity, new since joining", mobile_axe=True)

    # The external tools: the pad's card with its agreement; "Open" goes through /ouvrir/.
    space_nav(newcomer).get_by_role("link", name=RENAMED).click()
    expect(newcomer).to_have_url(re.compile(rf"/s/{space.slug}/outils-externes/$"))
    card = newcomer.locator(f"#outil-{pad.pk}")
    facts = card.locator("dl")
    expect(facts.locator("dt")).to_have_text(
        [
            in_french("What we use it for"),
            in_french("We use it for"),
            in_french("We avoid"),
            in_french("Who to ask for help"),
        ]
    )
    expect(facts.locator("dd")).to_have_text(
        [PAD_PURPOSE, PAD_USES, PAD_AVOID, re.compile(rf"Ada Martin\s+{re.escape(PAD_HELP)}")]
    )
    expect(card.get_by_role("link", name=in_french("Edit"))).to_have_count(0)
    expect(newcomer.get_by_role("link", name=in_french("Add an external tool"))).to_have_count(0)
    audit.check(newcomer, "external tools, as a member", mobile_axe=True)
    open_link = card.get_by_role("link", name=re.compile(rf"^{re.escape(in_french('Open'))}\b"))
    href = open_link.get_attribute("href")
    assert href == f"/s/{space.slug}/outils-externes/{pad.pk}/ouvrir/", href
    assert "noopener" in (open_link.get_attribute("rel") or "")
    # Read the redirect with the newcomer's cookies, without leaving for pad.example.org.
    answer = newcomer.request.get(href, max_redirects=0)
    assert answer.status == 302, answer.status
    assert answer.headers["location"] == PAD_URL
    assert answer.headers["referrer-policy"] == "no-referrer"

    # The facilitator sees the newcomer join in the activity feed, and can narrow it to a tool.
    facilitator.goto(space.get_absolute_url())
    audit.check(facilitator, "gare centrale, after the newcomer joined")
    space_nav(facilitator).get_by_role("link", name=in_french("Activity")).click()
    expect(facilitator).to_have_url(re.compile(rf"/s/{space.slug}/activite/$"))
    joined = in_french(
        "%(subject)s accepted an invitation and joined as %(role)s.",
        subject=alix.public_name,
        role=in_french("member"),
    ).rstrip(".")
    lines = facilitator.locator("main .feed__item")
    expect(lines.filter(has_text=joined)).to_have_count(1)
    audit.check(facilitator, "activity feed", mobile_axe=True)
    feed_filter = facilitator.locator("main form.feed-filters")
    feed_filter.get_by_label(label("Show")).select_option(label=RENAMED)
    feed_filter.get_by_role("button", name=in_french("Show"), exact=True).click()
    expect(facilitator).to_have_url(re.compile(r"tool=external"))
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text=PAD)).to_have_count(1)
    expect(lines.filter(has_text=joined)).to_have_count(0)
    audit.check(facilitator, "activity feed, one tool")
    assert Space.objects.get(pk=space.pk).member_count == 4


def test_a_block_is_edited_as_an_ordinary_page_without_javascript(
    new_context, audit: Auditor, make_user, password
):
    space = network_with_members(make_user)
    page = new_context(java_script_enabled=False)
    log_in(page, audit, FACILITATOR, password)
    page.goto(space.get_absolute_url())
    audit.check(page, "gare centrale, no JavaScript")

    # "Edit" is an ordinary link to an ordinary page.
    block(page, "bienvenue").locator(".home-block__head a").click()
    expect(page).to_have_url(re.compile(rf"/s/{space.slug}/accueil/bienvenue/modifier/$"))
    expect(page.locator("main h1")).to_have_text(
        in_french("Edit: %(title)s", title=in_french("Welcome"))
    )
    audit.check(page, "edit the welcome, no JavaScript", mobile_axe=True)
    # Cancel goes back to the block on the space page.
    page.get_by_role("link", name=in_french("Cancel")).click()
    expect(page).to_have_url(re.compile(rf"/s/{space.slug}/#bloc-bienvenue$"))
    audit.check(page, "gare centrale, edit cancelled, no JavaScript")

    block(page, "bienvenue").locator(".home-block__head a").click()
    page.get_by_label(label("Welcome")).fill(WELCOME)
    page.get_by_role("button", name=in_french("Save")).click()
    expect(page).to_have_url(re.compile(rf"/s/{space.slug}/#bloc-bienvenue$"))
    expect(success_message(page)).to_contain_text(in_french("The welcome text is saved."))
    expect(block(page, "bienvenue").locator(".prose strong")).to_have_text("partage")
    audit.check(page, "gare centrale, welcome saved, no JavaScript", mobile_axe=True)
    space.refresh_from_db()
    assert space.welcome == WELCOME
