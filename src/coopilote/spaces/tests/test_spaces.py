"""Space pages through the test client and the real database: open, edit, configure, archive,
close, reopen and leave a space; what people type is checked, kept on errors and escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coopilote.accounts.tests.helpers import error_texts, in_french
from coopilote.activity.models import ActivityEvent
from coopilote.spaces import actions, policies
from coopilote.spaces.access import access_for
from coopilote.spaces.models import (
    Field,
    Invitation,
    JoinRequest,
    Kind,
    Membership,
    SlugRedirect,
    Space,
)
from coopilote.spaces.policies import Role
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.spaces.tests.test_policies import expected

pytestmark = pytest.mark.django_db

CREATE = reverse("spaces:create")
HOME = reverse("home")


def url(name: str, space: Space, *args: Any) -> str:
    return reverse(f"spaces:{name}", args=[space.slug, *args])


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**fields: Any) -> dict[str, Any]:
    data = {
        "name": "Réseau Eau",
        "kind": "network",
        "field": "environment",
        "description": "",
        "slug": "",
        "visibility": "members",
        "parent": "",
    }
    data.update(fields)
    return data


def events(space: Space, kind: str) -> list[ActivityEvent]:
    return list(ActivityEvent.objects.filter(space=space, kind=kind))


def state(space: Space) -> dict[str, Any]:
    """Everything a refused request must leave untouched."""
    return {
        "space": Space.objects.filter(pk=space.pk).values().get(),
        "memberships": sorted(Membership.objects.filter(space=space).values_list("user", "role")),
        "slugs": sorted(SlugRedirect.objects.values_list("slug", "space")),
        "spaces": Space.objects.count(),
        "events": ActivityEvent.objects.count(),
        "invitations": Invitation.objects.count(),
        "requests": JoinRequest.objects.count(),
    }


def option_values(html: str, select_name: str) -> set[str]:
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S)
    assert select, html
    return set(re.findall(r'<option value="([^"]*)"', select.group(0))) - {""}


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def french(message: str, **params: Any) -> str:
    return in_french(message, **params)


# Opening a space ------------------------------------------------------------------------------


def test_a_verified_person_opens_a_space_and_becomes_its_only_member_and_owner(make_user):
    user = make_user("camille@example.org")
    client = logged_in(user)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert h1_count(page.content.decode()) == 1
    response = client.post(
        CREATE,
        form_data(name="Réseau Eau", kind="working_group", field="territory", visibility="public"),
    )
    space = Space.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", space)
    assert (space.name, space.slug, space.kind, space.field, space.visibility, space.status) == (
        "Réseau Eau",
        "reseau-eau",
        "working_group",
        "territory",
        "public",
        "open",
    )
    assert space.created_by == user
    assert space.member_count == 1
    assert list(Membership.objects.values_list("space", "user", "role")) == [
        (space.pk, user.pk, "owner")
    ]
    (event,) = events(space, "spaces.space.created")
    assert event.actor == user
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert (
        french("The space “%(name)s” is open. Invite its members.") % {"name": "Réseau Eau"}
        in page.content.decode()
    )


def test_the_form_offers_the_four_kinds_and_the_four_fields(make_user):
    html = logged_in(make_user()).get(CREATE).content.decode()
    for name, choices in (("kind", Kind), ("field", Field)):
        offered = set(re.findall(rf'name="{name}" value="([^"]+)"', html))
        assert offered == set(choices.values)
        assert len(offered) == 4


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_of_space_can_be_opened(make_user, kind):
    client = logged_in(make_user())
    response = client.post(CREATE, form_data(kind=kind, field="social_economy"))
    assert response.status_code == 302
    assert Space.objects.get().kind == kind


def test_an_unknown_kind_is_refused_and_nothing_is_created(make_user):
    response = logged_in(make_user()).post(CREATE, form_data(kind="party"))
    assert response.status_code == 400
    assert not Space.objects.exists()


def test_an_unverified_person_may_not_open_a_space(make_user):
    client = logged_in(make_user("nouveau@example.org", verified=False))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert not Space.objects.exists()
    assert CREATE not in client.get(HOME).content.decode()


def test_an_anonymous_visitor_is_asked_to_log_in_before_opening_a_space():
    response = Client().post(CREATE, form_data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Space.objects.exists()


def test_when_creation_is_for_staff_only_other_people_are_refused(settings, make_user):
    settings.SPACES_CREATION = "staff"
    someone = logged_in(make_user("camille@example.org"))
    assert someone.get(CREATE).status_code == 403
    assert someone.post(CREATE, form_data()).status_code == 403
    assert CREATE not in someone.get(HOME).content.decode()
    assert not Space.objects.exists()
    staff = logged_in(make_user("equipe@example.org", is_staff=True))
    assert CREATE in staff.get(HOME).content.decode()
    assert staff.get(CREATE).status_code == 200
    assert staff.post(CREATE, form_data()).status_code == 302
    assert Space.objects.get().created_by.email == "equipe@example.org"


NASTY_DESCRIPTION = """# Notre réseau

