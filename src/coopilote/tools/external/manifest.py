"""External tools: cards for the services a network already uses outside Coopilote."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopilote.activity.models import Participation
from coopilote.spaces.registry import EVERY_ROLE, FACILITATORS, EventKind, ToolManifest

KEY = "external"
MANAGE = "manage"

MANIFEST = ToolManifest(
    key=KEY,
    verbose_name=_("External tools"),
    description=_(
        "The services the group already uses elsewhere (pad, video room, mailing list, shared "
        "drive, chat…), each with its address, what it is for, how the group agreed to use "
        "it and who to ask for help."
    ),
    slug="outils-externes",
    urls="coopilote.tools.external.urls",
    icon="external",
    verbs={"read": EVERY_ROLE, MANAGE: FACILITATORS},
    visitor_verbs=frozenset({"read"}),
    read_verbs=frozenset({"read"}),
    event_kinds=(
        EventKind("external.tool.added", Participation.ADMIN, _("added an external tool")),
        EventKind("external.tool.edited", Participation.ADMIN, _("edited an external tool")),
        EventKind("external.tool.removed", Participation.ADMIN, _("removed an external tool")),
        EventKind("external.tool.opened", Participation.VIEW, _("opened an external tool")),
    ),
    usages=("exchange", "write", "share", "meet"),
    resolve_targets="coopilote.tools.external.selectors.feed_targets",
)
