"""Writing pages together without ever losing an edit (issue 5; quality.md REL-T01 to REL-T03)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopilote.accounts.tests.helpers import error_texts
from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.activity.models import ActivityEvent, Participation, ViewCount
from coopilote.tools.wiki import actions, selectors
from coopilote.tools.wiki.models import Draft, Page, PageLink, Revision
from coopilote.tools.wiki.tests.helpers import (
    form_values,
    messages_of,
    race,
    state,
    wiki_access_for,
)

pytestmark = pytest.mark.django_db

THREE_PARAGRAPHS = (
    "# Compte rendu\n\nPremier point : le budget.\n\nDeuxième point : le local.\n\n"
    "Troisième point : la fête.\n"
)


def edit_url(page: Page) -> str:
    return reverse("wiki:edit", args=[page.space.slug, page.slug])


def page_url(page: Page) -> str:
    return reverse("wiki:page", args=[page.space.slug, page.slug])


def current(page: Page) -> Revision:
    return Revision.objects.get(pk=Page.objects.get(pk=page.pk).current_id)


# Creating and reading ---------------------------------------------------------------------------


def test_a_member_creates_a_page_that_everyone_reads_with_its_table_of_contents(wiki_space):
    space, clients = wiki_space("members")
    create = reverse("wiki:create", args=[space.slug])
    form = form_values(clients["member"].get(create))
    response = clients["member"].post(
        create,
        {**form, "title": "Charte de fonctionnement", "body": THREE_PARAGRAPHS + "\n## Suite\n"},
    )
    page = Page.objects.get(space=space)
    assert response.status_code == 302
    assert response["Location"] == page_url(page)
    assert page.slug == "charte-de-fonctionnement"
    revision = current(page)
    assert (revision.number, revision.kind, revision.author) == (
        1,
        "created",
        clients.users["member"],
    )
    assert [heading["text"] for heading in revision.toc] == ["Compte rendu", "Suite"]
    (event,) = ActivityEvent.objects.filter(kind="wiki.page.created")
    assert (event.participation, event.target_id) == (Participation.INITIATIVE, page.pk)
    html = clients["observer"].get(page_url(page)).content.decode()
    assert "<h1>Charte de fonctionnement</h1>" in html
    assert 'href="#h-suite"' in html
    assert "Deuxième point : le local." in html


def test_reading_a_page_counts_an_anonymous_view_and_never_renders_again(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"])
    Revision.objects.filter(pk=page.current_id).update(html="<p>Rendu enregistré</p>")
    html = clients["member"].get(page_url(page)).content.decode()
    assert "Rendu enregistré" in html  # the stored HTML, not a fresh rendering
    (count,) = ViewCount.objects.all()
    assert (count.target_type, count.target_id, count.count) == ("wiki.page", page.pk, 1)
    assert not ActivityEvent.objects.filter(kind="wiki.page.viewed").exists()


def test_reading_is_recorded_by_name_where_the_space_measures_it(wiki_space, add_page):
    space, clients = wiki_space("members")
    space.reading_measurement = True
    space.save(update_fields=["reading_measurement"])
    page = add_page(space, clients.users["owner"])
    clients["member"].get(page_url(page))
    (event,) = ActivityEvent.objects.filter(kind="wiki.page.viewed")
    assert (event.actor, event.participation) == (clients.users["member"], Participation.VIEW)


def test_a_link_to_a_missing_page_offers_to_create_it_then_leads_to_it(wiki_space, add_page):
    space, clients = wiki_space("members")
    charter = add_page(space, clients.users["owner"], body="Voir [[Compte rendu du 3 mars]].")
    html = clients["member"].get(page_url(charter)).content.decode()
    create = reverse("wiki:create", args=[space.slug])
    assert f'href="{create}?title=Compte+rendu+du+3+mars"' in html
    assert "wiki-link--missing" in html
    index = clients["member"].get(reverse("wiki:index", args=[space.slug])).content.decode()
    assert "Compte rendu du 3 mars" in index  # listed among the pages to create

    response = clients["member"].get(create + "?title=Compte+rendu+du+3+mars")
    assert form_values(response)["title"] == "Compte rendu du 3 mars"
    clients["member"].post(create, {**form_values(response), "body": "Présents : 8."})
    minutes = Page.objects.get(slug="compte-rendu-du-3-mars")
    html = clients["member"].get(page_url(charter)).content.decode()
    assert f'href="{page_url(minutes)}"' in html
    assert "wiki-link--missing" not in html
    backlinks = clients["member"].get(page_url(minutes)).content.decode()
    assert f'<a href="{page_url(charter)}">{charter.title}</a>' in backlinks
    # A "to create" link followed after the page exists leads to the page.
    assert clients["member"].get(create + "?title=Compte rendu du 3 mars")["Location"] == (
        page_url(minutes)
    )


def test_links_follow_the_current_text(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    page = add_page(space, owner, body="[[Un]] et [[Deux]] et [[un]]")
    assert sorted(PageLink.objects.values_list("to_slug", flat=True)) == ["deux", "un"]
    actions.page_save(
        access=wiki_access_for(space, owner),
        page=page,
        title=page.title,
        body="[[Trois]]",
        base_number=1,
    )
    assert list(PageLink.objects.values_list("to_slug", flat=True)) == ["trois"]


# REL-T01: simultaneous edits of different paragraphs merge ---------------------------------------


def test_two_members_editing_different_paragraphs_are_merged_and_both_named(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], title="Compte rendu", body=THREE_PARAGRAPHS)
    first = form_values(clients["member"].get(edit_url(page)))
    second = form_values(clients["facilitator"].get(edit_url(page)))
    assert first["base_number"] == second["base_number"] == 1
    assert first["token"] != second["token"]

    one = clients["member"].post(
        edit_url(page),
        {**first, "body": first["body"].replace("le budget", "le budget 2027"), "comment": "B"},
    )
    assert one.status_code == 302
    two = clients["facilitator"].post(
        edit_url(page),
        {**second, "body": second["body"].replace("la fête", "la fête de juin"), "comment": "F"},
        follow=True,
    )
    assert two.redirect_chain == [(page_url(page), 302)]
    assert messages_of(two) == [
        fr("Saved. Someone else saved this page while you were writing: both changes are kept.")
    ]
    merged = current(page)
    assert merged.number == 3 and merged.kind == "merged"
    assert "le budget 2027" in merged.body and "la fête de juin" in merged.body
    history = clients["observer"].get(reverse("wiki:history", args=[space.slug, page.slug]))
    html = history.content.decode()
    for user in (clients.users["member"], clients.users["facilitator"], clients.users["owner"]):
        assert user.public_name in html
    assert ActivityEvent.objects.filter(kind="wiki.page.edited").count() == 2
    assert not Draft.objects.exists()


# REL-T02: the same line edited twice shows the conflict page, nothing is lost --------------------


def test_the_same_line_edited_twice_shows_a_conflict_that_keeps_the_text(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], title="Compte rendu", body=THREE_PARAGRAPHS)
    first = form_values(clients["member"].get(edit_url(page)))
    second = form_values(clients["facilitator"].get(edit_url(page)))
    clients["member"].post(
        edit_url(page), {**first, "body": first["body"].replace("le local", "le local rue Haute")}
    )
    before = current(page)
    mine = second["body"].replace("le local", "le local de la mairie")
    events = ActivityEvent.objects.count()
    response = clients["facilitator"].post(edit_url(page), {**second, "body": mine})

    assert response.status_code == 409
    html = response.content.decode()
    form = response.context["form"]
    assert form["body"].value().replace("\r\n", "\n") == actions.clean_body(mine)
    assert "le local de la mairie" in html and "le local rue Haute" in html
    assert form["base_number"].value() == before.number  # "save my version" goes on top
    assert 'name="body"' in html and "readonly" in html
    assert "wiki-diff" in html
    # Nothing saved, the text kept as the facilitator's draft.
    assert current(page) == before
    assert ActivityEvent.objects.count() == events
    (draft,) = Draft.objects.all()
    assert (draft.user, draft.page, draft.body) == (
        clients.users["facilitator"],
        page,
        actions.clean_body(mine),
    )
    # The draft is offered back on the edit page.
    offer = clients["facilitator"].get(edit_url(page)).content.decode()
    assert fr("Restore it") in offer and fr("Discard it") in offer
    restored = clients["facilitator"].get(edit_url(page) + "?brouillon=1")
    assert form_values(restored)["body"] == draft.body

    # "Save my version anyway": a new revision on top of the other one; the draft goes.
    again = clients["facilitator"].post(edit_url(page), form_values(response))
    assert again.status_code == 302
    assert current(page).body == actions.clean_body(mine)
    assert current(page).number == before.number + 1
    assert not Draft.objects.exists()


def test_two_title_changes_that_disagree_are_a_conflict(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], title="Compte rendu")
    first = form_values(clients["member"].get(edit_url(page)))
    second = form_values(clients["facilitator"].get(edit_url(page)))
    assert (
        clients["member"].post(edit_url(page), {**first, "title": "Compte Rendu"}).status_code
        == 302
    )
    assert (
        clients["facilitator"].post(edit_url(page), {**second, "title": "compte rendu"}).status_code
        == 409
    )


# REL-T03: a double submit makes one revision -----------------------------------------------------


def test_the_same_form_submitted_twice_makes_one_revision(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"])
    form = form_values(clients["member"].get(edit_url(page)))
    body = {**form, "body": form["body"] + "\nUne ligne de plus.\n"}
    first = clients["member"].post(edit_url(page), body)
    second = clients["member"].post(edit_url(page), body)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Revision.objects.filter(page=page).count() == 2
    assert ActivityEvent.objects.filter(kind="wiki.page.edited").count() == 1


def test_the_same_creation_form_submitted_twice_makes_one_page(wiki_space):
    space, clients = wiki_space("members")
    create = reverse("wiki:create", args=[space.slug])
    form = {**form_values(clients["member"].get(create)), "title": "Fiche projet", "body": "x"}
    first = clients["member"].post(create, form)
    second = clients["member"].post(create, form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Page.objects.count() == 1 and Revision.objects.count() == 1


def test_a_save_that_changes_nothing_makes_no_revision(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"])
    form = form_values(clients["member"].get(edit_url(page)))
    before = state()
    assert clients["member"].post(edit_url(page), form).status_code == 302
    assert state() == before


# Concurrency on separate connections (SQLite file database and PostgreSQL) -----------------------


def _save(space, user, page, body: str, base: int):
    def prepare():
        access = wiki_access_for(space, user)
        return lambda: actions.page_save(
            access=access, page=page.pk, title=page.title, body=body, base_number=base
        )

    return prepare


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_different_paragraphs_keep_both(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], title="Compte rendu", body=THREE_PARAGRAPHS)
    results = race(
        _save(
            space,
            clients.users["member"],
            page,
            THREE_PARAGRAPHS.replace("budget", "budget 2027"),
            1,
        ),
        _save(
            space,
            clients.users["facilitator"],
            page,
            THREE_PARAGRAPHS.replace("fête", "fête de juin"),
            1,
        ),
    )
    assert all(isinstance(result, actions.SaveResult) for result in results), results
    assert sorted(result.merged for result in results) == [False, True]
    final = current(page)
    assert final.number == 3
    assert "budget 2027" in final.body and "fête de juin" in final.body


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_line_keep_one_and_draft_the_other(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], title="Compte rendu", body=THREE_PARAGRAPHS)
    texts = {
        "member": THREE_PARAGRAPHS.replace("le local", "le local A"),
        "facilitator": THREE_PARAGRAPHS.replace("le local", "le local B"),
    }
    results = race(
        *(_save(space, clients.users[name], page, text, 1) for name, text in texts.items())
    )
    conflicts = [result for result in results if isinstance(result, actions.EditConflict)]
    saved = [result for result in results if isinstance(result, actions.SaveResult)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    final = current(page)
    assert final.number == 2
    (draft,) = Draft.objects.all()
    # Never a silent overwrite: the saved text is one of the two, the other is the draft.
    assert {final.body, draft.body} == {actions.clean_body(text) for text in texts.values()}
    assert draft.user == conflicts[0].draft.user


# Restore and diff ---------------------------------------------------------------------------------


def test_restoring_an_old_revision_adds_a_revision_and_keeps_the_history(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    page = add_page(space, owner, body="Version une.")
    actions.page_save(
        access=wiki_access_for(space, owner),
        page=page,
        title=page.title,
        body="Version deux.",
        base_number=1,
    )
    url = reverse("wiki:restore", args=[space.slug, page.slug, 1])
    confirm = clients["member"].get(url)
    assert confirm.status_code == 200
    assert Revision.objects.filter(page=page).count() == 2  # asking is not restoring
    for _attempt in range(2):  # a double submit restores once
        assert clients["member"].post(url, {"comment": "Retour"}).status_code == 302
    restored = current(page)
    assert (restored.number, restored.kind, restored.source_number) == (3, "restored", 1)
    assert restored.body == "Version une.\n"
    assert Revision.objects.filter(page=page).count() == 3
    (event,) = ActivityEvent.objects.filter(kind="wiki.page.restored")
    assert event.participation == Participation.REACTION


def test_the_diff_shows_the_lines_changed_between_two_revisions(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    page = add_page(space, owner, body="Ligne gardée.\nLigne ôtée.\n")
    actions.page_save(
        access=wiki_access_for(space, owner),
        page=page,
        title=page.title,
        body="Ligne gardée.\nLigne <ajoutée>.\n",
        base_number=1,
    )
    url = reverse("wiki:diff", args=[space.slug, page.slug])
    html = clients["observer"].get(url + "?from=1&to=2").content.decode()
    assert "Ligne ôtée." in html and "Ligne &lt;ajoutée&gt;." in html
    assert clients["observer"].get(url).status_code == 200  # the last change by default
    assert clients["observer"].get(url + "?from=x&to=2").status_code == 400
    assert clients["observer"].get(url + "?from=1&to=9").status_code == 404


# Drafts -------------------------------------------------------------------------------------------


def test_an_autosaved_draft_is_offered_back_and_can_be_discarded(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"])
    save = reverse("wiki:draft_save", args=[space.slug, page.slug])
    response = clients["member"].post(
        save,
        {"title": page.title, "body": "Texte en cours", "base_number": 1},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    clients["member"].post(
        save, {"title": page.title, "body": "Texte en cours, suite", "base_number": 1}
    )
    (draft,) = Draft.objects.all()
    assert draft.body == "Texte en cours, suite\n"
    edit = clients["member"].get(edit_url(page))
    assert edit.context["draft"] == draft
    assert form_values(clients["member"].get(edit_url(page) + "?brouillon=1"))["body"] == draft.body
    clients["member"].post(reverse("wiki:draft_discard", args=[space.slug, page.slug]))
    assert not Draft.objects.exists()
    assert clients["member"].get(edit_url(page)).context["draft"] is None


def test_a_draft_saved_from_an_old_revision_merges_when_it_is_saved(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    page = add_page(space, owner, title="Compte rendu", body=THREE_PARAGRAPHS)
    actions.draft_save(
        access=wiki_access_for(space, clients.users["member"]),
        page=page,
        title=page.title,
        body=THREE_PARAGRAPHS.replace("budget", "budget voté"),
        base_number=1,
    )
    actions.page_save(
        access=wiki_access_for(space, owner),
        page=page,
        title=page.title,
        body=THREE_PARAGRAPHS.replace("fête", "fête annulée"),
        base_number=1,
    )
    form = form_values(clients["member"].get(edit_url(page) + "?brouillon=1"))
    assert form["base_number"] == 1
    assert clients["member"].post(edit_url(page), form).status_code == 302
    assert "budget voté" in current(page).body and "fête annulée" in current(page).body


def test_a_new_page_draft_is_offered_on_the_creation_form(wiki_space):
    space, clients = wiki_space("members")
    clients["member"].post(
        reverse("wiki:new_draft_save", args=[space.slug]), {"title": "Idée", "body": "Début"}
    )
    create = reverse("wiki:create", args=[space.slug])
    assert clients["member"].get(create).context["draft"].body == "Début\n"
    assert form_values(clients["member"].get(create + "?brouillon=1"))["title"] == "Idée"
    clients["member"].post(create, {**form_values(clients["member"].get(create + "?brouillon=1"))})
    assert not Draft.objects.exists()  # created: the draft has done its job


# Query counts -------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_page_reads_in_the_same_queries_whatever_its_history_and_links(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    page = add_page(space, owner, title="Accueil")
    add_page(space, owner, title="Autre", body="[[Accueil]]")
    clients["member"].get(page_url(page))
    few = _queries(clients["member"], page_url(page))
    for number in range(6):
        add_page(space, owner, title=f"Page {number}", body="Voir [[Accueil]].")
        actions.page_save(
            access=wiki_access_for(space, owner),
            page=page,
            title=page.title,
            body=f"Version {number}",
            base_number=current(page).number,
        )
    assert _queries(clients["member"], page_url(page)) == few
    # session, user, space, memberships, tool row, page + revision + author, the view
    # counter's update (in a savepoint: 3), backlinks, whether the reader follows the page,
    # the menu's tools
    assert few == 12


def test_the_history_and_index_read_in_the_same_queries_whatever_their_size(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner, member = clients.users["owner"], clients.users["member"]
    page = add_page(space, owner)
    history = reverse("wiki:history", args=[space.slug, page.slug])
    index = reverse("wiki:index", args=[space.slug])
    _queries(clients["member"], history)
    few_history, few_index = (
        _queries(clients["member"], history),
        _queries(clients["member"], index),
    )
    for number in range(6):
        add_page(space, member, title=f"Page {number}", body="[[Manquante]]")
        actions.page_save(
            access=wiki_access_for(space, member if number % 2 else owner),
            page=page,
            title=page.title,
            body=f"Version {number}",
            base_number=current(page).number,
        )
    assert _queries(clients["member"], history) == few_history
    assert _queries(clients["member"], index) == few_index


def test_the_feed_names_live_pages_only(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"])
    gone = add_page(space, clients.users["owner"], title="Partie")
    Page.objects.filter(pk=gone.pk).update(deleted_at=page.created_at)
    access = wiki_access_for(space, clients.users["observer"])
    links = selectors.feed_targets(access, {"wiki.page": {page.pk, gone.pk}})
    assert list(links) == [("wiki.page", page.pk)]
    assert links[("wiki.page", page.pk)].url == page_url(page)


def test_a_problem_in_the_form_is_shown_and_the_text_kept(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"])
    form = form_values(clients["member"].get(edit_url(page)))
    response = clients["member"].post(edit_url(page), {**form, "title": "", "body": "Mon texte"})
    assert response.status_code == 400
    assert error_texts(response.content.decode())
    assert "Mon texte" in response.content.decode()
