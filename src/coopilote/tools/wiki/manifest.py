"""The wiki: pages a space writes together, with their full history and no lost edit."""

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

KEY = "wiki"
READ = "read"
EDIT = "edit"
MANAGE = "manage"

MANIFEST = ToolManifest(
    key=KEY,
    verbose_name=_("Wiki"),
    description=_(
        "Pages the group writes together: charter, meeting notes, project sheets. Every "
        "save is kept in the history, simultaneous edits are merged, and nothing typed is lost."
    ),
    slug="wiki",
    urls="coopilote.tools.wiki.urls",
    icon="wiki",
    verbs={READ: EVERY_ROLE, EDIT: CONTRIBUTORS, MANAGE: FACILITATORS},
    visitor_verbs=frozenset({READ}),
    read_verbs=frozenset({READ}),
    event_kinds=(
        EventKind("wiki.page.created", Participation.INITIATIVE, _("created a wiki page")),
        EventKind("wiki.page.edited", Participation.REACTION, _("edited a wiki page")),
        EventKind("wiki.page.restored", Participation.REACTION, _("restored a wiki page")),
        EventKind("wiki.page.viewed", Participation.VIEW, _("read a wiki page")),
        EventKind("wiki.page.deleted", Participation.ADMIN, _("put a wiki page in the trash")),
        EventKind(
            "wiki.page.undeleted", Participation.ADMIN, _("took a wiki page out of the trash")
        ),
        EventKind("wiki.page.renamed", Participation.REACTION, _("renamed a wiki page")),
        EventKind("wiki.page.moved", Participation.REACTION, _("moved a wiki page")),
        EventKind("wiki.template.saved", Participation.ADMIN, _("saved a page template")),
        EventKind("wiki.template.removed", Participation.ADMIN, _("removed a page template")),
        EventKind("wiki.template.reset", Participation.ADMIN, _("reset a built-in page template")),
    ),
    usages=("write", "share"),
    resolve_targets="coopilote.tools.wiki.selectors.feed_targets",
    home_news="coopilote.tools.wiki.selectors.home_news",
)
