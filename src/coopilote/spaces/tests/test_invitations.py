"""Facilitators invite people (one, a pasted list, a CSV), check, send, resend and revoke."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coopilote.accounts.tests.helpers import error_texts, in_french, link_in, mails_to, path_of
from coopilote.mail.models import OutboxMessage
from coopilote.spaces import actions
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Invitation, InvitationStatus
from coopilote.spaces.tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def invite_url(space) -> str:
    return reverse("spaces:invite", args=[space.slug])


def preview(client: Client, space, **data):
    data.setdefault("role", "member")
    return client.post(invite_url(space), data)


def digest_of(response) -> str:
    import re

    match = re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode())
    assert match, "no digest in the preview"
    return match.group(1)


def send(client: Client, space, step: str = "send", **data):
    """Check, then send what the check showed, as a person clicking the two buttons does."""
    data.setdefault("role", "member")
    first = client.post(invite_url(space), data)
    assert first.status_code == 200, first.content.decode()[:3000]
    return client.post(invite_url(space), {**data, "step": step, "digest": digest_of(first)})


def invitation_link(email: str) -> str:
    mails = mails_to(email)
    assert mails, f"no mail to {email}"
    return path_of(link_in(mails[-1].body_text, "/invitations/"))


def snapshot():
    return (
        sorted(Invitation.objects.values_list("email", "status", "token_hash", "send_count")),
        OutboxMessage.objects.count(),
    )


# --- one address -------------------------------------------------------------------------------


def test_one_address_is_checked_first_then_sent_with_a_working_link(personas):
    space, clients = personas("members")
    client = clients["facilitator"]
    response = preview(client, space, email="Nina@Example.org", name="Nina", role="observer")
    assert response.status_code == 200
    page = response.content.decode()
    assert "nina@example.org" in page
    assert 'value="send"' in page
    assert not Invitation.objects.exists()
    assert not mails_to("nina@example.org")

    response = send(client, space, email="Nina@Example.org", name="Nina", role="observer")
    assert response.status_code == 302
    assert response["Location"] == reverse("spaces:invitations", args=[space.slug])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.name, invitation.role) == (
        "nina@example.org",
        "Nina",
        "observer",
    )
    assert invitation.invited_by == clients.users["facilitator"]
    [mail] = mails_to("nina@example.org")
    assert space.name in mail.subject
    assert Client().get(invitation_link("nina@example.org")).status_code == 200


def test_the_pending_list_shows_each_invitation_with_its_facts(personas):
    space, clients = personas("members")
    send(clients["owner"], space, addresses="a@example.org; Ana\nb@example.org; Ben; observer")
    response = clients["facilitator"].get(reverse("spaces:invitations", args=[space.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    inviter = clients.users["owner"].public_name
    for text in ("a@example.org", "Ana", "b@example.org", "Ben", inviter):
        assert text in page
    assert page.count("/renvoyer/") == 2
    assert page.count("/revoquer/") == 2


# --- lists and files ---------------------------------------------------------------------------


def test_a_pasted_list_in_mixed_formats_sends_exactly_its_lines(personas):
    space, clients = personas("members")
    text = (
        "alice@example.org\n"
        "Bruno Martin <bruno@example.org>\n"
        "chloe@example.org, Chloé Petit, observatrice\n"
        "dan@example.org; Dan Roy; animateur\n"
    )
    response = send(clients["facilitator"], space, addresses=text, message="Bienvenue !")
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", "name", "role")) == [
        ("alice@example.org", "", "member"),
        ("bruno@example.org", "Bruno Martin", "member"),
        ("chloe@example.org", "Chloé Petit", "observer"),
        ("dan@example.org", "Dan Roy", "facilitator"),
    ]
    for email in ("alice", "bruno", "chloe", "dan"):
        mails = mails_to(f"{email}@example.org")
        assert len(mails) == 1
        assert "Bienvenue !" in mails[0].body_text


def test_a_csv_upload_is_previewed_with_per_line_errors_and_its_text_kept(personas, make_user):
    space, clients = personas("members")
    actions.invitations_send(
        access=access_for(space, clients.users["owner"]),
        rows=[actions.InvitationRow(email="deja@example.org")],
    )
    before = snapshot()
    data = (
        "Courriel;Nom;Rôle\r\n"
        "helene@example.org;Hélène Côté;observatrice\r\n"
        "pas-une-adresse;Quelqu'un;membre\r\n"
        "helene@example.org;Encore;membre\r\n"
        "member@example.org;Déjà membre;membre\r\n"
        "deja@example.org;Déjà invitée;membre\r\n"
        "patron@example.org;Patron;propriétaire\r\n"
        "ines@example.org;Inès;chef\r\n"
        "jo@example.org;Jo;membre;en trop\r\n"
    ).encode("cp1252")
    upload = SimpleUploadedFile("liste.csv", data, content_type="text/csv")
    response = clients["facilitator"].post(invite_url(space), {"role": "member", "file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert snapshot() == before
    for message in (
        in_french("“%(value)s” is not a valid email address.", value="pas-une-adresse"),
        in_french("Same address as line %(line)d.", line=2),
        in_french("Already a member of this space."),
        in_french("Already invited: resend the invitation from the pending list."),
        in_french("You cannot give the role “%(role)s”.", role=in_french("owner")),
        in_french(
            "Unknown role “%(value)s”: write owner, facilitator, member or observer.",
            value="chef",
        ),
        in_french("This line has %(count)d columns, the header has %(width)d.", count=4, width=3),
    ):
        assert message.replace("'", "&#x27;") in page, message
    assert "Hélène Côté" in page
    # The decoded file comes back in a text box, so that it need not be uploaded again.
    assert "helene@example.org;Hélène Côté;observatrice" in page
    assert 'value="send_valid"' in page
    assert 'value="send"' not in page

    digest = digest_of(response)
    text = data.decode("cp1252")
    form = {"role": "member", "csv_text": text, "digest": digest}
    refused = clients["facilitator"].post(invite_url(space), {**form, "step": "send"})
    assert refused.status_code == 400
    assert snapshot() == before
    response = clients["facilitator"].post(invite_url(space), {**form, "step": "send_valid"})
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", "role")) == [
        ("deja@example.org", "member"),
        ("helene@example.org", "observer"),
    ]
    assert len(mails_to("helene@example.org")) == 1
    assert OutboxMessage.objects.count() == before[1] + 1


def test_a_utf8_csv_with_bom_is_sent_from_its_kept_text(personas):
    space, clients = personas("members")
    data = "\ufeffE-mail,Name,Role\nana@example.org,Ana Sousa,observer\nbob@example.org,Bob,\n"
    upload = SimpleUploadedFile("l.csv", data.encode("utf-8"), content_type="text/csv")
    client = clients["facilitator"]
    first = client.post(invite_url(space), {"role": "member", "file": upload})
    assert first.status_code == 200
    assert "Ana Sousa" in first.content.decode()
    # The browser sends the kept text back (with CRLF line ends) and no file.
    kept = data.lstrip("\ufeff").replace("\n", "\r\n")
    response = client.post(
        invite_url(space),
        {"role": "member", "csv_text": kept, "step": "send", "digest": digest_of(first)},
    )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", "name", "role")) == [
        ("ana@example.org", "Ana Sousa", "observer"),
        ("bob@example.org", "Bob", "member"),
    ]


def test_sending_a_list_that_changed_since_the_check_shows_the_check_again(personas):
    space, clients = personas("members")
    first = preview(clients["facilitator"], space, addresses="a@example.org")
    response = clients["facilitator"].post(
        invite_url(space),
        {"role": "member", "addresses": "a@example.org\nb@example.org", "step": "send",
         "digest": digest_of(first)},
    )  # fmt: skip
    assert response.status_code == 400
    assert "b@example.org" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_ten_thousand_line_csv_gets_one_clear_message_quickly(personas):
    import time

    space, clients = personas("members")
    data = "email,nom\n" + "".join(f"p{i}@example.org,P {i}\n" for i in range(10_000))
    upload = SimpleUploadedFile("big.csv", data.encode(), content_type="text/csv")
    started = time.monotonic()
    response = clients["facilitator"].post(invite_url(space), {"role": "member", "file": upload})
    assert time.monotonic() - started < 3
    assert response.status_code == 400
    errors = error_texts(response.content.decode())
    assert len(errors) == 1
    assert "10000" in errors[0]
    assert not Invitation.objects.exists()


def test_a_file_over_one_megabyte_is_refused(personas):
    space, clients = personas("members")
    upload = SimpleUploadedFile("big.csv", b"email\n" + b"a" * 1_100_000, content_type="text/csv")
    response = clients["facilitator"].post(invite_url(space), {"role": "member", "file": upload})
    assert response.status_code == 400
    assert len(error_texts(response.content.decode())) == 1


def test_nothing_to_invite_or_two_ways_at_once_is_explained(personas):
    space, clients = personas("members")
    response = preview(clients["facilitator"], space)
    assert response.status_code == 400
    assert error_texts(response.content.decode()) == [
        in_french("Give an email address, paste a list or upload a CSV file.")
    ]
    response = preview(clients["facilitator"], space, email="a@example.org", addresses="b@x.org")
    assert response.status_code == 400
    assert "b@x.org" in response.content.decode()


# --- quota -------------------------------------------------------------------------------------


def test_the_daily_quota_is_shown_and_a_list_over_it_is_not_sent(personas, settings):
    settings.SPACES_INVITATIONS_PER_DAY = 3
    space, clients = personas("members")
    client = clients["facilitator"]
    assert send(client, space, addresses="a@example.org\nb@example.org").status_code == 302
    page = client.get(invite_url(space)).content.decode()
    assert in_french("You can still send %(counter)s invitation today", counter=1) in page
    assert in_french("(at most %(limit)s a day).", limit=3) in page
    before = snapshot()
    first = preview(client, space, addresses="c@example.org\nd@example.org")
    assert first.status_code == 200
    assert 'value="send"' not in first.content.decode()
    response = client.post(
        invite_url(space),
        {"role": "member", "addresses": "c@example.org\nd@example.org", "step": "send",
         "digest": digest_of(first)},
    )  # fmt: skip
    assert response.status_code == 400
    with translation.override("fr"):
        quota = translation.ngettext(
            "You can send %(left)d more invitation today (%(limit)d a day); "
            "this list has %(count)d.",
            "You can send %(left)d more invitations today (%(limit)d a day); "
            "this list has %(count)d.",
            1,
        ) % {"left": 1, "limit": 3, "count": 2}
    assert quota in response.content.decode()
    # All or nothing: not even the first address of the list is left half-sent.
    assert snapshot() == before
    assert not Invitation.objects.filter(email="c@example.org").exists()


# --- resend and revoke -------------------------------------------------------------------------


def test_resend_makes_a_new_link_and_the_old_one_stops_working(personas):
    space, clients = personas("members")
    send(clients["facilitator"], space, email="zoe@example.org")
    old_link = invitation_link("zoe@example.org")
    invitation = Invitation.objects.get()
    url = reverse("spaces:invitation_resend", args=[space.slug, invitation.pk])
    page = clients["facilitator"].get(url)
    assert page.status_code == 200
    assert "zoe@example.org" in page.content.decode()
    response = clients["facilitator"].post(url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    new_link = invitation_link("zoe@example.org")
    assert new_link != old_link
    assert len(mails_to("zoe@example.org")) == 2
    assert Client().get(old_link).status_code == 404
    assert Client().get(new_link).status_code == 200


def test_resend_stops_after_the_maximum_number_of_sends(personas, settings):
    settings.SPACES_INVITATION_MAX_SENDS = 2
    space, clients = personas("members")
    send(clients["facilitator"], space, email="zoe@example.org")
    invitation = Invitation.objects.get()
    url = reverse("spaces:invitation_resend", args=[space.slug, invitation.pk])
    assert clients["facilitator"].post(url).status_code == 302
    before = snapshot()
    response = clients["facilitator"].post(url)
    assert response.status_code == 400
    assert in_french("This invitation was already sent %(count)d times.", count=2) in (
        response.content.decode()
    )
    assert snapshot() == before


def test_revoke_asks_first_then_the_link_stops_working(personas):
    space, clients = personas("members")
    send(clients["facilitator"], space, email="zoe@example.org")
    link = invitation_link("zoe@example.org")
    invitation = Invitation.objects.get()
    url = reverse("spaces:invitation_revoke", args=[space.slug, invitation.pk])
    assert clients["facilitator"].get(url).status_code == 200
    assert Invitation.objects.get().status == InvitationStatus.PENDING
    response = clients["facilitator"].post(url, follow=True)
    assert response.status_code == 200
    assert "zoe@example.org" in response.content.decode()
    assert Invitation.objects.get().status == InvitationStatus.REVOKED
    assert Client().get(link).status_code == 410
    again = clients["facilitator"].post(url)
    assert again.status_code == 400
    assert in_french("This invitation was already answered or revoked.") in (again.content.decode())


def test_an_invitation_of_another_space_cannot_be_revoked_from_this_one(personas, make_space):
    space, clients = personas("members")
    other = make_space("Autre", owner=clients.users["facilitator"])
    actions.invitations_send(
        access=access_for(other, clients.users["facilitator"]),
        rows=[actions.InvitationRow(email="x@example.org")],
    )
    foreign = Invitation.objects.get()
    url = reverse("spaces:invitation_revoke", args=[space.slug, foreign.pk])
    assert clients["facilitator"].post(url).status_code == 400
    assert Invitation.objects.get().status == InvitationStatus.PENDING


# --- plain text only ---------------------------------------------------------------------------


def test_html_in_the_message_is_refused_and_names_are_escaped(personas):
    space, clients = personas("members")
    response = preview(
        clients["facilitator"], space, email="a@example.org", message="<script>alert(1)</script>"
    )
    assert response.status_code == 400
    assert (
        in_french("HTML tags are not accepted here; please write plain text.")
        in (error_texts(response.content.decode())[0])
    )
    assert "<script>alert(1)" not in response.content.decode()
    assert not Invitation.objects.exists()

    response = preview(clients["facilitator"], space, addresses="a@example.org; <b>Bold</b>")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page
    assert 'value="send"' not in page


# --- who may do it ---------------------------------------------------------------------------


def facilitator_requests(space, invitation):
    resend = reverse("spaces:invitation_resend", args=[space.slug, invitation.pk])
    revoke = reverse("spaces:invitation_revoke", args=[space.slug, invitation.pk])
    return [
        ("get", reverse("spaces:invitations", args=[space.slug]), {}),
        ("get", invite_url(space), {}),
        ("post", invite_url(space), {"role": "member", "email": "new@example.org"}),
        ("get", resend, {}),
        ("post", resend, {}),
        ("get", revoke, {}),
        ("post", revoke, {}),
    ]


@pytest.mark.parametrize("visibility", ["secret", "members"])
def test_only_facilitators_and_owners_reach_the_invitation_pages(personas, visibility):
    space, clients = personas(visibility)
    actions.invitations_send(
        access=access_for(space, clients.users["owner"]),
        rows=[actions.InvitationRow(email="waiting@example.org")],
    )
    invitation = Invitation.objects.get()
    expected = {
        "anonymous": 404 if visibility == "secret" else 302,
        "outsider": 404 if visibility == "secret" else 403,
        "observer": 403,
        "member": 403,
    }
    for persona in PERSONAS[:4]:
        for method, url, data in facilitator_requests(space, invitation):
            before = snapshot()
            response = getattr(clients[persona], method)(url, data)
            assert response.status_code == expected[persona], (persona, method, url)
            if expected[persona] == 302:
                assert response["Location"].startswith(reverse("account_login"))
            assert snapshot() == before, (persona, method, url)
    for persona in ("facilitator", "owner"):
        for method, url, data in facilitator_requests(space, invitation)[:4]:
            response = getattr(clients[persona], method)(url, data)
            assert response.status_code == 200, (persona, method, url)


def test_a_facilitator_cannot_invite_an_owner_nor_manage_an_owner_invitation(personas):
    space, clients = personas("members")
    page = clients["facilitator"].get(invite_url(space)).content.decode()
    assert 'value="owner"' not in page
    assert 'value="owner"' in clients["owner"].get(invite_url(space)).content.decode()

    before = snapshot()
    response = preview(clients["facilitator"], space, email="boss@example.org", role="owner")
    assert response.status_code == 400
    response = send(clients["owner"], space, email="boss@example.org", role="owner")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    before = snapshot()
    for name in ("invitation_resend", "invitation_revoke"):
        url = reverse(f"spaces:{name}", args=[space.slug, invitation.pk])
        assert clients["facilitator"].get(url).status_code == 403
        assert clients["facilitator"].post(url).status_code == 403
    assert snapshot() == before
    listing = clients["facilitator"].get(reverse("spaces:invitations", args=[space.slug]))
    assert "/revoquer/" not in listing.content.decode()


def test_an_archived_space_takes_no_invitation(personas):
    space, clients = personas("members")
    actions.space_set_status(access=access_for(space, clients.users["owner"]), status="archived")
    assert clients["owner"].get(invite_url(space)).status_code == 403
    response = preview(clients["owner"], space, email="a@example.org")
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_refused_batch_writes_no_invitation_and_no_mail(personas):
    space, clients = personas("members")
    access = access_for(space, clients.users["facilitator"])
    actions.invitations_send(access=access, rows=[actions.InvitationRow(email="b@example.org")])
    before = snapshot()
    rows = [
        actions.InvitationRow(email="a@example.org"),
        actions.InvitationRow(email="b@example.org"),
    ]
    with pytest.raises(ValidationError):
        actions.invitations_send(access=access, rows=rows)
    assert snapshot() == before


def test_each_invitation_of_a_batch_is_written_in_its_reader_s_language(personas, make_user):
    from coopilote.spaces.actions import InvitationRow

    space, clients = personas("members")
    make_user("english@example.org", language="en")
    make_user("francais@example.org", language="fr")
    rows = [
        InvitationRow(email="english@example.org"),
        InvitationRow(email="francais@example.org"),
        InvitationRow(email="nouveau@example.org"),
    ]
    with translation.override("fr"):
        actions.invitations_send(access=access_for(space, clients.users["owner"]), rows=rows)
    subject = "Invitation to join “%(space)s”"
    with translation.override("en"):
        english = translation.gettext(subject) % {"space": space.name}
    french = in_french(subject, space=space.name)
    assert english != french
    assert mails_to("english@example.org")[0].subject == english
    assert mails_to("francais@example.org")[0].subject == french
    # No account yet: the inviter's language.
    assert mails_to("nouveau@example.org")[0].subject == french
