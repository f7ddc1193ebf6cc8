"""Recent changes of a space's wiki, and following a page (mail through the outbox)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopilote.accounts.tests.helpers import mails_to
from coopilote.mail.models import EmailSubscription, OutboxMessage
from coopilote.spaces import actions as space_actions
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Membership
from coopilote.spaces.tests.conftest import PERSONAS
from coopilote.tools.wiki import actions
from coopilote.tools.wiki.models import Page, PageFollower, Revision
from coopilote.tools.wiki.tests.helpers import run_follower_mails, wiki_access_for

pytestmark = pytest.mark.django_db

ROLES = {"observer", "member", "facilitator", "owner"}

# route → (verb, status of a successful GET, whether it takes a POST): read by test_access.
ROUTES: dict[str, tuple[str, int, bool]] = {
    "changes": ("read", 200, False),
    "follow": ("read", 405, True),
    "unfollow": ("read", 405, True),
}


def followers(page: Page) -> set[str]:
    return set(PageFollower.objects.filter(page=page).values_list("user__email", flat=True))


def save(space, user, page, body: str, comment: str = "") -> actions.SaveResult:
    """Save through the action, then let the worker's task mail the followers."""
    current = Revision.objects.get(pk=Page.objects.get(pk=page.pk).current_id)
    try:
        return actions.page_save(
            access=wiki_access_for(space, user),
            page=page,
            title=current.title,
            body=body,
            comment=comment,
            base_number=current.number,
        )
    finally:
        run_follower_mails()


# Recent changes -------------------------------------------------------------------------------


