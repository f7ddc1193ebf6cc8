"""Tools of a space: facilitators enable, disable, rename and order them; members find them in
the space menu. Every page and POST is tried by the six personas."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.activity.models import ActivityEvent, Participation
from coopilote.spaces import actions, registry
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Membership, SpaceTool
from coopilote.spaces.tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]


def state() -> tuple:
    return (
        list(SpaceTool.objects.order_by("pk").values()),
        list(ActivityEvent.objects.order_by("pk").values_list("pk", "kind")),
    )


def expected_for_managers(visibility: str, success: int = 200) -> dict[str, int]:
    return {
        "anonymous": 404 if visibility == "secret" else 302,
        "outsider": 404 if visibility == "secret" else 403,
        "observer": 403,
        "member": 403,
        "facilitator": success,
        "owner": success,
    }


def owner_access(space, clients):
    return access_for(space, clients.users["owner"])


def menu_links(html: str) -> str:
    start = html.index('<nav class="space-nav"')
    return html[start : html.index("</nav>", start)]


def enable(space, clients, *keys: str) -> None:
    for key in keys:
        actions.space_tool_enable(access=owner_access(space, clients), tool_key=key)


def keys_in_order(space) -> list[str]:
    return list(
        SpaceTool.objects.filter(space=space, enabled=True)
        .order_by("position", "pk")
        .values_list("tool_key", flat=True)
    )


# Permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_tools_page_answers_every_persona_as_the_matrix_says(personas, visibility):
    space, clients = personas(visibility)
    url = reverse("spaces:tools", args=[space.slug])
    answers = {persona: clients[persona].get(url).status_code for persona in PERSONAS}
    assert answers == expected_for_managers(visibility)


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_rename_page_answers_every_persona_as_the_matrix_says(personas, visibility):
    space, clients = personas(visibility)
    enable(space, clients, "external")
    url = reverse("spaces:tool_rename", args=[space.slug, "external"])
    answers = {persona: clients[persona].get(url).status_code for persona in PERSONAS}
    assert answers == expected_for_managers(visibility)


POSTS = {
    "tool_enable": {},
    "tool_disable": {},
    "tool_rename": {"title": "Nos outils"},
    "tool_move": {"direction": "up"},
}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(POSTS))
def test_a_refused_post_changes_nothing_and_a_facilitator_s_post_commits(
    personas, more_tools, name, visibility
):
    space, clients = personas(visibility)
    enable(space, clients, "notes", "external")
    if name == "tool_enable":
        actions.space_tool_disable(access=owner_access(space, clients), tool_key="external")
    url = reverse(f"spaces:{name}", args=[space.slug, "external"])
    for persona in ["anonymous", "outsider", "observer", "member"]:
        before = state()
        response = clients[persona].post(url, POSTS[name])
        assert response.status_code == expected_for_managers(visibility)[persona], persona
        assert state() == before, persona
    before = state()
    response = clients["facilitator"].post(url, POSTS[name])
    assert response.status_code == 302
    assert state() != before


@pytest.mark.parametrize("name", list(POSTS))
def test_an_archived_space_cannot_change_its_tools(personas, name):
    space, clients = personas("members")
    enable(space, clients, "external")
    actions.space_set_status(access=owner_access(space, clients), status="archived")
    before = state()
    url = reverse(f"spaces:{name}", args=[space.slug, "external"])
    for persona in ["facilitator", "owner"]:
        assert clients[persona].post(url, POSTS[name]).status_code == 403
        assert clients[persona].get(reverse("spaces:tools", args=[space.slug])).status_code == 403
    assert state() == before
    # The tools stay in the menu: an archived space is read-only, not emptied.
    html = clients["member"].get(space.get_absolute_url()).content.decode()
    assert reverse("external:index", args=[space.slug]) in menu_links(html)


def test_the_post_only_routes_refuse_a_get(personas):
    space, clients = personas("members")
    for name in ["tool_enable", "tool_disable", "tool_move"]:
        url = reverse(f"spaces:{name}", args=[space.slug, "external"])
        assert clients["owner"].get(url).status_code == 405


# Enabling, disabling ---------------------------------------------------------------------------


def test_enabling_a_tool_creates_it_with_the_manifest_s_address_and_name(personas):
    space, clients = personas("members")
    response = clients["facilitator"].post(
        reverse("spaces:tool_enable", args=[space.slug, "external"])
    )
    assert response.status_code == 302
    tool = SpaceTool.objects.get(space=space)
    manifest = registry.get("external")
    assert manifest is not None
    assert (tool.tool_key, tool.slug, tool.enabled, tool.position) == (
        "external",
        manifest.slug,
        True,
        0,
    )
    assert tool.title == str(manifest.verbose_name)
    event = ActivityEvent.objects.get(kind="spaces.tool.enabled")
    assert (event.actor, event.participation, event.payload["tool"]) == (
        clients.users["facilitator"],
        Participation.ADMIN,
        "external",
    )


@pytest.mark.parametrize("persona", ["anonymous", "observer", "member", "facilitator", "owner"])
def test_members_and_visitors_of_a_public_space_find_enabled_tools_in_the_menu(personas, persona):
    space, clients = personas("public")
    enable(space, clients, "external")
    html = clients[persona].get(space.get_absolute_url()).content.decode()
    assert reverse("external:index", args=[space.slug]) in menu_links(html)


def test_only_facilitators_see_the_tools_entry_of_the_menu(personas):
    space, clients = personas("members")
    tools_url = reverse("spaces:tools", args=[space.slug])
    for persona in ["observer", "member", "facilitator", "owner"]:
        html = clients[persona].get(space.get_absolute_url()).content.decode()
        assert (tools_url in menu_links(html)) is (persona in ("facilitator", "owner")), persona


def test_disabling_hides_the_tool_answers_404_and_keeps_its_content(personas):
    from coopilote.tools.external.actions import external_tool_add
    from coopilote.tools.external.models import ExternalTool
    from coopilote.tools.external.tests.helpers import tool_access_for

    space, clients = personas("members")
    enable(space, clients, "external")
    card = external_tool_add(
        access=tool_access_for(space, clients.users["owner"]),
        name="Pad",
        url="https://pad.example.org",
        category="pad",
    )
    response = clients["facilitator"].post(
        reverse("spaces:tool_disable", args=[space.slug, "external"])
    )
    assert response.status_code == 302
    assert fr(
        "“%(title)s” is disabled: it is hidden, and its content is kept.",
        title=SpaceTool.objects.get().title,
    ) in [str(m) for m in clients["facilitator"].get(response["Location"]).context["messages"]]
    index = reverse("external:index", args=[space.slug])
    for persona in PERSONAS[2:]:
        assert clients[persona].get(index).status_code == 404, persona
    # Outsiders of a members-only space learn nothing about its tools, enabled or not.
    assert clients["outsider"].get(index).status_code == 403
    assert clients["anonymous"].get(index).status_code == 302
    html = clients["owner"].get(space.get_absolute_url()).content.decode()
    assert index not in menu_links(html)
    assert ExternalTool.objects.filter(pk=card.pk).exists()
    assert SpaceTool.objects.get(space=space).enabled is False


def test_a_disabled_tool_comes_back_where_it_was_with_its_name(personas, more_tools):
    space, clients = personas("members")
    enable(space, clients, "notes", "external", "agenda_test")
    access = owner_access(space, clients)
    actions.space_tool_rename(access=access, tool_key="external", title="Nos outils")
    actions.space_tool_disable(access=access, tool_key="external")
    assert keys_in_order(space) == ["notes", "agenda_test"]
    actions.space_tool_enable(access=access, tool_key="external")
    assert keys_in_order(space) == ["notes", "external", "agenda_test"]
    assert SpaceTool.objects.get(space=space, tool_key="external").title == "Nos outils"


def test_enabling_an_unknown_tool_is_refused_with_a_message(personas):
    space, clients = personas("members")
    before = state()
    response = clients["owner"].post(reverse("spaces:tool_enable", args=[space.slug, "nope"]))
    assert response.status_code == 400
    assert fr("There is no tool called “%(key)s”.", key="nope") in response.content.decode()
    assert state() == before


def test_disabling_a_tool_that_was_never_enabled_is_refused_with_a_message(personas):
    space, clients = personas("members")
    before = state()
    response = clients["owner"].post(reverse("spaces:tool_disable", args=[space.slug, "external"]))
    assert response.status_code == 400
    assert fr("This tool is not enabled in the space.") in response.content.decode()
    assert state() == before


def test_enabling_twice_changes_nothing_the_second_time(personas):
    space, clients = personas("members")
    url = reverse("spaces:tool_enable", args=[space.slug, "external"])
    clients["owner"].post(url)
    before = state()
    assert clients["owner"].post(url).status_code == 302
    assert state() == before


def test_a_tool_whose_reading_is_narrowed_to_facilitators_leaves_members_menus(personas):
    space, clients = personas("members")
    enable(space, clients, "external")
    SpaceTool.objects.filter(space=space).update(settings={"verbs": {"read": ["facilitator"]}})
    index = reverse("external:index", args=[space.slug])
    member_page = clients["member"].get(space.get_absolute_url()).content.decode()
    facilitator_page = clients["facilitator"].get(space.get_absolute_url()).content.decode()
    assert index not in menu_links(member_page)
    assert index in menu_links(facilitator_page)
    assert clients["member"].get(index).status_code == 403


# Renaming --------------------------------------------------------------------------------------


def test_renaming_changes_the_menu_but_not_the_address(personas):
    space, clients = personas("members")
    enable(space, clients, "external")
    previous = SpaceTool.objects.get(space=space).title
    response = clients["facilitator"].post(
        reverse("spaces:tool_rename", args=[space.slug, "external"]), {"title": "  Nos outils  "}
    )
    assert response.status_code == 302
    tool = SpaceTool.objects.get(space=space)
    assert (tool.title, tool.slug) == ("Nos outils", "outils-externes")
    html = clients["member"].get(space.get_absolute_url()).content.decode()
    index = reverse("external:index", args=[space.slug])
    assert f'<a href="{index}">Nos outils</a>' in menu_links(html)
    event = ActivityEvent.objects.get(kind="spaces.tool.renamed")
    assert event.payload["previous"] == previous


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("<b>Outils</b>", "HTML tags are not accepted here; please write plain text."),
        ("x" * 81, None),
        ("   ", "This field is required."),
    ],
)
def test_a_bad_name_is_refused_and_kept_in_the_form(personas, title, message):
    space, clients = personas("members")
    enable(space, clients, "external")
    before = state()
    response = clients["owner"].post(
        reverse("spaces:tool_rename", args=[space.slug, "external"]), {"title": title}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    if message:
        assert fr(message) in response.context["form"].errors["title"]
    if title.strip():
        assert response.context["form"]["title"].value() == title
    assert state() == before


def test_the_rename_action_itself_refuses_markup_and_empty_names(personas):
    from django.core.exceptions import ValidationError

    space, clients = personas("members")
    enable(space, clients, "external")
    before = state()
    for title in ["<script>x</script>", "", "y" * 81]:
        with pytest.raises(ValidationError):
            actions.space_tool_rename(
                access=owner_access(space, clients), tool_key="external", title=title
            )
    assert state() == before


def test_renaming_a_tool_never_enabled_is_not_found(personas):
    space, clients = personas("members")
    url = reverse("spaces:tool_rename", args=[space.slug, "external"])
    assert clients["owner"].get(url).status_code == 404


# Ordering --------------------------------------------------------------------------------------


def test_moving_tools_orders_the_menu_and_the_ends_stay_put(personas, more_tools):
    space, clients = personas("members")
    enable(space, clients, "notes", "agenda_test", "external")
    move = reverse("spaces:tool_move", args=[space.slug, "external"])
    assert clients["facilitator"].post(move, {"direction": "up"}).status_code == 302
    assert keys_in_order(space) == ["notes", "external", "agenda_test"]
    clients["facilitator"].post(move, {"direction": "up"})
    assert keys_in_order(space) == ["external", "notes", "agenda_test"]
    before = state()
    assert clients["facilitator"].post(move, {"direction": "up"}).status_code == 302
    assert state() == before
    html = clients["member"].get(space.get_absolute_url()).content.decode()
    menu = menu_links(html)
    positions = [
        menu.index(f'href="{space.get_absolute_url()}{slug}/"')
        for slug in ["outils-externes", "notes", "agenda"]
    ]
    assert positions == sorted(positions)
    assert ActivityEvent.objects.filter(kind="spaces.tool.moved").count() == 2


def test_a_move_skips_over_disabled_tools(personas, more_tools):
    space, clients = personas("members")
    enable(space, clients, "notes", "agenda_test", "external")
    actions.space_tool_disable(access=owner_access(space, clients), tool_key="agenda_test")
    actions.space_tool_move(
        access=owner_access(space, clients), tool_key="external", direction="up"
    )
    assert keys_in_order(space) == ["external", "notes"]


def test_an_unknown_direction_is_refused(personas):
    space, clients = personas("members")
    enable(space, clients, "external")
    before = state()
    response = clients["owner"].post(
        reverse("spaces:tool_move", args=[space.slug, "external"]), {"direction": "left"}
    )
    assert response.status_code == 400
    assert state() == before


# The tools page --------------------------------------------------------------------------------


def test_the_tools_page_says_what_each_tool_is_for_and_its_state(personas, more_tools):
    space, clients = personas("members")
    enable(space, clients, "external", "notes")
    actions.space_tool_disable(access=owner_access(space, clients), tool_key="notes")
    html = clients["facilitator"].get(reverse("spaces:tools", args=[space.slug])).content.decode()
    external = registry.get("external")
    assert external is not None
    assert str(external.description) in html
    for usage in external.usages:
        assert str(registry.USAGES[usage]) in html
    assert fr("Enabled") in html
    assert fr("Disabled, content kept") in html
    assert fr("Not used") in html  # the agenda was never enabled
    assert reverse("spaces:tool_enable", args=[space.slug, "agenda_test"]) in html
    assert reverse("spaces:tool_disable", args=[space.slug, "external"]) in html


# Query counts ----------------------------------------------------------------------------------


def test_the_menu_costs_one_query_whatever_the_number_of_tools(personas, more_tools):
    space, clients = personas("members")

    def count() -> int:
        clients["member"].get(space.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            assert clients["member"].get(space.get_absolute_url()).status_code == 200
        return len(captured)

    none = count()
    enable(space, clients, "external")
    one = count()
    enable(space, clients, "notes", "agenda_test")
    assert count() == one == none
    assert Membership.objects.filter(space=space).count() == 4


def test_outsiders_cannot_tell_which_tools_a_members_space_has_enabled(personas):
    space, clients = personas("members")
    index = reverse("external:index", args=[space.slug])
    before = clients["outsider"].get(index)
    enable(space, clients, "external")
    after = clients["outsider"].get(index)
    assert before.status_code == after.status_code == 403
