"""Issue 5, point 2: page templates. Four built in (meeting notes, charter, project sheet,
presentation sheet) that facilitators may rewrite, remove and reset for their space, and the
space's own; contributors start a page from any of them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape

from coopilote.accounts.tests.helpers import in_french
from coopilote.activity.models import ActivityEvent
from coopilote.activity.rollups import local_today
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.wiki import actions, page_templates
from coopilote.tools.wiki.models import PageTemplate
from coopilote.tools.wiki.tests.helpers import state, wiki_access_for
from coopilote.tools.wiki.tests.xss_corpus import CORPUS

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
ROLES = {"observer", "member", "facilitator", "owner"}
ALLOWED = {"edit": {"member", "facilitator", "owner"}, "manage": {"facilitator", "owner"}}
# route → (verb, status of a successful GET, whether it takes a POST)
ROUTES: dict[str, tuple[str, int, bool]] = {
    "templates": ("edit", 200, False),
    "template_create": ("manage", 200, True),
    "template_edit": ("manage", 200, True),
    "template_remove": ("manage", 200, True),
    "template_reset": ("manage", 405, True),
}


def full_state() -> dict[str, Any]:
    return {**state(), "templates": list(PageTemplate.objects.order_by("pk").values())}


def expected(verb: str, persona: str, visibility: str, success: int) -> int:
    if persona in ROLES:
        return success if persona in ALLOWED[verb] else 403
    if visibility == "secret":
        return 404
    return 302 if persona == "anonymous" else 403


def url_of(name: str, space, ref: str = "compte-rendu") -> str:
    if name in ("templates", "template_create"):
        return reverse(f"wiki:{name}", args=[space.slug])
    return reverse(f"wiki:{name}", args=[space.slug, ref])


def assert_answer(response, wanted: int, persona: str) -> None:
    assert response.status_code == wanted, (persona, response.status_code)
    if wanted == 302 and persona == "anonymous":
        assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", list(ROUTES))
def test_every_template_page_answers_every_persona_as_the_tool_matrix_says(
    wiki_space, name, visibility
):
    space, clients = wiki_space(visibility)
    verb, success, _post = ROUTES[name]
    before = full_state()
    for persona in PERSONAS:
        response = clients[persona].get(url_of(name, space))
        assert_answer(response, expected(verb, persona, visibility, success), persona)
    assert full_state() == before


def post_for(name: str, persona: str, space, clients) -> tuple[str, dict[str, str]]:
    """A POST that changes something each time a different persona sends it."""
    owner = clients.users["owner"]
    if name == "template_create":
        return url_of(name, space), {"name": f"Modèle {persona}", "body": "## Ordre du jour\n"}
    if name == "template_edit":
        return url_of(name, space), {"name": f"Compte rendu {persona}", "body": "## Présents\n"}
    access = wiki_access_for(space, owner)
    if name == "template_remove":
        own = actions.template_save(access=access, ref=None, name=f"À retirer {persona}")
        return url_of(name, space, str(own.pk)), {}
    actions.template_save(access=access, ref="charte", name=f"Charte {persona}")
    return url_of(name, space, "charte"), {}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("name", [name for name, route in ROUTES.items() if route[2]])
def test_a_refused_template_post_changes_nothing_and_an_allowed_one_commits(
    wiki_space, name, visibility
):
    space, clients = wiki_space(visibility)
    verb = ROUTES[name][0]
    for persona in PERSONAS:
        url, data = post_for(name, persona, space, clients)
        before = full_state()
        response = clients[persona].post(url, data)
        if persona in ALLOWED[verb]:
            assert response.status_code == 302, (persona, response.content[:2000])
            assert full_state() != before, persona
        else:
            assert_answer(response, expected(verb, persona, visibility, 302), persona)
            assert full_state() == before, persona


def test_the_four_built_in_templates_are_offered_in_the_reader_language(wiki_space):
    space, clients = wiki_space("members")
    response = clients["member"].get(reverse("wiki:create", args=[space.slug]))
    body = response.content.decode()
    for name in ("Meeting notes", "Operating charter", "Project sheet", "Presentation sheet"):
        assert in_french(name) in body, name
        assert in_french(name) != name
    assert [template.ref for template in response.context["templates"]] == [
        "compte-rendu",
        "charte",
        "fiche-projet",
        "fiche-presentation",
    ]


def test_a_new_page_starts_from_a_template_with_today_date_and_keeps_an_asked_title(
    wiki_space,
):
    space, clients = wiki_space("members")
    url = reverse("wiki:create", args=[space.slug])
    form = clients["member"].get(url, {"modele": "compte-rendu"}).context["form"]
    today = formats.date_format(local_today(), "SHORT_DATE_FORMAT")
    assert form.initial["title"] == in_french("Meeting notes — {date}").replace("{date}", today)
    assert today in form.initial["body"] and "{date}" not in form.initial["body"]
    assert "| " in form.initial["body"]  # the decisions and actions tables
    # From a "to create" link: the page keeps the title the link asked for.
    form = clients["member"].get(url, {"modele": "fiche-projet", "title": "Mares"}).context["form"]
    assert form.initial["title"] == "Mares"
    assert form.initial["body"].startswith("## ")
    # An unknown or removed template gives a blank page, not an error.
    for ref in ("inconnu", "999999", "../x"):
        response = clients["member"].get(url, {"modele": ref})
        assert response.status_code == 200 and not response.context["form"].initial.get("body")


def test_a_facilitator_adapts_a_built_in_template_for_the_space_only(wiki_space, make_space):
    space, clients = wiki_space("members")
    other = make_space("Autre réseau")
    response = clients["facilitator"].post(
        reverse("wiki:template_edit", args=[space.slug, "charte"]),
        {
            "name": "Charte du réseau",
            "description": "La nôtre",
            "title": "",
            "body": "## Valeurs\n",
        },
    )
    assert response.status_code == 302
    adapted = page_templates.find(space, "charte")
    assert adapted is not None and adapted.changed and adapted.name == "Charte du réseau"
    untouched = page_templates.find(other, "charte")
    assert untouched is not None and not untouched.changed
    form = (
        clients["member"]
        .get(reverse("wiki:create", args=[space.slug]), {"modele": "charte"})
        .context["form"]
    )
    assert form.initial["body"] == "## Valeurs\n"
    assert ActivityEvent.objects.filter(kind="wiki.template.saved").count() == 1
    # Back as it comes.
    response = clients["owner"].post(reverse("wiki:template_reset", args=[space.slug, "charte"]))
    assert response.status_code == 302
    assert not PageTemplate.objects.filter(space=space).exists()
    found = page_templates.find(space, "charte")
    assert found is not None and not found.changed


def test_removing_a_built_in_template_hides_it_and_it_can_be_shown_again(wiki_space):
    space, clients = wiki_space("members")
    response = clients["facilitator"].post(
        reverse("wiki:template_remove", args=[space.slug, "fiche-presentation"])
    )
    assert response.status_code == 302
    refs = [template.ref for template in page_templates.space_templates(space)]
    assert "fiche-presentation" not in refs
    assert page_templates.find(space, "fiche-presentation") is None
    listing = clients["facilitator"].get(reverse("wiki:templates", args=[space.slug]))
    assert [template.ref for template in listing.context["hidden"]] == ["fiche-presentation"]
    assert (
        clients["member"].get(reverse("wiki:templates", args=[space.slug])).context["hidden"] == []
    )
    clients["facilitator"].post(
        reverse("wiki:template_reset", args=[space.slug, "fiche-presentation"])
    )
    assert "fiche-presentation" in [t.ref for t in page_templates.space_templates(space)]


def test_the_space_own_template_is_created_used_and_deleted(wiki_space):
    space, clients = wiki_space("members")
    response = clients["facilitator"].post(
        reverse("wiki:template_create", args=[space.slug]),
        {
            "name": "Sortie nature",
            "description": "Pour préparer une sortie",
            "title": "Sortie du {date}",
            "body": "## Lieu\n\n## Matériel\n",
        },
    )
    assert response.status_code == 302
    row = PageTemplate.objects.get(space=space, key="")
    assert page_templates.space_templates(space)[-1].ref == str(row.pk)
    form = (
        clients["member"]
        .get(reverse("wiki:create", args=[space.slug]), {"modele": str(row.pk)})
        .context["form"]
    )
    assert form.initial["body"] == "## Lieu\n\n## Matériel\n"
    assert form.initial["title"].startswith("Sortie du ") and "{date}" not in form.initial["title"]
    response = clients["facilitator"].post(
        reverse("wiki:template_remove", args=[space.slug, row.pk])
    )
    assert response.status_code == 302
    assert not PageTemplate.objects.exists()
    assert ActivityEvent.objects.filter(kind="wiki.template.removed").count() == 1


def test_a_template_of_another_space_is_a_404_and_changes_nothing(
    wiki_space, make_space, make_user
):
    space, clients = wiki_space("members")
    other_owner = make_user("autre@example.org")
    other = make_space("Autre réseau", owner=other_owner)
    space_actions.space_tool_enable(access=access_for(other, other_owner), tool_key="wiki")
    own = actions.template_save(access=wiki_access_for(other, other_owner), ref=None, name="Secret")
    before = full_state()
    for name in ("template_edit", "template_remove"):
        url = reverse(f"wiki:{name}", args=[space.slug, own.pk])
        assert clients["owner"].get(url).status_code == 404
        assert clients["owner"].post(url, {"name": "Volé"}).status_code == 404
    assert full_state() == before


def test_bad_template_input_is_refused_with_a_message_and_keeps_what_was_typed(
    wiki_space, settings
):
    space, clients = wiki_space("members")
    settings.WIKI_MAX_PAGE_CHARS = 200
    url = reverse("wiki:template_create", args=[space.slug])
    cases = [
        ({"name": "", "body": "texte gardé"}, "name"),
        ({"name": in_french("Meeting notes"), "body": "texte gardé"}, "name"),  # a built-in's
        ({"name": "Long", "body": "texte gardé " * 40}, "body"),
        ({"name": "x" * 101, "body": "texte gardé"}, "name"),
    ]
    before = full_state()
    for data, field in cases:
        response = clients["facilitator"].post(url, data)
        assert response.status_code == 400, data
        form = response.context["form"]
        assert form.errors.get(field), (data, form.errors)
        assert form["body"].value() == data["body"]
    assert full_state() == before


@pytest.mark.parametrize("payload", list(CORPUS.values())[:8], ids=list(CORPUS)[:8])
def test_hostile_template_text_is_shown_as_text(wiki_space, payload):
    space, clients = wiki_space("members")
    saved = actions.template_save(
        access=wiki_access_for(space, clients.users["owner"]),
        ref=None,
        name="Modèle {{7*7}}",
        description='"><b>x</b>'.replace("<b>x</b>", "«x»"),
        body=payload,
    )
    listing = clients["member"].get(reverse("wiki:templates", args=[space.slug])).content
    assert "Modèle {{7*7}}" in listing.decode() and "Modèle 49" not in listing.decode()
    assert "&quot;&gt;«x»" in listing.decode()
    new_page = clients["member"].get(
        reverse("wiki:create", args=[space.slug]), {"modele": str(saved.pk)}
    )
    assert f"{escape(saved.body)}</textarea>" in new_page.content.decode()


@pytest.mark.parametrize("field", ["name", "description", "title"])
def test_html_in_a_template_line_is_refused_with_a_message(wiki_space, field):
    space, clients = wiki_space("members")
    data = {"name": "Modèle", "body": "gardé", field: '"><svg onload=alert(1)>'}
    before = full_state()
    response = clients["facilitator"].post(reverse("wiki:template_create", args=[space.slug]), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert response.context["form"]["body"].value() == "gardé"
    assert full_state() == before
