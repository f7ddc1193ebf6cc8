"""Asking to join a space, withdrawing, and the facilitators' answer."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coopilote.accounts.tests.helpers import error_texts, link_in, mails_to, normalise, path_of
from coopilote.accounts.tests.helpers import in_french as fr
from coopilote.activity.models import ActivityEvent
from coopilote.mail.preferences import unsubscribe_token
from coopilote.spaces import actions
from coopilote.spaces.access import access_for, load_space
from coopilote.spaces.models import JoinRequest, JoinRequestStatus, Membership, Space
from coopilote.spaces.tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

VISIBILITIES = ["public", "members", "secret"]
MEMBERS = ["observer", "member", "facilitator", "owner"]
MANAGERS = ["facilitator", "owner"]


def state() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(JoinRequest.objects.order_by("pk").values_list("pk", "user_id", "status", "reason")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role")),
        list(Space.objects.order_by("pk").values_list("pk", "member_count")),
        ActivityEvent.objects.count(),
    )


def ask(space: Space, user, message: str = "") -> JoinRequest:
    return actions.join_request_create(
        access=access_for(load_space(space.slug), user), message=message
    )


def join_url(space: Space) -> str:
    return reverse("spaces:join", args=[space.slug])


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    assert url.replace("/", "%2F") in response["Location"] or url in response["Location"]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# Asking to join: every persona, every visibility ----------------------------------------------


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_people_are_sent_to_log_in_before_asking(personas, visibility, method):
    space, clients = personas(visibility)
    before = state()
    url = join_url(space)
    response = getattr(clients["anonymous"], method)(url, {"message": "Bonjour"})
    assert_login_redirect(response, url)
    assert state() == before


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_an_outsider_sees_the_form_then_asks_to_join_a_listed_space(personas, visibility):
    space, clients = personas(visibility)
    page = clients["outsider"].get(join_url(space))
    assert page.status_code == 200
    assert 'name="message"' in page.content.decode()

    response = clients["outsider"].post(
        join_url(space), {"message": "Je coordonne l'eau à Lyon."}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("spaces:detail", args=[space.slug])
    join_request = JoinRequest.objects.get(space=space)
    assert join_request.user == clients.users["outsider"]
    assert join_request.status == JoinRequestStatus.PENDING
    assert join_request.message == "Je coordonne l'eau à Lyon."
    assert ActivityEvent.objects.filter(
        kind="spaces.join_request.created", target_id=join_request.pk
    ).exists()
    assert fr("Withdraw my request") in response.content.decode()
    assert not Membership.objects.filter(space=space, user=clients.users["outsider"]).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_secret_space_answers_an_outsider_exactly_like_a_missing_space(personas, method):
    space, clients = personas("secret")
    before = state()
    response = getattr(clients["outsider"], method)(join_url(space), {"message": "x"})
    missing = getattr(clients["outsider"], method)(
        reverse("spaces:join", args=["nulle-part"]), {"message": "x"}
    )
    assert response.status_code == missing.status_code == 404
    assert normalise(response.content.decode(), space.slug) == normalise(
        missing.content.decode(), "nulle-part"
    )
    assert state() == before


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", MEMBERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_members_are_told_they_already_belong_and_nothing_is_recorded(
    personas, visibility, persona, method
):
    space, clients = personas(visibility)
    before = state()
    response = getattr(clients[persona], method)(
        join_url(space), {"message": "encore"}, follow=True
    )
    assert response.status_code == 200
    assert fr("You are already a member of this space.") in messages_of(response)
    assert state() == before


def test_asking_twice_gives_a_clear_message_and_keeps_one_pending_request(personas):
    space, clients = personas("members")
    clients["outsider"].post(join_url(space), {"message": "première fois"})
    response = clients["outsider"].post(join_url(space), {"message": "deuxième fois"}, follow=True)
    assert fr(
        "You already asked to join this space; the facilitators will answer soon."
    ) in messages_of(response)
    assert JoinRequest.objects.filter(space=space, status=JoinRequestStatus.PENDING).count() == 1
    assert JoinRequest.objects.get(space=space).message == "première fois"


def test_the_action_refuses_a_second_pending_request_too(personas):
    space, clients = personas("public")
    ask(space, clients.users["outsider"])
    with pytest.raises(Exception) as error:
        ask(space, clients.users["outsider"])
    assert getattr(error.value, "code", None) == "already_asked"
    assert JoinRequest.objects.filter(space=space).count() == 1


def test_after_a_refusal_the_person_may_ask_again(personas):
    space, clients = personas("members")
    join_request = ask(space, clients.users["outsider"])
    owner_access = access_for(load_space(space.slug), clients.users["owner"])
    actions.join_request_decide(access=owner_access, join_request_id=join_request.pk, accept=False)
    response = clients["outsider"].post(join_url(space), {"message": "je réessaie"})
    assert response.status_code == 302
    assert JoinRequest.objects.filter(space=space, status=JoinRequestStatus.PENDING).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_archived_space_refuses_requests_with_a_clear_message(personas, method):
    space, clients = personas("public")
    Space.objects.filter(pk=space.pk).update(status="archived")
    before = state()
    response = getattr(clients["outsider"], method)(join_url(space), {"message": "x"})
    assert response.status_code == 403
    assert fr("This space is archived: it does not take new members.") in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_closed_space_is_missing_for_outsiders(personas, method):
    space, clients = personas("public")
    Space.objects.filter(pk=space.pk).update(status="closed")
    before = state()
    assert (
        getattr(clients["outsider"], method)(join_url(space), {"message": "x"}).status_code == 404
    )
    assert state() == before


def test_markup_in_the_message_is_refused_and_the_text_is_kept(personas):
    space, clients = personas("members")
    text = "Bonjour <script>alert('x')</script>"
    response = clients["outsider"].post(join_url(space), {"message": text})
    assert response.status_code == 400
    assert fr("HTML tags are not accepted here; please write plain text.") in " ".join(
        error_texts(response.content.decode())
    )
    content = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content
    assert "<script>alert" not in content
    assert not JoinRequest.objects.exists()


def test_a_too_long_message_is_refused_and_kept(personas):
    space, clients = personas("members")
    response = clients["outsider"].post(join_url(space), {"message": "a" * 1001})
    assert response.status_code == 400
    assert "a" * 1001 in response.content.decode()
    assert not JoinRequest.objects.exists()


# Mail to the facilitators ----------------------------------------------------------------------


def test_facilitators_are_told_by_mail_in_their_language_with_an_unsubscribe_link(personas):
    space, clients = personas("members")
    users = clients.users
    users["facilitator"].language = "en"
    users["facilitator"].save(update_fields=["language"])
    users["outsider"].display_name = "Camille Rivière"
    users["outsider"].save(update_fields=["display_name"])
    clients["outsider"].post(join_url(space), {"message": "Je voudrais aider."})

    for name in MANAGERS:
        (mail,) = mails_to(users[name].email)
        assert mail.kind == "space_requests"
        assert "List-Unsubscribe" in mail.headers
        assert "Je voudrais aider." in mail.body_text
        assert link_in(mail.body_text, reverse("spaces:join_requests", args=[space.slug]))
        with translation.override(users[name].language):
            expected = translation.gettext("%(name)s asks to join “%(space)s”") % {
                "name": "Camille Rivière",
                "space": space.name,
            }
        assert mail.subject == expected
    for name in ["observer", "member", "outsider"]:
        assert mails_to(users[name].email) == []


def test_a_facilitator_who_unsubscribed_gets_no_mail_about_requests(personas, client):
    space, clients = personas("public")
    facilitator = clients.users["facilitator"]
    client.post(
        reverse("mail:unsubscribe", args=[unsubscribe_token(facilitator, "space_requests")])
    )
    clients["outsider"].post(join_url(space))
    assert mails_to(facilitator.email) == []
    assert len(mails_to(clients.users["owner"].email)) == 1


# Withdrawing ----------------------------------------------------------------------------------


def test_the_person_withdraws_their_request(personas):
    space, clients = personas("members")
    join_request = ask(space, clients.users["outsider"])
    response = clients["outsider"].post(
        reverse("spaces:join_withdraw", args=[space.slug]), follow=True
    )
    assert fr("Your request to join is withdrawn.") in messages_of(response)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.WITHDRAWN
    assert ActivityEvent.objects.filter(kind="spaces.join_request.withdrawn").count() == 1
    assert fr("Ask to join") in response.content.decode()


def test_withdrawing_without_a_request_changes_nothing(personas):
    space, clients = personas("members")
    other = ask(space, clients.users["outsider"])
    before = state()
    for name in MEMBERS:
        response = clients[name].post(
            reverse("spaces:join_withdraw", args=[space.slug]), follow=True
        )
        assert fr("You have no pending request to join this space.") in messages_of(response)
    assert state() == before
    assert JoinRequest.objects.get(pk=other.pk).status == JoinRequestStatus.PENDING


def test_withdrawing_is_a_post_and_needs_a_login(personas):
    space, clients = personas("members")
    ask(space, clients.users["outsider"])
    before = state()
    url = reverse("spaces:join_withdraw", args=[space.slug])
    assert clients["outsider"].get(url).status_code == 405
    assert_login_redirect(clients["anonymous"].post(url), url)
    assert state() == before


def test_withdrawing_from_a_secret_space_is_a_404_for_outsiders(personas):
    space, clients = personas("secret")
    before = state()
    assert (
        clients["outsider"].post(reverse("spaces:join_withdraw", args=[space.slug])).status_code
        == 404
    )
    assert state() == before


# The facilitators' list -----------------------------------------------------------------------


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_only_facilitators_and_owners_see_the_pending_requests(personas, make_user, visibility):
    space, clients = personas(visibility)
    asker = make_user("asker@example.org", display_name="Dominique", organisation="Coop Eau")
    if visibility != "secret":
        ask(space, asker, "Je gère une régie.")
    url = reverse("spaces:join_requests", args=[space.slug])
    expected = {
        "anonymous": 302,
        "outsider": 404 if visibility == "secret" else 403,
        "observer": 403,
        "member": 403,
        "facilitator": 200,
        "owner": 200,
    }
    for persona in PERSONAS:
        response = clients[persona].get(url)
        assert response.status_code == expected[persona], persona
        if response.status_code == 200 and visibility != "secret":
            content = response.content.decode()
            assert "Dominique" in content
            assert "Coop Eau" in content
            assert "Je gère une régie." in content
        if persona in {"observer", "member", "outsider"}:
            assert "Dominique" not in response.content.decode()


def test_text_in_requests_is_escaped_on_the_facilitators_page(personas, make_user):
    space, clients = personas("members")
    asker = make_user("asker@example.org", display_name='<img src=x onerror="alert(1)">')
    # Straight through the action: whatever reached the database is still shown as text.
    ask(space, asker, "1 < 2 & <b>gras</b>")
    content = (
        clients["facilitator"]
        .get(reverse("spaces:join_requests", args=[space.slug]))
        .content.decode()
    )
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content
    assert "1 &lt; 2 &amp; &lt;b&gt;gras&lt;/b&gt;" in content


# Deciding -------------------------------------------------------------------------------------


def decide_url(space: Space, join_request: JoinRequest) -> str:
    return reverse("spaces:join_request_decide", args=[space.slug, join_request.pk])


def answer(join_request: JoinRequest, value: str, reason: str = "") -> dict[str, str]:
    prefix = f"request-{join_request.pk}"
    return {f"{prefix}-answer": value, f"{prefix}-reason": reason}


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_lower_roles_and_outsiders_cannot_answer_requests(personas, make_user, visibility):
    space, clients = personas(visibility)
    join_request = ask(space, make_user("asker@example.org"))
    before = state()
    expected = {"anonymous": 302, "outsider": 403, "observer": 403, "member": 403}
    for persona, status in expected.items():
        for value in ["member", "refuse"]:
            response = clients[persona].post(
                decide_url(space, join_request), answer(join_request, value)
            )
            assert response.status_code == status, persona
    assert state() == before
    assert mails_to("asker@example.org") == []


def test_a_request_in_a_secret_space_is_missing_for_outsiders(personas, make_user):
    space, clients = personas("secret")
    asker = make_user("asker@example.org")
    # Someone who knew the space (a former member) had asked; the outsider guesses the address.
    join_request = JoinRequest.objects.create(space=space, user=asker)
    before = state()
    response = clients["outsider"].post(
        decide_url(space, join_request), answer(join_request, "member")
    )
    assert response.status_code == 404
    assert (
        clients["member"]
        .post(decide_url(space, join_request), answer(join_request, "member"))
        .status_code
        == 403
    )
    assert state() == before


@pytest.mark.parametrize("persona", MANAGERS)
@pytest.mark.parametrize("role", ["member", "observer"])
def test_accepting_makes_a_member_with_the_chosen_role_and_tells_them(
    personas, make_user, persona, role
):
    space, clients = personas("members")
    asker = make_user("asker@example.org", display_name="Dominique", language="en")
    join_request = ask(space, asker)
    response = clients[persona].post(
        decide_url(space, join_request), answer(join_request, role), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("spaces:join_requests", args=[space.slug])
    membership = Membership.objects.get(space=space, user=asker)
    assert membership.role == role
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.ACCEPTED
    assert join_request.decided_by == clients.users[persona]
    space.refresh_from_db()
    assert space.member_count == 5
    assert ActivityEvent.objects.filter(
        kind="spaces.member.joined", payload__how="request", payload__role=role
    ).exists()
    (mail,) = mails_to("asker@example.org")
    assert mail.kind == "membership"
    assert mail.subject == f"Welcome to “{space.name}”"
    assert path_of(link_in(mail.body_text, "/s/")) == reverse("spaces:detail", args=[space.slug])
    with translation.override("fr"):
        label = str(Membership(role=role).get_role_display())
    assert fr(
        "%(name)s is now %(role)s of the space; they are told by email.",
        name="Dominique",
        role=label,
    ) in messages_of(response)


def test_refusing_with_a_reason_tells_the_person_in_their_language(personas, make_user):
    space, clients = personas("public")
    asker = make_user("asker@example.org", language="fr")
    join_request = ask(space, asker)
    reason = "Cet espace est réservé aux adhérents du réseau."
    response = clients["facilitator"].post(
        decide_url(space, join_request), answer(join_request, "refuse", reason)
    )
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.REFUSED
    assert join_request.reason == reason
    assert not Membership.objects.filter(space=space, user=asker).exists()
    (mail,) = mails_to("asker@example.org")
    assert reason in mail.body_text
    with translation.override("fr"):
        expected = translation.gettext("Your request to join “%(space)s”") % {"space": space.name}
    assert mail.subject == expected
    assert settings.SITE_URL + "/s/" not in mail.body_text
    event = ActivityEvent.objects.get(kind="spaces.join_request.refused")
    assert event.payload["user"] == asker.pk


def test_a_facilitator_cannot_accept_someone_as_facilitator_or_owner(personas, make_user):
    space, clients = personas("members")
    join_request = ask(space, make_user("asker@example.org"))
    before = state()
    for value in ["owner", "facilitator", "admin"]:
        response = clients["facilitator"].post(
            decide_url(space, join_request), answer(join_request, value)
        )
        assert response.status_code == 400
    assert state() == before
    assert mails_to("asker@example.org") == []


def test_markup_in_the_reason_is_refused_and_kept(personas, make_user):
    space, clients = personas("members")
    join_request = ask(space, make_user("asker@example.org"))
    before = state()
    reason = "<a href='http://evil.example'>cliquez</a>"
    response = clients["owner"].post(
        decide_url(space, join_request), answer(join_request, "refuse", reason)
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert fr("HTML tags are not accepted here; please write plain text.") in " ".join(
        error_texts(content)
    )
    assert "&lt;a href=&#x27;http://evil.example&#x27;&gt;cliquez&lt;/a&gt;" in content
    assert "<a href='http://evil.example'>" not in content
    assert state() == before


def test_an_answered_request_cannot_be_answered_again(personas, make_user):
    space, clients = personas("members")
    asker = make_user("asker@example.org")
    join_request = ask(space, asker)
    clients["owner"].post(decide_url(space, join_request), answer(join_request, "refuse"))
    before = state()
    mails = len(mails_to("asker@example.org"))
    response = clients["facilitator"].post(
        decide_url(space, join_request), answer(join_request, "member"), follow=True
    )
    assert fr("This request was already answered or withdrawn.") in messages_of(response)
    assert state() == before
    assert len(mails_to("asker@example.org")) == mails


def test_a_request_of_another_space_is_missing(personas, make_space, make_user):
    space, clients = personas("members")
    other = make_space("Autre réseau")
    join_request = ask(other, make_user("asker@example.org"))
    before = state()
    response = clients["owner"].post(
        decide_url(space, join_request), answer(join_request, "member")
    )
    assert response.status_code == 404
    assert state() == before


def test_deciding_is_a_post(personas, make_user):
    space, clients = personas("members")
    join_request = ask(space, make_user("asker@example.org"))
    assert clients["owner"].get(decide_url(space, join_request)).status_code == 405


def test_the_space_page_counts_requests_for_facilitators(personas, make_user):
    space, clients = personas("members")
    ask(space, make_user("asker@example.org"))
    content = (
        clients["facilitator"].get(reverse("spaces:detail", args=[space.slug])).content.decode()
    )
    with translation.override("fr"):
        expected = translation.ngettext(
            "%(counter)s request to join", "%(counter)s requests to join", 1
        ) % {"counter": 1}
    assert expected in content
