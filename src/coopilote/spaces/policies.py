"""Who may do what in a space: one declarative matrix, read by the code and by the tests.

A person's *role* in a space is their membership's role, or the role inherited from a parent
space (owners and facilitators of a parent manage its children as facilitators), whichever is
higher. People without a role are *visitors*: what they may do depends on the space's
visibility only. Everything not written here is refused.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    FACILITATOR = "facilitator", _("facilitator")
    MEMBER = "member", _("member")
    OBSERVER = "observer", _("observer")

    @property
    def rank(self) -> int:
        return RANKS[self]


RANKS = {Role.OBSERVER: 1, Role.MEMBER: 2, Role.FACILITATOR: 3, Role.OWNER: 4}

# Verbs of the spaces app. Tools declare their own verbs in their manifests (issue 4).
READ = "space.read"  # the space's content, member-only pages included
SEE_CARD = "space.see_card"  # name and description, as listed on the home page
EDIT = "space.edit"  # name, description, kind, field
CONFIGURE = "space.configure"  # visibility, address, directory setting
SET_STATUS = "space.set_status"  # archive, close, reopen
CREATE_CHILD = "space.create_child"
ASK_TO_JOIN = "space.ask_to_join"
LEAVE = "space.leave"
SEE_DIRECTORY = "members.see_directory"
INVITE = "members.invite"
MANAGE_MEMBERS = "members.manage"  # roles up to facilitator, removals, join requests
MANAGE_OWNERS = "members.manage_owners"  # give or take ownership
MANAGE_TOOLS = "space.manage_tools"  # enable, disable, rename and order tools

_EVERY_ROLE = frozenset(Role)
_FACILITATORS = frozenset({Role.OWNER, Role.FACILITATOR})
_OWNERS = frozenset({Role.OWNER})

# role × verb: which roles may use each verb.
MATRIX: dict[str, frozenset[Role]] = {
    SEE_CARD: _EVERY_ROLE,
    READ: _EVERY_ROLE,
    LEAVE: _EVERY_ROLE,
    SEE_DIRECTORY: _EVERY_ROLE,
    EDIT: _FACILITATORS,
    CREATE_CHILD: _FACILITATORS,
    INVITE: _FACILITATORS,
    MANAGE_MEMBERS: _FACILITATORS,
    MANAGE_TOOLS: _FACILITATORS,
    CONFIGURE: _OWNERS,
    SET_STATUS: _OWNERS,
    MANAGE_OWNERS: _OWNERS,
    ASK_TO_JOIN: frozenset(),
}

# visibility × verb for people without a role (anonymous people and logged-in outsiders).
VISITOR_VERBS: dict[str, frozenset[str]] = {
    "public": frozenset({SEE_CARD, READ, ASK_TO_JOIN}),
    "members": frozenset({SEE_CARD, ASK_TO_JOIN}),
    "secret": frozenset(),
}

# Verbs that still work once a space is archived (read-only) or closed (owners only). Its
# settings are frozen too; owners can only change its status (reopen, close) and, while archived,
# hand ownership over (so that a sole owner can still leave or delete their account).
ARCHIVED_VERBS = frozenset({SEE_CARD, READ, SEE_DIRECTORY, LEAVE, SET_STATUS, MANAGE_OWNERS})
CLOSED_VERBS = frozenset({SEE_CARD, READ, SET_STATUS})

# Settings that tighten the matrix for one space.
DIRECTORY_FOR_FACILITATORS = _FACILITATORS

# What a role inherited from a parent space becomes in its children.
INHERITED_ROLE = {Role.OWNER: Role.FACILITATOR, Role.FACILITATOR: Role.FACILITATOR}


def higher(a: Role | None, b: Role | None) -> Role | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if RANKS[a] >= RANKS[b] else b


def allowed(
    *,
    verb: str,
    role: Role | None,
    visibility: str,
    status: str,
    directory_visibility: str = "members",
    authenticated: bool = True,
) -> bool:
    """The whole decision, as a pure function of the facts that matter."""
    if verb not in MATRIX:
        raise KeyError(f"Unknown verb {verb!r}: add it to the role matrix first.")
    if status == "closed":
        return role == Role.OWNER and verb in CLOSED_VERBS
    if status == "archived" and verb not in ARCHIVED_VERBS:
        return False
    if role is None:
        if verb == ASK_TO_JOIN and (not authenticated or status != "open"):
            return False
        return verb in VISITOR_VERBS[visibility]
    if verb == SEE_DIRECTORY and directory_visibility == "facilitators":
        return role in DIRECTORY_FOR_FACILITATORS
    return role in MATRIX[verb]


def may_grant(actor_role: Role | None, granted: Role) -> bool:
    """Facilitators hand out roles up to facilitator; only owners make owners."""
    if actor_role is None:
        return False
    if granted == Role.OWNER:
        return actor_role in MATRIX[MANAGE_OWNERS]
    return actor_role in MATRIX[MANAGE_MEMBERS]


def may_change(actor_role: Role | None, current: Role) -> bool:
    """Whether a person's current role lets the actor change or remove it."""
    return may_grant(actor_role, current)
