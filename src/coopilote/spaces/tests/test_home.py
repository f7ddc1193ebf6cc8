"""The platform home: listed spaces with search for everyone, own spaces and invitations once
logged in."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from coopilote.accounts.tests.helpers import in_french
from coopilote.spaces import actions
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Space
from coopilote.spaces.policies import Role


def section(response, title_id: str) -> str:
    text = response.content.decode()
    found = re.search(rf'<section aria-labelledby="{title_id}">(.*?)</section>', text, re.S)
    return html.unescape(found.group(1)) if found else ""


def space_names(part: str) -> list[str]:
    return re.findall(r'<h3><a href="/s/[^"]+/">([^<]+)</a></h3>', part)


def listed(client, **params) -> list[str]:
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return space_names(section(response, "public-title"))


def set_status(space: Space, status: str) -> None:
    owner = space.memberships.get(role=Role.OWNER).user
    actions.space_set_status(access=access_for(space, owner), status=status)


def test_everyone_sees_public_and_members_only_spaces_but_not_secret_or_closed_ones(
    make_space, client, make_user
):
    make_space("Agora publique", visibility="public")
    make_space("Cercle des membres", visibility="members")
    make_space("Conseil secret", visibility="secret")
    set_status(make_space("Ancien réseau", visibility="public"), "closed")
    set_status(make_space("Chantier terminé", visibility="public"), "archived")
    expected = ["Agora publique", "Cercle des membres", "Chantier terminé"]
    assert listed(client) == expected
    client.force_login(make_user("passant@example.org"))
    assert listed(client) == expected


def test_an_anonymous_visitor_is_invited_to_sign_up_and_sees_no_personal_section(
    make_space, client
):
    make_space("Agora publique", visibility="public")
    response = client.get(reverse("home"))
    assert reverse("account_signup").encode() in response.content
    assert section(response, "mine-title") == ""
    assert section(response, "invitations-title") == ""


def test_search_matches_the_name_and_the_description(make_space, client):
    make_space("Jardins partagés", visibility="public")
    make_space("Réseau Eau", visibility="public", description="Des **jardins** au bord de l'eau")
    make_space("Tiers-lieux", visibility="public")
    make_space("Jardin secret", visibility="secret")
    assert listed(client, q="jardin") == ["Jardins partagés", "Réseau Eau"]
    assert listed(client, q="  tiers  ") == ["Tiers-lieux"]
    response = client.get(reverse("home"), {"q": "<b>zzz</b>"})
    assert response.status_code == 200
    assert b"<b>zzz</b>" not in response.content
    assert b"&lt;b&gt;zzz&lt;/b&gt;" in response.content


def test_pages_of_spaces_keep_the_search(db, client, make_user):
    owner = make_user("fondatrice@example.org")
    Space.objects.bulk_create(
        [
            Space(name=f"Jardin {n:02d}", slug=f"jardin-{n:02d}", visibility="public")
            for n in range(30)
        ]
        + [Space(name=f"Atelier {n}", slug=f"atelier-{n}", visibility="public") for n in range(5)]
    )
    assert owner  # the spaces need no owner to be listed
    response = client.get(reverse("home"), {"q": "jardin"})
    names = space_names(section(response, "public-title"))
    assert names == [f"Jardin {n:02d}" for n in range(24)]
    link = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', response.content.decode())[1])
    assert "q=jardin" in link and "page=2" in link
    second = client.get(reverse("home") + link)
    assert space_names(section(second, "public-title")) == [
        f"Jardin {n:02d}" for n in range(24, 30)
    ]
    assert re.search(r'<p role="status">\s*30 ', second.content.decode())


def test_a_logged_in_person_sees_their_spaces_with_their_role_secret_ones_included(
    make_space, add_member, client, make_user
):
    camille = make_user("camille.home@example.org")
    secret = make_space("Conseil secret", visibility="secret")
    add_member(secret, camille, Role.FACILITATOR)
    public = make_space("Agora publique", visibility="public")
    add_member(public, camille, Role.OBSERVER)
    make_space("Cercle sans moi", visibility="members")
    client.force_login(camille)
    mine = section(client.get(reverse("home")), "mine-title")
    assert space_names(mine) == ["Agora publique", "Conseil secret"]
    roles = re.findall(r'<span class="badge badge--success">([^<]+)</span>', mine)
    assert roles == [in_french("observer").capitalize(), in_french("facilitator").capitalize()]


def test_closed_spaces_stay_in_my_spaces_only_for_their_owners(
    make_space, add_member, client, make_user
):
    owner = make_user("proprio@example.org")
    member = make_user("membre.home@example.org")
    closed = make_space("Ancien réseau", owner=owner, visibility="members")
    add_member(closed, member)
    set_status(closed, "closed")
    client.force_login(owner)
    assert space_names(section(client.get(reverse("home")), "mine-title")) == ["Ancien réseau"]
    client.force_login(member)
    assert space_names(section(client.get(reverse("home")), "mine-title")) == []


def test_pending_invitations_to_a_verified_address_are_offered_on_the_home(
    make_space, client, make_user
):
    from coopilote.spaces.actions import InvitationRow

    owner = make_user("anim@example.org", display_name="Léa Anim")
    camille = make_user("camille.invitee@example.org")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=camille, email="camille.pas.verifiee@example.org")
    unverified = make_space("Réseau Bois", owner=owner, visibility="members")
    actions.invitations_send(
        access=access_for(unverified, owner),
        rows=[InvitationRow(email="camille.pas.verifiee@example.org")],
    )
    offered = make_space("Réseau Eau", owner=owner, visibility="members")
    revoked = make_space("Réseau Air", owner=owner, visibility="members")
    closed = make_space("Réseau Feu", owner=owner, visibility="members")
    expiring = make_space("Réseau Terre", owner=owner, visibility="members")
    for space in [offered, revoked, closed, expiring]:
        actions.invitations_send(
            access=access_for(space, owner), rows=[InvitationRow(email=camille.email)]
        )
    actions.invitation_revoke(
        access=access_for(revoked, owner), invitation_id=revoked.invitations.get().pk
    )
    set_status(closed, "closed")
    expiring.invitations.update(expires_at=timezone.now() + timedelta(days=1))
    client.force_login(camille)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = client.get(reverse("home"))
    invitations = section(response, "invitations-title")
    assert re.findall(r"<h3>([^<]+)</h3>", invitations) == ["Réseau Eau"]
    assert "Léa Anim" in invitations
    assert reverse("spaces:invitation_answer", args=[offered.invitations.get().pk]) in invitations
