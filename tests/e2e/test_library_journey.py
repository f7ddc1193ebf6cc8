"""Issue 6, "Tests and benchmark": the library's journey across spaces, in French.

A member of a members-only network adds three files at once (a PNG, a PDF, a CSV) and a web
link, builds the newcomers' welcome kit from two of them, and shares the map into a working
group of the network. A member of that group only (not of the network) finds it there, with
its origin. An outsider is refused the file and its preview at the addresses copied from the
member's page. A wiki page of the network shows the map to the member; a public wiki page
embedding the same map shows the outsider the page and nothing of the map.

The spaces and memberships are set up through the real actions; everything else goes through
the pages. Every page seen goes through axe (the ``audit`` fixture), the key ones at 320 px too.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from coopilote.accounts.tests.helpers import in_french
from coopilote.tools.library.tests.helpers import pdf_document
from tests.e2e.conftest import Auditor, log_in
from tests.e2e.helpers import label, success_message

pytestmark = pytest.mark.e2e

FACILITATOR = "camille.animatrice@example.org"
MEMBER = "mael.documentaliste@example.org"
PARTNER = "ana.zones-humides@example.org"
OUTSIDER = "olivier.curieux@example.org"

NETWORK = "Réseau Eau et Biodiversité"
GROUP = "Groupe zones humides"
FORUM = "Forum public de l'eau"

MAP = "Carte des mares du bassin"
GUIDE = "Guide de gestion des mares"
SURVEY = "Relevé des mares 2024"
LINK = "Portail national des zones humides"
KIT = "Kit d'accueil du nouveau membre"
CAPTION = "Les mares du bassin versant"


def drawn_map() -> bytes:
    """A small map drawn with Pillow: two ponds and a stream on a meadow."""
    image = Image.new("RGB", (160, 100), (170, 210, 140))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 60, 50), fill=(40, 110, 200))
    draw.ellipse((100, 55, 140, 85), fill=(40, 110, 200))
    draw.line((0, 90, 160, 10), fill=(60, 140, 220), width=4)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


FILES = [
    {"name": "carte_des_mares.png", "mimeType": "image/png", "buffer": drawn_map()},
    {"name": "guide-de-gestion.pdf", "mimeType": "application/pdf", "buffer": pdf_document()},
    {
        "name": "releve_mares_2024.csv",
        "mimeType": "text/csv",
        "buffer": "mare;commune;surface_m2\nM1;Blois;120\nM2;Saint-Dyé-sur-Loire;45\n".encode(),
    },
]
# What each file becomes on the details page: title and type.
DETAILS = [(MAP, "data"), (GUIDE, "guide"), (SURVEY, "data")]


def join(space, person, facilitator) -> None:
    """``person`` asks to join and ``facilitator`` accepts them as a member."""
    from coopilote.spaces import actions as space_actions
    from coopilote.spaces.access import access_for

    request = space_actions.join_request_create(access=access_for(space, person))
    space_actions.join_request_decide(
        access=access_for(space, facilitator),
        join_request_id=request.pk,
        accept=True,
        role="member",
    )


@pytest.fixture
def spaces(make_user):
    """A members-only network with the library and the wiki; a members-only working group of
    the network with its library; a separate public space with a wiki. The member belongs to
    all three, the partner to the group only, the outsider to none."""
    from coopilote.spaces import actions as space_actions
    from coopilote.spaces.access import access_for

    facilitator = make_user(FACILITATOR, display_name="Camille Animatrice")
    member = make_user(MEMBER, display_name="Maël Documentaliste")
    partner = make_user(PARTNER, display_name="Ana Dupuis")
    make_user(OUTSIDER, display_name="Olivier Curieux")

    def open_space(name: str, visibility: str, tools: list[str], **fields):
        space = space_actions.space_create(
            actor=facilitator, name=name, field="environment", visibility=visibility, **fields
        )
        for tool in tools:
            space_actions.space_tool_enable(access=access_for(space, facilitator), tool_key=tool)
        return space

    network = open_space(NETWORK, "members", ["library", "wiki"], kind="network")
    group = open_space(GROUP, "members", ["library"], kind="working_group", parent=network)
    forum = open_space(FORUM, "public", ["wiki"], kind="consultation")
    for space in (network, group, forum):
        join(space, member, facilitator)
    join(group, partner, facilitator)
    return network, group, forum


def card(page: Page, title: str) -> Locator:
    return page.locator(".library-card").filter(has=page.get_by_role("link", name=title))


def wait_until_loaded(page: Page, picture: Locator) -> None:
    """The picture is shown: loaded, with real pixels (``loading="lazy"`` waits for a scroll)."""
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )


def add_three_files(page: Page, audit: Auditor, network) -> None:
    """Step 1a: three files at once with shared tags and licence, then their details."""
    page.goto(f"/s/{network.slug}/bibliotheque/")
    audit.check(page, "empty library", mobile_axe=True)
    page.get_by_role("link", name=in_french("Add several files")).click()
    audit.check(page, "add several files")
    page.get_by_label(label("Tags")).fill("mares, inventaire")
    page.get_by_label(re.compile(r"^\s*CC BY-SA ")).check()
    page.get_by_label(label("Files")).set_input_files(FILES)
    page.get_by_role("button", name=in_french("Add the files")).click()

    page.wait_for_url(re.compile(r"/ajouter-plusieurs-fichiers/details/\?ids="))
    expect(page.get_by_role("heading", level=1)).to_have_text(in_french("Describe the files added"))
    expect(page.locator(".bulk-details__name")).to_have_text([file["name"] for file in FILES])
    audit.check(page, "describe the files", mobile_axe=True)
    titles = page.get_by_label(label("Title"))
    types = page.get_by_label(label("Type"))
    for number, (title, resource_type) in enumerate(DETAILS):
        titles.nth(number).fill(title)
        types.nth(number).select_option(resource_type)
    page.get_by_label(label("Description")).nth(1).fill(
        "Entretenir une mare **sans la combler** : calendrier et gestes."
    )
    page.get_by_role("button", name=in_french("Save the details")).click()
    page.wait_for_url(re.compile(r"/bibliotheque/$"))
    expect(success_message(page)).to_contain_text("3")
    audit.check(page, "library with three files")


def add_link(page: Page, audit: Auditor) -> None:
    """Step 1b: a web link with its tags, from "Add a resource"."""
    page.get_by_role("link", name=in_french("Add a resource")).click()
    audit.check(page, "what to add")
    page.get_by_role("link", name=in_french("A web link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_french("Add a web link"))
    audit.check(page, "add a web link", mobile_axe=True)
    page.get_by_label(label("Title")).fill(LINK)
    page.get_by_label(label("Web address")).fill("https://zones-humides.example.org/")
    page.get_by_label(label("Tags")).fill("zones humides, accueil")
    page.get_by_label(label("Type")).select_option("tool")
    page.get_by_label(re.compile(r"^\s*CC BY ")).check()
    page.get_by_role("button", name=in_french("Add the resource")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LINK)
    expect(success_message(page)).to_contain_text(LINK)
    audit.check(page, "the web link's page", mobile_axe=True)


def build_the_kit(page: Page, audit: Auditor, network) -> None:
    """Step 2: the welcome kit with its introduction, two resources added from their pages,
    then the link moved up before the guide."""
    page.goto(f"/s/{network.slug}/bibliotheque/collections/")
    audit.check(page, "collections")
    page.get_by_role("link", name=in_french("New collection")).click()
    audit.check(page, "new collection", mobile_axe=True)
    page.get_by_label(label("Title")).fill(KIT)
    page.get_by_label(label("Introduction")).fill(
        "Bienvenue ! Commencez par le **portail**, puis lisez le guide."
    )
    page.get_by_role("button", name=in_french("Save the collection")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(KIT)
    audit.check(page, "empty kit")

    for title in (GUIDE, LINK):
        page.goto(f"/s/{network.slug}/bibliotheque/")
        page.get_by_role("link", name=title, exact=True).click()
        audit.check(page, f"page of {title}")
        page.get_by_label(label("Collection")).select_option(label=KIT)
        page.get_by_role("button", name=in_french("Add to the collection")).click()
        expect(success_message(page)).to_contain_text(KIT)
        audit.check(page, f"{title} added to the kit")

    page.goto(f"/s/{network.slug}/bibliotheque/collections/")
    page.get_by_role("link", name=KIT).click()
    items = page.locator(".library-collection__item > a")
    expect(items).to_have_text([GUIDE, LINK])
    page.get_by_role("button", name=f"{in_french('Move up')} — {LINK}").click()
    expect(success_message(page)).to_contain_text(in_french("The order is saved."))
    expect(items).to_have_text([LINK, GUIDE])
    expect(page.locator(".library-collection__introduction strong")).to_have_text("portail")
    audit.check(page, "the kit in order", mobile_axe=True)


def share_the_map(page: Page, audit: Auditor, network) -> None:
    """Step 3a: from the map's page, into the working group."""
    page.goto(f"/s/{network.slug}/bibliotheque/")
    page.get_by_role("link", name=MAP, exact=True).click()
    page.get_by_role("link", name=in_french("Share into another space")).click()
    audit.check(page, "share the map", mobile_axe=True)
    page.get_by_label(re.compile(rf"^\s*{re.escape(GROUP)} \(")).check()
    page.get_by_role("button", name=in_french("Share"), exact=True).click()
    expect(success_message(page)).to_contain_text(GROUP)
    expect(page.locator(".library-shares")).to_contain_text(GROUP)
    audit.check(page, "the map shared")