Un **réseau** d'acteurs de l'eau.

<script>alert("script")</script>

[cliquez](javascript:alert(1)) et [le site](https://example.org)

<img src=x onerror=alert(2)>

<a href="https://example.org" onclick="alert(3)">lien brut</a>

## Objectifs
"""


def test_the_description_is_rendered_from_markdown_and_sanitised(make_user):
    client = logged_in(make_user())
    client.post(CREATE, form_data(description=NASTY_DESCRIPTION, visibility="public"))
    space = Space.objects.get()
    assert space.description == NASTY_DESCRIPTION.strip()
    page = Client().get(url("detail", space)).content.decode()
    assert space.description_html in page
    tags = tags_of(space.description_html)
    names = [tag for tag, _attrs in tags]
    assert "script" not in names and "img" not in names
    assert all(not attr.startswith("on") for _tag, attrs in tags for attr in attrs)
    hrefs = [attrs.get("href") for tag, attrs in tags if tag == "a"]
    assert hrefs == ["https://example.org"]
    assert "<strong>réseau</strong>" in space.description_html
    # Raw HTML is shown as text, never as markup.
    assert "&lt;script&gt;" in space.description_html
    assert "<script>alert" not in page
    # Headings are shifted down: the page keeps its one h1 (the space's name).
    assert "<h2>Notre réseau</h2>" in space.description_html
    assert "<h3>Objectifs</h3>" in space.description_html
    assert h1_count(page) == 1
    assert "onerror=alert(2)>" not in page.replace("&gt;", "")


def test_a_name_with_html_is_refused_with_a_message_and_what_was_typed_is_kept(make_user):
    client = logged_in(make_user())
    response = client.post(
        CREATE,
        form_data(name="<b>Eau</b>", description="Ma description *soignée*", slug="eau-douce"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    message = french("HTML tags are not accepted here; please write plain text.")
    assert any(message in text for text in error_texts(html))
    assert 'value="&lt;b&gt;Eau&lt;/b&gt;"' in html
    assert "Ma description *soignée*</textarea>" in html
    assert 'value="eau-douce"' in html
    assert not Space.objects.exists()


def test_the_address_is_derived_from_the_name_and_numbered_when_taken(make_user):
    client = logged_in(make_user())
    for _ in range(3):
        assert client.post(CREATE, form_data(name="Réseau Eau")).status_code == 302
    assert sorted(Space.objects.values_list("slug", flat=True)) == [
        "reseau-eau",
        "reseau-eau-2",
        "reseau-eau-3",
    ]


def test_a_name_without_letters_still_gets_an_address(make_user):
    client = logged_in(make_user())
    assert client.post(CREATE, form_data(name="!!!")).status_code == 302
    assert Space.objects.get().slug == "espace"


def test_a_chosen_address_is_used_as_typed(make_user):
    client = logged_in(make_user())
    client.post(CREATE, form_data(name="Réseau Eau", slug="Eau-Douce"))
    assert Space.objects.get().slug == "eau-douce"


@pytest.mark.parametrize("taken_by", ["space", "former_address", "reserved"])
def test_a_chosen_address_already_taken_is_refused_and_nothing_is_created(
    make_user, make_space, taken_by
):
    if taken_by == "space":
        make_space("Autre", slug="eau-douce")
        slug = "eau-douce"
    elif taken_by == "former_address":
        other = make_space("Autre", slug="eau-douce")
        SlugRedirect.objects.create(slug="ancienne", space=other)
        slug = "ancienne"
    else:
        slug = "nouveau"
    before = Space.objects.count()
    client = logged_in(make_user("camille@example.org"))
    response = client.post(CREATE, form_data(name="Réseau Eau", slug=slug, description="Gardé"))
    assert response.status_code == 400
    message = french(
        "The address “%(slug)s” is already used by another space; please choose another.",
        slug=slug,
    )
    html = response.content.decode()
    assert message in error_texts(html)
    assert "Gardé</textarea>" in html
    assert Space.objects.count() == before
    assert not Space.objects.filter(name="Réseau Eau").exists()


def test_an_address_with_spaces_or_symbols_is_refused(make_user):
    response = logged_in(make_user()).post(CREATE, form_data(slug="eau douce!"))
    assert response.status_code == 400
    assert error_texts(response.content.decode())
    assert not Space.objects.exists()


@pytest.fixture
def camille_spaces(make_user, make_space, add_member):
    """Camille owns one space, facilitates another, is a member of a third; one is closed."""
    camille = make_user("camille@example.org")
    owned = make_space("Possédé", owner=camille, visibility="members")
    facilitated = make_space("Animé", visibility="members")
    add_member(facilitated, camille, Role.FACILITATOR)
    joined = make_space("Rejoint", visibility="public")
    add_member(joined, camille, Role.MEMBER)
    stranger = make_space("Étranger", visibility="public")
    closed = make_space("Fermé", owner=camille)
    actions.space_set_status(access=access_for(closed, camille), status="closed")
    return camille, owned, facilitated, joined, stranger, closed


def test_only_open_spaces_one_owns_or_facilitates_are_offered_as_parent(camille_spaces):
    camille, owned, facilitated, *_others = camille_spaces
    html = logged_in(camille).get(CREATE).content.decode()
    assert option_values(html, "parent") == {str(owned.pk), str(facilitated.pk)}


@pytest.mark.parametrize("which", ["joined", "stranger", "closed"])
def test_a_parent_one_may_not_manage_is_refused(camille_spaces, which):
    camille, _owned, _facilitated, joined, stranger, closed = camille_spaces
    parent = {"joined": joined, "stranger": stranger, "closed": closed}[which]
    before = Space.objects.count()
    response = logged_in(camille).post(CREATE, form_data(name="Enfant", parent=parent.pk))
    assert response.status_code == 400
    assert error_texts(response.content.decode())
    assert Space.objects.count() == before


def test_a_working_group_opens_inside_a_network_one_facilitates(camille_spaces):
    camille, _owned, facilitated, *_rest = camille_spaces
    client = logged_in(camille)
    page = client.get(CREATE + f"?parent={facilitated.slug}").content.decode()
    assert f'<option value="{facilitated.pk}" selected>' in page
    response = client.post(
        CREATE, form_data(name="Groupe Rivières", kind="working_group", parent=facilitated.pk)
    )
    assert response.status_code == 302
    child = Space.objects.get(name="Groupe Rivières")
    assert child.parent == facilitated
    assert Membership.objects.get(space=child).role == "owner"
    # The network's page lists its group.
    assert "Groupe Rivières" in client.get(url("detail", facilitated)).content.decode()


def test_a_sub_space_more_visible_than_its_parent_is_refused(camille_spaces):
    camille, owned, *_rest = camille_spaces
    before = Space.objects.count()
    response = logged_in(camille).post(
        CREATE, form_data(name="Groupe public", visibility="public", parent=owned.pk)
    )
    assert response.status_code == 400
    with translation.override("fr"):
        message = french(
            "A sub-space cannot be more visible than its parent “%(parent)s”, which is "
            "%(visibility)s.",
            parent=owned.name,
            visibility=owned.get_visibility_display(),
        )
    assert message in error_texts(response.content.decode())
    assert 'value="Groupe public"' in response.content.decode()
    assert Space.objects.count() == before


def test_spaces_nest_four_levels_deep_at_most(make_user, make_space):
    camille = make_user("camille@example.org")
    space = make_space("Niveau 1", owner=camille)
    for level in (2, 3, 4):
        space = make_space(f"Niveau {level}", owner=camille, parent=space)
    client = logged_in(camille)
    before = Space.objects.count()
    response = client.post(CREATE, form_data(name="Niveau 5", parent=space.pk))
    assert response.status_code == 400
    message = french("Spaces can be nested %(depth)d levels deep at most.", depth=4)
    assert message in error_texts(response.content.decode())
    assert Space.objects.count() == before
    # The deepest space is still reachable and shows its whole breadcrumb.
    page = client.get(url("detail", space)).content.decode()
    assert all(f"Niveau {level}" in page for level in (1, 2, 3))


# Editing ------------------------------------------------------------------------------------


EDIT_DATA = {
    "name": "Réseau Eau et Rivières",
    "kind": "project",
    "field": "territory",
    "description": "## Nouveau",
}


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_only_facilitators_and_owners_edit_a_space(personas, visibility):
    space, clients = personas(visibility)
    for persona in PERSONAS:
        before = state(space)
        response = clients[persona].post(url("edit", space), EDIT_DATA)
        if persona in ("facilitator", "owner"):
            assert response.status_code == 302, persona
            continue
        wanted = 404 if not expected(policies.SEE_CARD, persona, visibility, "open") else 403
        if persona == "anonymous" and wanted == 403:
            wanted = 302
        assert response.status_code == wanted, persona
        assert state(space) == before, persona


def test_a_facilitator_edits_the_name_kind_field_and_description(personas):
    space, clients = personas("members")
    client = clients["facilitator"]
    page = client.get(url("edit", space))
    assert page.status_code == 200
    assert 'value="Réseau Eau"' in page.content.decode()
    response = client.post(url("edit", space), EDIT_DATA)
    assert response.status_code == 302
    space.refresh_from_db()
    assert (space.name, space.kind, space.field, space.description) == tuple(EDIT_DATA.values())
    assert space.description_html == "<h3>Nouveau</h3>\n"
    assert space.slug == "reseau-eau"
    (event,) = events(space, "spaces.space.edited")
    assert event.actor == clients.users["facilitator"]


def test_an_edit_with_html_in_the_name_changes_nothing_and_keeps_the_text(personas):
    space, clients = personas("members")
    before = state(space)
    response = clients["owner"].post(
        url("edit", space), {**EDIT_DATA, "name": "<img src=x onerror=alert(1)>"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert french("HTML tags are not accepted here; please write plain text.") in " ".join(
        error_texts(html)
    )
    assert "## Nouveau</textarea>" in html
    assert state(space) == before


# Settings -------------------------------------------------------------------------------------


def settings_data(space: Space, **changes: str) -> dict[str, str]:
    return {
        "slug": space.slug,
        "visibility": space.visibility,
        "directory_visibility": space.directory_visibility,
        **changes,
    }


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_only_owners_change_the_settings(personas, visibility):
    space, clients = personas(visibility)
    data = settings_data(space, slug="nouvelle-adresse", directory_visibility="facilitators")
    for persona in PERSONAS[:-1]:
        before = state(space)
        response = clients[persona].post(url("settings", space), data)
        if not expected(policies.SEE_CARD, persona, visibility, "open"):
            assert response.status_code == 404, persona
        elif persona == "anonymous":
            assert response.status_code == 302, persona
        else:
            assert response.status_code == 403, persona
        assert state(space) == before, persona
    response = clients["owner"].post(url("settings", space), data)
    assert response.status_code == 302
    space.refresh_from_db()
    assert (space.slug, space.directory_visibility) == ("nouvelle-adresse", "facilitators")


def test_the_directory_can_be_kept_for_facilitators(personas):
    space, clients = personas("members")
    response = clients["owner"].post(
        url("settings", space), settings_data(space, directory_visibility="facilitators")
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.directory_visibility == "facilitators"
    assert not access_for(space, clients.users["member"]).can(policies.SEE_DIRECTORY)
    assert access_for(space, clients.users["facilitator"]).can(policies.SEE_DIRECTORY)
    (event,) = events(space, "spaces.space.configured")
    assert event.payload == {"changes": {"directory_visibility": ["members", "facilitators"]}}
    # Only the two documented values exist: the directory is never public.
    response = clients["owner"].post(
        url("settings", space), settings_data(space, directory_visibility="public")
    )
    assert response.status_code == 400


@pytest.fixture
def family(make_user, make_space):
    """A members-only network holding a members-only working group, both owned by Camille."""
    camille = make_user("camille@example.org")
    network = make_space("Réseau", owner=camille, visibility="members")
    group = make_space("Groupe", owner=camille, visibility="members", parent=network)
    return camille, network, group


def test_a_sub_space_cannot_become_more_visible_than_its_parent(family):
    camille, network, group = family
    before = state(group)
    response = logged_in(camille).post(
        url("settings", group), settings_data(group, visibility="public")
    )
    assert response.status_code == 400
    with translation.override("fr"):
        message = french(
            "A sub-space cannot be more visible than its parent “%(parent)s”, which is "
            "%(visibility)s.",
            parent=network.name,
            visibility=network.get_visibility_display(),
        )
    assert message in error_texts(response.content.decode())
    assert state(group) == before


def test_a_parent_cannot_become_less_visible_than_its_children(family):
    camille, network, group = family
    before = state(network)
    response = logged_in(camille).post(
        url("settings", network), settings_data(network, visibility="secret")
    )
    assert response.status_code == 400
    message = french(
        "These sub-spaces are more visible than that: %(names)s. Make them less visible first.",
        names="Groupe",
    )
    assert message in error_texts(response.content.decode())
    assert state(network) == before
    # Once the child is secret, the parent may follow.
    client = logged_in(camille)
    client.post(url("settings", group), settings_data(group, visibility="secret"))
    response = client.post(url("settings", network), settings_data(network, visibility="secret"))
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.visibility == "secret"


def test_a_new_address_keeps_the_old_one_as_a_permanent_redirect(personas):
    space, clients = personas("members")
    response = clients["owner"].post(url("settings", space), settings_data(space, slug="eau"))
    assert response.status_code == 302
    assert response["Location"] == reverse("spaces:settings", args=["eau"])
    space.refresh_from_db()
    assert space.slug == "eau"
    (event,) = events(space, "spaces.space.configured")
    assert event.payload == {"changes": {"slug": ["reseau-eau", "eau"]}}
    member = clients["member"]
    for old, new in (
        ("/s/reseau-eau/", "/s/eau/"),
        ("/s/reseau-eau/modifier/", "/s/eau/modifier/"),
        ("/s/reseau-eau/parametres/", "/s/eau/parametres/"),
        ("/s/reseau-eau/quitter/?suite=1", "/s/eau/quitter/?suite=1"),
    ):
        response = member.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new
    assert member.get("/s/eau/").status_code == 200


def test_the_old_address_of_a_sub_page_leads_to_the_same_sub_page(personas):
    space, clients = personas("members")
    clients["owner"].post(url("settings", space), settings_data(space, slug="eau"))
    response = clients["member"].get("/s/reseau-eau/membres/")
    assert response.status_code == 301
    assert response["Location"] == "/s/eau/membres/"


def test_the_old_address_of_a_secret_space_is_a_404_for_those_who_may_not_see_it(personas):
    space, clients = personas("secret")
    clients["owner"].post(url("settings", space), settings_data(space, slug="eau"))
    missing_anonymous = Client().get("/s/nulle-part/")
    for persona in ("anonymous", "outsider"):
        response = clients[persona].get("/s/reseau-eau/")
        assert response.status_code == 404, persona
        assert "Location" not in response
    assert missing_anonymous.status_code == 404
    assert clients["member"].get("/s/reseau-eau/").status_code == 301


def test_the_old_address_of_a_closed_space_is_a_404_for_its_members(personas):
    space, clients = personas("public")
    owner = clients["owner"]
    owner.post(url("settings", space), settings_data(space, slug="eau"))
    owner.post(reverse("spaces:change_status", args=["eau", "closed"]))
    assert clients["member"].get("/s/reseau-eau/").status_code == 404
    assert clients["anonymous"].get("/s/reseau-eau/").status_code == 404
    assert owner.get("/s/reseau-eau/").status_code == 301


def test_a_space_can_take_its_old_address_back(personas):
    space, clients = personas("members")
    owner = clients["owner"]
    owner.post(url("settings", space), settings_data(space, slug="eau"))
    space.refresh_from_db()
    response = owner.post(url("settings", space), settings_data(space, slug="reseau-eau"))
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.slug == "reseau-eau"
    assert list(SlugRedirect.objects.values_list("slug", "space")) == [("eau", space.pk)]
    assert clients["member"].get("/s/reseau-eau/").status_code == 200
    response = clients["member"].get("/s/eau/")
    assert (response.status_code, response["Location"]) == (301, "/s/reseau-eau/")


def test_an_old_address_is_never_given_to_another_space(personas, make_space, make_user):
    space, clients = personas("members")
    clients["owner"].post(url("settings", space), settings_data(space, slug="eau"))
    other_owner = make_user("autre@example.org")
    other = make_space("Autre", owner=other_owner)
    client = logged_in(other_owner)
    message = french(
        "The address “%(slug)s” is already used by another space; please choose another.",
        slug="reseau-eau",
    )
    before = state(other)
    response = client.post(url("settings", other), settings_data(other, slug="reseau-eau"))
    assert response.status_code == 400
    assert message in error_texts(response.content.decode())
    assert state(other) == before
    response = client.post(CREATE, form_data(name="Encore", slug="reseau-eau"))
    assert response.status_code == 400
    assert message in error_texts(response.content.decode())
    # Another space's current address is refused the same way.
    response = client.post(url("settings", other), settings_data(other, slug="eau"))
    assert response.status_code == 400
    assert state(other) == before


# Archive, close, reopen -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["archived", "closed"])
@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_only_owners_archive_or_close_a_space(personas, visibility, status):
    space, clients = personas(visibility)
    target = url("change_status", space, status)
    for persona in PERSONAS[:-1]:
        before = state(space)
        for response in (clients[persona].get(target), clients[persona].post(target)):
            if not expected(policies.SEE_CARD, persona, visibility, "open"):
                assert response.status_code == 404, persona
            elif persona == "anonymous":
                assert response.status_code == 302, persona
            else:
                assert response.status_code == 403, persona
        assert state(space) == before, persona


def test_an_unknown_status_is_not_found(personas):
    space, clients = personas("members")
    assert clients["owner"].get(url("change_status", space, "deleted")).status_code == 404
    assert clients["owner"].post(url("change_status", space, "deleted")).status_code == 404
    space.refresh_from_db()
    assert space.status == "open"


def archive(space: Space, client: Client) -> None:
    page = client.get(url("change_status", space, "archived"))
    assert page.status_code == 200
    assert french("Archive this space?") in page.content.decode()
    response = client.post(url("change_status", space, "archived"), follow=True)
    assert response.redirect_chain == [(url("detail", space), 302)]
    assert (
        french("The space is archived: it stays readable, nobody can change it.")
        in response.content.decode()
    )


def test_an_archived_space_stays_readable_but_nobody_can_change_it(personas, make_user):
    space, clients = personas("public")
    owner = clients["owner"]
    archive(space, owner)
    space.refresh_from_db()
    assert space.status == "archived"
    assert space.status_changed_at is not None
    (event,) = events(space, "spaces.space.archived")
    assert event.actor == clients.users["owner"] and event.payload == {"previous": "open"}
    # Still readable by everyone who could read it, and listed.
    for persona in PERSONAS:
        assert clients[persona].get(url("detail", space)).status_code == 200, persona
    assert "Réseau Eau" in Client().get(HOME).content.decode()
    before = state(space)
    # Nobody edits it, not even its owners; its settings are frozen.
    for persona in ("facilitator", "owner"):
        assert clients[persona].get(url("edit", space)).status_code == 403
        assert clients[persona].post(url("edit", space), EDIT_DATA).status_code == 403
    response = owner.post(url("settings", space), settings_data(space, visibility="members"))
    assert response.status_code == 403
    page = owner.get(url("settings", space)).content.decode()
    assert url("change_status", space, "open") in page
    assert 'name="visibility"' not in page
    # Nobody joins, is invited or gets a sub-space.
    outsider = access_for(space, clients.users["outsider"])
    with pytest.raises(PermissionDenied):
        actions.join_request_create(access=outsider, message="Bonjour")
    with pytest.raises(PermissionDenied):
        actions.invitations_send(
            access=access_for(space, clients.users["owner"]),
            rows=[actions.InvitationRow("invite@example.org")],
        )
    with pytest.raises(PermissionDenied):
        actions.space_create(
            actor=clients.users["owner"], name="Enfant", kind="project", field="other",
            parent=space,
        )  # fmt: skip
    assert str(space.pk) not in option_values(owner.get(CREATE).content.decode(), "parent")
    assert state(space) == before
    # Members may still leave.
    response = clients["member"].post(url("leave", space))
    assert response.status_code == 302
    assert not Membership.objects.filter(space=space, user=clients.users["member"]).exists()


def close(space: Space, client: Client) -> None:
    page = client.get(url("change_status", space, "closed"))
    assert page.status_code == 200
    assert french("Close this space?") in page.content.decode()
    response = client.post(url("change_status", space, "closed"))
    assert response.status_code == 302


def test_a_closed_space_is_hidden_from_everyone_but_its_owners(personas, make_user, add_member):
    network_owner = make_user("reseau@example.org")
    network_facilitator = make_user("animation@example.org")
    space, clients = personas("public")
    network = actions.space_create(
        actor=network_owner, name="Réseau parent", kind="network", field="other",
        visibility="public",
    )  # fmt: skip
    add_member(network, network_facilitator, Role.FACILITATOR)
    Space.objects.filter(pk=space.pk).update(parent=network)
    close(space, clients["owner"])
    space.refresh_from_db()
    assert space.status == "closed"
    (event,) = events(space, "spaces.space.closed")
    assert event.actor == clients.users["owner"]
    hidden = [*PERSONAS[:-1]]
    viewers = {name: clients[name] for name in hidden}
    viewers["network owner"] = logged_in(network_owner)
    viewers["network facilitator"] = logged_in(network_facilitator)
    for name, client in viewers.items():
        assert client.get(url("detail", space)).status_code == 404, name
        assert "Réseau Eau" not in client.get(HOME).content.decode(), name
        assert "Réseau Eau" not in client.get(url("detail", network)).content.decode(), name
    # Its owners see it, on its page and among their spaces, and may reopen it.
    owner = clients["owner"]
    page = owner.get(url("detail", space)).content.decode()
    closed_notice = french(
        "This space is closed: only its owners can see it. They can reopen it from the settings."
    )
    assert closed_notice in page
    assert url("detail", space) in owner.get(HOME).content.decode()
    assert url("change_status", space, "open") in owner.get(url("settings", space)).content.decode()
    assert owner.get(url("edit", space)).status_code == 403


def test_owners_reopen_an_archived_or_closed_space(personas):
    space, clients = personas("members")
    owner = clients["owner"]
    close(space, owner)
    page = owner.get(url("change_status", space, "open"))
    assert page.status_code == 200
    assert french("Reopen this space?") in page.content.decode()
    response = owner.post(url("change_status", space, "open"), follow=True)
    assert french("The space is open again.") in response.content.decode()
    space.refresh_from_db()
    assert space.status == "open"
    assert [e.payload for e in events(space, "spaces.space.reopened")] == [{"previous": "closed"}]
    assert clients["member"].get(url("detail", space)).status_code == 200
    assert clients["facilitator"].get(url("edit", space)).status_code == 200
    archive(space, owner)
    owner.post(url("change_status", space, "open"))
    space.refresh_from_db()
    assert space.status == "open"
    assert ActivityEvent.objects.filter(space=space, kind="spaces.space.reopened").count() == 2


def test_asking_for_the_status_a_space_already_has_changes_nothing(personas):
    space, clients = personas("members")
    before = state(space)
    response = clients["owner"].post(url("change_status", space, "open"))
    assert response.status_code == 302
    assert state(space) == before


# Leaving --------------------------------------------------------------------------------------


def test_a_member_leaves_after_confirming(personas):
    space, clients = personas("members")
    client = clients["member"]
    page = client.get(url("leave", space))
    assert page.status_code == 200
    assert french("Leave this space?") in page.content.decode()
    assert Membership.objects.filter(space=space, user=clients.users["member"]).exists()
    response = client.post(url("leave", space), follow=True)
    assert response.redirect_chain == [(HOME, 302)]
    assert french("You left “%(name)s”.", name="Réseau Eau") in response.content.decode()
    assert not Membership.objects.filter(space=space, user=clients.users["member"]).exists()
    space.refresh_from_db()
    assert space.member_count == 3
    (event,) = events(space, "spaces.member.left")
    assert event.payload == {"user": clients.users["member"].pk, "role": "member"}
    # Without a role, the space's content is closed to them again.
    assert client.get(url("detail", space)).status_code == 200
    assert url("leave", space) not in client.get(url("detail", space)).content.decode()


def test_the_last_owner_cannot_leave(personas):
    space, clients = personas("members")
    before = state(space)
    response = clients["owner"].post(url("leave", space))
    assert response.status_code == 400
    message = french(
        "A space always keeps at least one owner. Make someone else owner first, then try again."
    )
    assert message in response.content.decode()
    assert state(space) == before


def test_an_owner_leaves_when_another_owner_remains(personas):
    space, clients = personas("members")
    Membership.objects.filter(space=space, user=clients.users["facilitator"]).update(role="owner")
    response = clients["owner"].post(url("leave", space))
    assert response.status_code == 302
    assert list(Membership.objects.filter(space=space, role="owner").values_list("user")) == [
        (clients.users["facilitator"].pk,)
    ]


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_people_without_a_membership_cannot_leave(personas, visibility):
    space, clients = personas(visibility)
    for persona in ("anonymous", "outsider"):
        before = state(space)
        response = clients[persona].post(url("leave", space))
        if visibility == "secret":
            assert response.status_code == 404
        elif persona == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 403
        assert state(space) == before


# What people type is escaped everywhere -------------------------------------------------------


NASTY_NAMES = ['"><svg onload=alert(1)>', "{{7*7}} {% now 'Y' %}"]


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_a_space_name_is_shown_as_text_on_every_page(make_user, make_space, name):
    # The form refuses markup; the action does not, so escaping is the last wall.
    owner = make_user("camille@example.org")
    network = make_space(name, owner=owner, visibility="public")
    child = make_space(name + " groupe", owner=owner, visibility="public", parent=network)
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
    pages = {
        "home (visitor)": Client().get(HOME),
        "home (owner)": logged_in(owner).get(HOME),
        "detail": Client().get(url("detail", network)),
        "child with breadcrumb": Client().get(url("detail", child)),
        "settings": logged_in(owner).get(url("settings", network)),
        "create (parent choices)": logged_in(owner).get(CREATE),
    }
    for label, response in pages.items():
        assert response.status_code == 200, label
        html = response.content.decode()
        assert escaped in html, label
        assert "<svg" not in html, label
    title = re.search(r"<title>(.*?)</title>", pages["detail"].content.decode(), re.S)
    assert title and escaped in title.group(1)
    breadcrumb = re.search(
        r'<nav class="breadcrumb".*?</nav>', pages["child with breadcrumb"].content.decode(), re.S
    )
    assert breadcrumb and escaped in breadcrumb.group(0)
