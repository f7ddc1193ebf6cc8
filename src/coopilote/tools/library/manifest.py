"""The resource library: what a network pools and shares, under open licences."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coopilote.activity.models import Participation
from coopilote.spaces.registry import (
    CONTRIBUTORS,
    EVERY_ROLE,
    FACILITATORS,
    EventKind,
    ToolManifest,
)

KEY = "library"
READ = "read"
CONTRIBUTE = "contribute"
MANAGE = "manage"

MANIFEST = ToolManifest(
    key=KEY,
    verbose_name=_("Resource library"),
    description=_(
        "Guides, tools, experience reports, data and templates the network pools: files, "
        "links and notes with their licence and source, in collections, shared between the "
        "spaces of the network without copies."
    ),
    slug="bibliotheque",
    urls="coopilote.tools.library.urls",
    icon="library",
    verbs={READ: EVERY_ROLE, CONTRIBUTE: CONTRIBUTORS, MANAGE: FACILITATORS},
    visitor_verbs=frozenset({READ}),
    read_verbs=frozenset({READ}),
    event_kinds=(
        EventKind("library.resource.added", Participation.INITIATIVE, _("added a resource")),
        EventKind("library.resource.edited", Participation.REACTION, _("edited a resource")),
        EventKind(
            "library.resource.new_version",
            Participation.REACTION,
            _("added a new version of a file"),
        ),
        EventKind("library.resource.deleted", Participation.ADMIN, _("deleted a resource")),
        EventKind(
            "library.resource.shared",
            Participation.INITIATIVE,
            _("shared a resource from another space"),
        ),
        EventKind(
            "library.resource.unshared", Participation.ADMIN, _("stopped sharing a resource")
        ),
        EventKind("library.resource.viewed", Participation.VIEW, _("looked at a resource")),
        EventKind("library.resource.downloaded", Participation.VIEW, _("downloaded a resource")),
        EventKind("library.comment.added", Participation.REACTION, _("commented on a resource")),
        EventKind(
            "library.collection.created", Participation.INITIATIVE, _("created a collection")
        ),
        EventKind("library.collection.edited", Participation.REACTION, _("edited a collection")),
        EventKind("library.collection.deleted", Participation.ADMIN, _("deleted a collection")),
    ),
    usages=("share", "learn", "publish"),
    resolve_targets="coopilote.tools.library.selectors.feed_targets",
    home_news="coopilote.tools.library.selectors.home_news",
    embed_scheme="library",
    resolve_embeds="coopilote.tools.library.embeds.resolve",
)
