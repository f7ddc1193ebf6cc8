"""The activity kinds the spaces app records itself (tools declare theirs in their manifests).

Same contract as a tool's ``event_kinds`` (see ``registry.py``): each kind has its participation
class, the phrase the feed shows after the actor's name, and its audience, here a verb of the
spaces role matrix (``policies.py``): events about members are for those who may see the member
directory, join requests and invitations for those who manage members, address and visibility
changes for owners; None means never shown in the feed (a member's private choice, reordering).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopilote.activity import recording
from coopilote.activity.models import Participation
from coopilote.spaces import policies
from coopilote.spaces.registry import EventKind

TOOL_KEY = "spaces"
ADMIN = Participation.ADMIN

KINDS: tuple[EventKind, ...] = (
    # The space itself
    EventKind("spaces.space.created", ADMIN, _("opened the space"), policies.READ),
    EventKind("spaces.space.edited", ADMIN, _("edited the space's description"), policies.READ),
    EventKind(
        "spaces.space.configured", ADMIN, _("changed the space's settings"), policies.CONFIGURE
    ),
    EventKind("spaces.space.archived", ADMIN, _("archived the space"), policies.READ),
    EventKind("spaces.space.closed", ADMIN, _("closed the space"), policies.READ),
    EventKind("spaces.space.reopened", ADMIN, _("reopened the space"), policies.READ),
    EventKind("spaces.reading.turned_on", ADMIN, _("turned reading measurement on"), policies.READ),
    EventKind(
        "spaces.reading.turned_off", ADMIN, _("turned reading measurement off"), policies.READ
    ),
    # The blocks of the space's home page
    EventKind("spaces.welcome.edited", ADMIN, _("updated the welcome text"), policies.READ),
    EventKind(
        "spaces.start_here.edited", ADMIN, _("updated the “start here” guide"), policies.READ
    ),
    EventKind(
        "spaces.message.posted", ADMIN, _("posted a message from the facilitators"), policies.READ
    ),
    EventKind(
        "spaces.message.removed", ADMIN, _("took down the facilitators' message"), policies.READ
    ),
    # Members
    EventKind("spaces.member.joined", ADMIN, _("joined the space"), policies.SEE_DIRECTORY),
    EventKind("spaces.member.left", ADMIN, _("left the space"), policies.SEE_DIRECTORY),
    EventKind(
        "spaces.member.role_changed", ADMIN, _("changed a member's role"), policies.SEE_DIRECTORY
    ),
    EventKind("spaces.member.removed", ADMIN, _("removed a member"), policies.MANAGE_MEMBERS),
    EventKind(
        "spaces.member.reading_opted_out", ADMIN, _("opted out of reading measurement"), None
    ),
    EventKind("spaces.member.reading_opted_in", ADMIN, _("accepted reading measurement"), None),
    EventKind(
        "spaces.join_request.created", ADMIN, _("asked to join the space"), policies.MANAGE_MEMBERS
    ),
    EventKind(
        "spaces.join_request.withdrawn",
        ADMIN,
        _("withdrew their request to join"),
        policies.MANAGE_MEMBERS,
    ),
    EventKind(
        "spaces.join_request.refused",
        ADMIN,
        _("refused a request to join"),
        policies.MANAGE_MEMBERS,
    ),
    EventKind("spaces.invitation.sent", ADMIN, _("sent invitations"), policies.MANAGE_MEMBERS),
    EventKind(
        "spaces.invitation.resent", ADMIN, _("sent an invitation again"), policies.MANAGE_MEMBERS
    ),
    EventKind(
        "spaces.invitation.revoked", ADMIN, _("revoked an invitation"), policies.MANAGE_MEMBERS
    ),
    EventKind(
        "spaces.invitation.declined", ADMIN, _("declined an invitation"), policies.MANAGE_MEMBERS
    ),
    # Tools of the space
    EventKind("spaces.tool.enabled", ADMIN, _("enabled a tool"), policies.READ),
    EventKind("spaces.tool.disabled", ADMIN, _("disabled a tool"), policies.READ),
    EventKind("spaces.tool.renamed", ADMIN, _("renamed a tool"), policies.READ),
    EventKind("spaces.tool.moved", ADMIN, _("reordered the tools"), None),
)

_BY_KEY = {kind.key: kind for kind in KINDS}


def kind(key: str) -> EventKind:
    """The declaration of one of the spaces app's kinds (KeyError for an undeclared one)."""
    return _BY_KEY[key]


def declare() -> None:
    """Called from SpacesConfig.ready()."""
    for declared in KINDS:
        recording.declare(declared.key, declared.participation)