def write_wiki_page(page: Page, audit: Auditor, space, title: str, body: str) -> None:
    page.goto(f"/s/{space.slug}/wiki/nouvelle-page/")
    audit.check(page, f"new wiki page in {space.name}")
    page.get_by_label(label("Title")).fill(title)
    page.get_by_label(label("Text")).fill(body)
    page.get_by_role("button", name=in_french("Create the page")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_a_member_pools_resources_builds_a_kit_and_shares_across_spaces(
    new_context, audit: Auditor, password, spaces
):
    from coopilote.tools.library.models import Collection, CollectionItem, Resource, Share

    network, group, forum = spaces

    # 1. Three files at once, then a web link.
    member = new_context()
    log_in(member, audit, MEMBER, password)
    add_three_files(member, audit, network)
    add_link(member, audit)
    resources = {found.title: found for found in Resource.objects.filter(space=network)}
    assert sorted(resources) == sorted([MAP, GUIDE, SURVEY, LINK])
    assert {title: found.kind for title, found in resources.items()} == {
        MAP: "file",
        GUIDE: "file",
        SURVEY: "file",
        LINK: "link",
    }
    assert {title: found.licence for title, found in resources.items()} == {
        MAP: "cc-by-sa",
        GUIDE: "cc-by-sa",
        SURVEY: "cc-by-sa",
        LINK: "cc-by",
    }
    assert resources[SURVEY].resource_type == "data"
    assert "<strong>sans la combler</strong>" in resources[GUIDE].description_html
    assert resources[LINK].url == "https://zones-humides.example.org/"
    tags = {
        title: sorted(found.tags.values_list("name", flat=True))
        for title, found in resources.items()
    }
    assert tags == {
        MAP: ["inventaire", "mares"],
        GUIDE: ["inventaire", "mares"],
        SURVEY: ["inventaire", "mares"],
        LINK: ["accueil", "zones humides"],
    }
    map_id = resources[MAP].public_id

    # 2. The welcome kit, in the order chosen.
    build_the_kit(member, audit, network)
    kit = Collection.objects.get(space=network)
    assert kit.title == KIT
    assert list(
        CollectionItem.objects.filter(collection=kit)
        .order_by("position", "pk")
        .values_list("resource__title", flat=True)
    ) == [LINK, GUIDE]

    # 3. The map shared into the group; a member of the group only finds it there.
    share_the_map(member, audit, network)
    assert list(Share.objects.values_list("resource__public_id", "space_id")) == [
        (map_id, group.pk)
    ]
    assert Resource.objects.count() == 4  # shared, not copied
    partner = new_context()
    log_in(partner, audit, PARTNER, password)
    partner.goto(f"/s/{group.slug}/bibliotheque/")
    shared = card(partner, MAP)
    expect(partner.locator(".library-card")).to_have_count(1)
    expect(shared).to_contain_text(in_french("Shared from %(name)s") % {"name": NETWORK})
    wait_until_loaded(partner, shared.locator("img"))
    audit.check(partner, "the group's library", mobile_axe=True)
    shared.get_by_role("link", name=MAP).click()
    expect(partner).to_have_url(re.compile(rf"/s/{group.slug}/bibliotheque/{map_id}/$"))
    expect(partner.locator(".callout")).to_have_text(
        in_french("Shared from %(name)s.") % {"name": NETWORK}
    )
    wait_until_loaded(partner, partner.locator(".library-resource__thumbnail"))
    audit.check(partner, "the shared map in the group")
    # The network itself stays closed to her.
    answer = partner.goto(f"/s/{network.slug}/bibliotheque/{map_id}/")
    assert answer is not None and answer.status == 403
    audit.check(partner, "the network's map refused to the partner")

    # 4. An outsider is refused the file and its preview, at the member's addresses.
    member.goto(f"/s/{network.slug}/bibliotheque/{map_id}/")
    download = member.get_by_role("link", name=re.compile(rf"^{in_french('Download')}\b"))
    file_url = download.get_attribute("href")
    preview_url = member.locator(".library-resource__thumbnail").get_attribute("src")
    assert file_url and preview_url
    audit.check(member, "the map's page", mobile_axe=True)
    outsider = new_context()
    log_in(outsider, audit, OUTSIDER, password)
    anonymous = new_context()
    for name, url in (("file", file_url), ("preview", preview_url)):
        answer = outsider.goto(url)
        assert answer is not None and answer.status == 403, name
        assert answer.headers["content-type"].startswith("text/html"), name
        expect(outsider.get_by_role("heading", level=1)).to_have_text(in_french("Access refused"))
        audit.check(outsider, f"the map's {name} refused to the outsider")
        # Without an account: asked to log in, never given the file.
        refused = anonymous.request.get(url, max_redirects=0)
        assert refused.status == 302, name
        assert "/accounts/login/" in refused.headers["location"], name
    assert Resource.objects.get(public_id=map_id).download_count == 0

    # 5. Embedded in the wiki: the member sees the map; the outsider sees nothing of it.
    embed = f"![[library:{map_id}|{CAPTION}]]"
    write_wiki_page(member, audit, network, "Nos mares", f"# Nos mares\n\nLa carte :\n\n{embed}\n")
    figure = member.locator(".wiki-body figure.library-embed")
    expect(figure.locator("figcaption")).to_have_text(CAPTION)
    expect(figure.locator("img")).to_have_attribute("alt", CAPTION)
    wait_until_loaded(member, figure.locator("img"))
    audit.check(member, "the network's wiki page with the map", mobile_axe=True)
    network_page = member.url

    write_wiki_page(
        member,
        audit,
        forum,
        "Les mares en images",
        f"# Les mares en images\n\nVoici la carte du réseau.\n\n{embed}\n",
    )
    wait_until_loaded(member, member.locator(".wiki-body figure.library-embed img"))
    audit.check(member, "the public wiki page, as the member")
    public_page = member.url

    answer = outsider.goto(network_page)
    assert answer is not None and answer.status == 403
    audit.check(outsider, "the network's wiki page refused to the outsider")
    outsider.goto(public_page)
    body = outsider.locator(".wiki-body")
    expect(body).to_contain_text("Voici la carte du réseau.")
    expect(body.locator("img, figure, .library-embed")).to_have_count(0)
    expect(body).not_to_contain_text(CAPTION)
    expect(body).not_to_contain_text(map_id)
    audit.check(outsider, "the public wiki page, as the outsider", mobile_axe=True)
