"""Invitation addresses are not kept once nobody can use them (quality.md PRIV-G4: 30 days)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from coopilote.spaces import actions
from coopilote.spaces.access import access_for
from coopilote.spaces.actions import InvitationRow
from coopilote.spaces.models import Invitation, InvitationStatus

pytestmark = pytest.mark.django_db


def test_old_unused_invitations_are_purged_and_recent_or_accepted_ones_kept(
    make_space, make_user, time_machine
):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    space = make_space()
    owner = space.memberships.get().user
    access = access_for(space, owner)
    rows = [InvitationRow(email=f"p{n}@example.org") for n in range(4)]
    _expired, revoked, accepted, recent = actions.invitations_send(access=access, rows=rows)
    actions.invitation_revoke(access=access, invitation_id=revoked.pk)
    Invitation.objects.filter(pk=accepted.pk).update(status=InvitationStatus.ACCEPTED)

    keep_days = settings.SPACES_INVITATION_DAYS + settings.SPACES_INVITATION_RETENTION_DAYS
    later = start + timedelta(days=keep_days + 1)
    Invitation.objects.filter(pk=recent.pk).update(
        expires_at=later, created_at=later - timedelta(days=1)
    )

    assert actions.purge_old_invitations(start + timedelta(days=1)) == 0
    assert actions.purge_old_invitations(later) == 2
    assert set(Invitation.objects.values_list("pk", flat=True)) == {accepted.pk, recent.pk}
    assert actions.purge_old_invitations(later) == 0