def test_recent_changes_list_the_latest_revisions_of_live_pages_newest_first(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner, member = clients.users["owner"], clients.users["member"]
    charter = add_page(space, owner, "Charte")
    notes = add_page(space, member, "Compte rendu")
    save(space, member, charter, "Nouvelle charte.\n", comment="Plus claire")
    trashed = add_page(space, owner, "Brouillon jeté")
    actions.page_delete(access=wiki_access_for(space, owner), page=trashed)
    response = clients["observer"].get(reverse("wiki:changes", args=[space.slug]))
    assert response.status_code == 200
    rows = [(r.page.title, r.number, r.kind) for r in response.context["revisions"]]
    assert rows == [
        ("Charte", 2, "edited"),
        ("Compte rendu", 1, "created"),
        ("Charte", 1, "created"),
    ]
    html = response.content.decode()
    assert "Plus claire" in html
    assert member.public_name in html
    assert reverse("wiki:page", args=[space.slug, notes.slug]) in html
    assert "Brouillon jeté" not in html


def test_the_wiki_index_links_to_the_recent_changes(wiki_space):
    space, clients = wiki_space("members")
    html = clients["observer"].get(reverse("wiki:index", args=[space.slug])).content.decode()
    assert reverse("wiki:changes", args=[space.slug]) in html


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_recent_changes_answer_every_persona_as_reading_the_wiki(wiki_space, visibility):
    space, clients = wiki_space(visibility)
    url = reverse("wiki:changes", args=[space.slug])
    for persona in PERSONAS:
        status = clients[persona].get(url).status_code
        if persona in ROLES or visibility == "public":
            wanted = 200
        elif visibility == "secret":
            wanted = 404
        else:
            wanted = 302 if persona == "anonymous" else 403
        assert status == wanted, (persona, status)


def test_recent_changes_are_paginated_by_fifty(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner = clients.users["owner"]
    page = add_page(space, owner, "Journal", "0\n")
    for n in range(1, 55):
        save(space, owner, page, f"{n}\n")
    url = reverse("wiki:changes", args=[space.slug])
    first = clients["member"].get(url).context["revisions"]
    assert [r.number for r in first][:2] == [55, 54] and len(first) == 50
    second = clients["member"].get(url + "?page=2").context["revisions"]
    assert [r.number for r in second] == [5, 4, 3, 2, 1]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_recent_changes_take_the_same_number_of_queries_for_3_or_60_revisions(wiki_space, add_page):
    space, clients = wiki_space("members")
    owner, member = clients.users["owner"], clients.users["member"]
    url = reverse("wiki:changes", args=[space.slug])
    for title in ("Un", "Deux", "Trois"):
        add_page(space, owner, title)
    small = _queries(clients["observer"], url)
    for i in range(12):
        page = add_page(space, member if i % 2 else owner, f"Page {i}")
        for n in range(4):
            save(space, owner if n % 2 else member, page, f"Version {n}\n")
    assert Revision.objects.filter(page__space=space).count() == 63
    assert _queries(clients["observer"], url) == small


# Following ------------------------------------------------------------------------------------


def test_the_creator_follows_their_page_and_editors_do_not(wiki_space, add_page):
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["member"])
    save(space, clients.users["facilitator"], page, "Autre texte.\n")
    assert followers(page) == {clients.users["member"].email}


@pytest.mark.parametrize("visibility", ["public", "members", "secret"])
def test_members_of_every_role_may_follow_and_stop_following_and_others_may_not(
    wiki_space, add_page, visibility
):
    space, clients = wiki_space(visibility)
    page = add_page(space, clients.users["owner"])
    follow = reverse("wiki:follow", args=[space.slug, page.slug])
    unfollow = reverse("wiki:unfollow", args=[space.slug, page.slug])
    for persona in ["anonymous", "outsider"]:
        before = followers(page)
        response = clients[persona].post(follow)
        if visibility == "secret":
            assert response.status_code == 404, persona
        elif persona == "anonymous":
            assert response.status_code == 302, persona
            assert reverse("account_login") in response["Location"]
        else:
            assert response.status_code == 403, persona
        assert followers(page) == before
    for persona in ["observer", "member", "facilitator"]:
        email = clients.users[persona].email
        assert clients[persona].get(follow).status_code == 405
        assert clients[persona].post(follow).status_code == 302
        assert clients[persona].post(follow).status_code == 302  # twice: still one row
        assert email in followers(page)
        assert PageFollower.objects.filter(page=page, user=clients.users[persona]).count() == 1
        assert clients[persona].post(unfollow).status_code == 302
        assert email not in followers(page)


def test_the_page_shows_follow_or_stop_following_to_members_and_nothing_to_visitors(
    wiki_space, add_page
):
    space, clients = wiki_space("public")
    page = add_page(space, clients.users["owner"])
    url = reverse("wiki:page", args=[space.slug, page.slug])
    follow = reverse("wiki:follow", args=[space.slug, page.slug])
    unfollow = reverse("wiki:unfollow", args=[space.slug, page.slug])
    observer_html = clients["observer"].get(url).content.decode()
    assert follow in observer_html and unfollow not in observer_html
    owner_html = clients["owner"].get(url).content.decode()
    assert unfollow in owner_html and follow not in owner_html
    for persona in ["anonymous", "outsider"]:
        html = clients[persona].get(url).content.decode()
        assert follow not in html and unfollow not in html


@pytest.fixture
def followed(wiki_space, add_page):
    """A members-only space with a page created by the owner, followed by observer and member."""
    space, clients = wiki_space("members")
    page = add_page(space, clients.users["owner"], "Charte", "Un.\nDeux.\n")
    for persona in ["observer", "member"]:
        actions.page_follow(access=wiki_access_for(space, clients.users[persona]), page=page)
    return space, clients, page


def test_followers_get_a_mail_with_the_change_but_not_the_author(followed):
    space, clients, page = followed
    member, owner, observer = (clients.users[p] for p in ("member", "owner", "observer"))
    OutboxMessage.objects.all().delete()
    save(space, member, page, "Un.\nDeux.\nTrois.\nQuatre.\n", comment="Ajout des règles")
    assert mails_to(member.email) == []  # the author, though a follower
    [to_owner] = mails_to(owner.email)  # the creator follows
    [to_observer] = mails_to(observer.email)
    body = to_observer.body_text
    assert "Charte" in to_observer.subject
    assert to_observer.kind == "wiki_follow"
    assert member.public_name in body
    assert "Ajout des règles" in body
    assert "2 lines added" in body or "2 lignes ajoutées" in body
    assert reverse("wiki:page", args=[space.slug, page.slug]) in body
    assert to_observer.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert to_observer.headers["List-Unsubscribe"].strip("<>") in body
    assert to_owner.pk != to_observer.pk


def test_restores_and_renames_are_mailed_to_followers_too(followed):
    space, clients, page = followed
    owner, observer = clients.users["owner"], clients.users["observer"]
    save(space, owner, page, "Autre.\n")
    OutboxMessage.objects.all().delete()
    actions.page_restore(access=wiki_access_for(space, owner), page=page, number=1)
    run_follower_mails()
    assert len(mails_to(observer.email)) == 1
    actions.page_rename(access=wiki_access_for(space, owner), page=page, title="Charte commune")
    run_follower_mails()
    assert len(mails_to(observer.email)) == 2
    assert "Charte commune" in mails_to(observer.email)[-1].subject


def test_no_mail_to_followers_who_unsubscribed(followed):
    space, clients, page = followed
    observer = clients.users["observer"]
    EmailSubscription.objects.create(user=observer, kind="wiki_follow", subscribed=False)
    OutboxMessage.objects.all().delete()
    save(space, clients.users["member"], page, "Changé.\n")
    assert mails_to(observer.email) == []
    assert len(mails_to(clients.users["owner"].email)) == 1


def test_no_mail_to_followers_who_left_the_space(followed):
    space, clients, page = followed
    observer = clients.users["observer"]
    Membership.objects.filter(space=space, user=observer).delete()
    OutboxMessage.objects.all().delete()
    save(space, clients.users["member"], page, "Changé.\n")
    assert mails_to(observer.email) == []
    assert len(mails_to(clients.users["owner"].email)) == 1


def test_no_mail_when_the_save_is_refused(followed):
    space, clients, page = followed
    OutboxMessage.objects.all().delete()
    with pytest.raises(ValidationError):
        save(space, clients.users["member"], page, "x" * 300_000)
    with pytest.raises(actions.PermissionDenied):
        save(space, clients.users["observer"], page, "Changé.\n")
    space_actions.space_set_status(
        access=access_for(space, clients.users["owner"]), status="archived"
    )
    with pytest.raises(actions.PermissionDenied):
        save(space, clients.users["member"], page, "Changé.\n")
    assert OutboxMessage.objects.count() == 0
    assert Revision.objects.filter(page=page).count() == 1


def test_a_save_costs_the_same_queries_whatever_the_number_of_followers(followed, add_member):
    space, clients, page = followed
    member = clients.users["member"]
    with CaptureQueriesContext(connection) as few:
        actions.page_save(
            access=wiki_access_for(space, member),
            page=page,
            title="Charte",
            body="Un.\nDeux.\nTrois.\n",
            base_number=1,
        )
    for number in range(12):
        reader = make_follower(space, page, add_member, number)
        assert reader.pk
    with CaptureQueriesContext(connection) as many:
        actions.page_save(
            access=wiki_access_for(space, member),
            page=page,
            title="Charte",
            body="Un.\nDeux.\nTrois.\nQuatre.\n",
            base_number=2,
        )
    assert len(many) == len(few)
    assert run_follower_mails() == 2
    mailed = OutboxMessage.objects.filter(kind="wiki_follow")
    # both tasks run now, when the page has 14 followers besides the author
    assert mailed.count() == 2 * (2 + 12)


def make_follower(space, page, add_member, number: int):
    from coopilote.accounts.models import User

    user = User.objects.create_user(email=f"lecteur{number}@example.org", password="x")
    add_member(space, user, "observer")
    actions.page_follow(access=wiki_access_for(space, user), page=page)
    return user


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_mails_the_followers_after_the_save(wiki_space, add_page):
    from coopilote.core.tests.worker import run_worker

    space, clients = wiki_space("members")
    owner, observer = clients.users["owner"], clients.users["observer"]
    page = add_page(space, owner, "Charte", "Un.\n")
    actions.page_follow(access=wiki_access_for(space, observer), page=page)
    actions.page_save(
        access=wiki_access_for(space, owner),
        page=page,
        title="Charte",
        body="Deux.\n",
        base_number=1,
    )
    assert mails_to(observer.email) == []  # not yet: the worker sends
    run_worker()
    [mail] = mails_to(observer.email)
    assert "Charte" in mail.subject


def test_no_mail_when_nothing_changed(followed):
    space, clients, page = followed
    OutboxMessage.objects.all().delete()
    assert not save(space, clients.users["member"], page, "Un.\nDeux.\n").created
    assert OutboxMessage.objects.count() == 0
