"""Issue 5: ``[[links]]`` resolved for each reader when a page is shown — to this space's pages
(current or former names), to pages of other spaces the reader may read, never leaking anything
about a space they may not; the "(page to create)" hint in the reader's language; backlinks
through former names and across spaces; a fixed number of queries whatever the links."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from coopilote.accounts.tests.helpers import in_french
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.policies import Role
from coopilote.tools.wiki import actions, selectors
from coopilote.tools.wiki.models import PageLink
from coopilote.tools.wiki.tests.helpers import wiki_access_for

pytestmark = pytest.mark.django_db


def page_url(space, slug: str) -> str:
    return reverse("wiki:page", args=[space.slug, slug])


def shown(client, space, page) -> str:
    response = client.get(page_url(space, page.slug))
    assert response.status_code == 200
    return response.context["body_html"]


@pytest.fixture
def other_space(make_space, make_user):
    """Another space with the wiki on, its own owner, and a page "Plan d'action"."""

    def build(name: str, visibility: str, *, wiki: bool = True):
        owner = make_user(f"owner-{slugify(name)}@example.org")
        space = make_space(name, owner=owner, visibility=visibility)
        if wiki:
            space_actions.space_tool_enable(access=access_for(space, owner), tool_key="wiki")
            actions.page_create(
                access=wiki_access_for(space, owner),
                title="Plan d'action",
                body="Secret : budget 12 000 €.",
            )
        return space, owner

    return build


def test_a_link_to_a_page_of_a_space_the_reader_may_not_see_is_its_label_only(
    wiki_space, add_page, other_space
):
    space, clients = wiki_space("public")
    secret, _owner = other_space("Groupe confidentiel", "secret")
    page = add_page(
        space,
        clients.users["member"],
        title="Accueil",
        body=f"Voir [[{secret.slug}:Plan d'action|le plan]] et [[{secret.slug}:Inconnue]].",
    )
    for persona in ("anonymous", "outsider", "observer", "member", "owner"):
        html = shown(clients[persona], space, page)
        assert "le plan" in html and f"{secret.slug}:Inconnue" in html, persona
        assert "<a" not in html, persona  # no link, no "to create": existence is not told
        assert f"/s/{secret.slug}/" not in html, persona


def test_a_link_to_another_space_leads_to_its_page_for_those_who_may_read_it(
    wiki_space, add_page, other_space, add_member
):
    space, clients = wiki_space("public")
    group, _owner = other_space("Groupe haies", "members")
    add_member(group, clients.users["observer"], Role.OBSERVER)
    page = add_page(
        space,
        clients.users["member"],
        title="Accueil",
        body=f"[[{group.slug}:Plan d'action]] et [[{group.slug}:Calendrier|le calendrier]]",
    )
    html = shown(clients["observer"], space, page)
    assert f'<a href="{page_url(group, "plan-d-action")}" class="wiki-link">' in html
    create = reverse("wiki:create", args=[group.slug]) + "?title=Calendrier"
    assert f'href="{create}" class="wiki-link wiki-link--missing">le calendrier' in html
    for persona in ("anonymous", "outsider", "member"):  # not members of the group
        assert "<a" not in shown(clients[persona], space, page), persona


def test_a_link_to_a_space_whose_wiki_is_off_or_that_does_not_exist_is_plain_text(
    wiki_space, add_page, other_space
):
    space, clients = wiki_space("public")
    off, _owner = other_space("Réseau sans wiki", "public", wiki=False)
    page = add_page(
        space,
        clients.users["member"],
        title="Accueil",
        body=f"[[{off.slug}:Charte]] [[espace-qui-n-existe-pas:Charte]]",
    )
    html = shown(clients["owner"], space, page)
    assert "<a" not in html
    assert f"{off.slug}:Charte" in html and "espace-qui-n-existe-pas:Charte" in html


def test_a_link_through_a_space_former_address_still_leads_to_the_page(
    wiki_space, add_page, other_space
):
    space, clients = wiki_space("public")
    group, owner = other_space("Groupe mares", "public")
    old_slug = group.slug
    page = add_page(
        space, clients.users["member"], title="Accueil", body=f"[[{old_slug}:Plan d'action]]"
    )
    space_actions.space_configure(
        access=access_for(group, owner),
        slug="mares-du-val",
        visibility=group.visibility,
        directory_visibility=group.directory_visibility,
    )
    group.refresh_from_db()
    assert group.slug == "mares-du-val"
    html = shown(clients["anonymous"], space, page)
    assert f'href="{page_url(group, "plan-d-action")}"' in html


def test_the_page_to_create_hint_follows_the_reader_language(wiki_space, add_page):
    space, clients = wiki_space("members")
    member, observer = clients.users["member"], clients.users["observer"]
    page = add_page(space, member, title="Accueil", body="[[Fiche projet]]")
    for user, language in ((member, "en"), (observer, "fr")):
        user.language = language
        user.save(update_fields=["language"])
    english = clients["member"].get(page_url(space, page.slug))
    french = clients["observer"].get(page_url(space, page.slug))
    assert "(page to create)" in english.context["body_html"]
    assert in_french("(page to create)") in french.context["body_html"]
    assert in_french("(page to create)") != "(page to create)"


def test_links_follow_pages_created_deleted_and_renamed_without_saving_the_linking_page(
    wiki_space, add_page
):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    home = add_page(space, owner, title="Accueil", body="[[Charte]]")
    stored = home.current.html
    assert "wiki-link--missing" in shown(clients["member"], space, home)
    charte = add_page(space, owner, title="Charte")
    assert f'href="{page_url(space, "charte")}"' in shown(clients["member"], space, home)
    actions.page_rename(access=wiki_access_for(space, owner), page=charte, title="Notre charte")
    assert f'href="{page_url(space, "notre-charte")}"' in shown(clients["member"], space, home)
    actions.page_delete(access=wiki_access_for(space, owner), page=charte)
    assert "wiki-link--missing" in shown(clients["member"], space, home)
    home.refresh_from_db()
    assert home.current.html == stored  # the linking page was never rendered again


def test_backlinks_come_through_former_names_and_from_readable_spaces_only(
    wiki_space, add_page, other_space, add_member
):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    charte = add_page(space, owner, title="Charte")
    by_old_name = add_page(space, owner, title="Accueil", body="[[Charte]]")
    actions.page_rename(access=wiki_access_for(space, owner), page=charte, title="Notre charte")
    by_new_name = add_page(space, owner, title="Règles", body="[[Notre charte]]")
    group, group_owner = other_space("Groupe haies", "members")
    add_member(group, clients.users["member"], Role.MEMBER)
    from_group = actions.page_create(
        access=wiki_access_for(group, group_owner),
        title="Notes du groupe",
        body=f"[[{space.slug}:Notre charte]]",
    )
    assert PageLink.objects.get(from_page=from_group).to_space_id == space.pk
    url = page_url(space, "notre-charte")
    member_sees = clients["member"].get(url).context["backlinks"]
    assert [page.pk for page in member_sees] == [by_old_name.pk, by_new_name.pk, from_group.pk]
    body = clients["member"].get(url).content.decode()
    assert "Notes du groupe" in body and "Groupe haies" in body
    observer_sees = clients["observer"].get(url).context["backlinks"]  # not in the group
    assert [page.pk for page in observer_sees] == [by_old_name.pk, by_new_name.pk]
    assert "Notes du groupe" not in clients["observer"].get(url).content.decode()


def test_pages_to_create_leave_out_former_names_of_live_pages(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    charte = add_page(space, owner, title="Charte")
    add_page(space, owner, title="Accueil", body="[[Charte]] [[Budget]]")
    actions.page_rename(access=wiki_access_for(space, owner), page=charte, title="Notre charte")
    assert [entry["name"] for entry in selectors.links_to_create(space)] == ["Budget"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_page_with_links_reads_in_the_same_queries_whatever_their_number(
    wiki_space, add_page, other_space, add_member
):
    space, clients = wiki_space("members")
    owner, member = clients.users["owner"], clients.users["member"]
    groups = []
    for name in ("Groupe un", "Groupe deux", "Groupe trois"):
        group, _group_owner = other_space(name, "members")
        add_member(group, member, Role.MEMBER)
        groups.append(group)
    page = add_page(
        space, owner, title="Accueil", body=f"[[Existe]] [[Manque]] [[{groups[0].slug}:Plan]]"
    )
    add_page(space, owner, title="Existe")
    url = page_url(space, page.slug)
    clients["member"].get(url)
    few = _queries(clients["member"], url)
    links = [f"[[Page {number}]]" for number in range(20)]
    links += [f"[[{group.slug}:Plan d'action]] [[{group.slug}:Autre]]" for group in groups]
    for number in range(10):
        add_page(space, owner, title=f"Page {number}")
    actions.page_save(
        access=wiki_access_for(space, owner),
        page=page,
        title=page.title,
        body=" ".join(links),
        base_number=page.current.number,
    )
    html = clients["member"].get(url).context["body_html"]
    assert html.count("wiki-link--missing") == 10 + 3  # pages 10 to 19, and "Autre" in each
    assert _queries(clients["member"], url) == few
    # the page as before (12), then the links: spaces named, the reader's memberships and the
    # tool rows there, their pages by address, former addresses of those not found
    assert few == 12 + 5
