"""The tool registry: how a cooperative tool plugs into a space.

A tool is a Django app under ``coopilote/tools/<key>/`` that declares one ``ToolManifest`` and
registers it from its ``AppConfig.ready()``::

    registry.register(ToolManifest(key="external", ...))

The manifest is the whole contract between the tool and the platform:

- ``key``: stable identifier (lower-case letters and underscores), used in the database, in
  activity event kinds (``<key>.<object>.<verb>``) and in URL names (``<key>:<name>``).
- ``slug``: the tool's address inside a space, ``/s/<space>/<slug>/``; fixed, so that links
  never break (the title shown in the space can be renamed freely).
- ``urls``: dotted path of the module whose ``urlpatterns`` are mounted under that address;
  every view receives ``slug`` (the space) and resolves access with ``tool_access``.
- ``verbs``: the tool's own role matrix, verb → roles allowed (``read`` is required); a space
  may tighten it through the SpaceTool's settings (``{"verbs": {"create": ["owner"]}}``), never
  loosen it. ``visitor_verbs`` lists what people without a role may do in a public space, and
  ``read_verbs`` the verbs that change nothing (all an archived space allows).
- ``event_kinds``: every activity kind the tool records, each with its participation class
  (initiative, reaction, view, admin), the phrase the activity feed shows after the actor's
  name, and its ``audience``: the tool verb a reader needs to see it in the feed (``read`` by
  default, None for kinds never shown). ``view`` kinds are never shown in the feed. Recording an
  undeclared kind is an error (``activity.recording.UndeclaredKind``).
- ``resolve_targets``: optional dotted path to ``resolve(access, ids_by_type)``: given a
  ``ToolAccess`` and ``{target_type: {ids}}`` taken from events, it returns
  ``{(target_type, id): TargetLink}`` for the objects that still exist *and* that this reader
  may see, in one query per call. The feed names an object only when its tool resolved it.
- ``usages``: the cooperative usages the tool serves (échanger, rédiger, partager, ...), read by
  the diagnostic to recommend it.
- ``embed_scheme`` and ``resolve_embeds``: optional; a text tool (the wiki) shows
  ``![[<scheme>:<id>|caption]]`` through ``resolve(access, refs)``: given the reader's
  ``ToolAccess`` of the page's space and a list of ``EmbedRef``, it returns ``{ref: html}`` for the
  objects this reader may see, in a fixed number of queries. A ref left out shows nothing, so a
  reader cannot tell a forbidden object from a missing one. The text tool never imports the tool
  it embeds from: it asks ``embed_resolver(scheme)``.

System checks (``spaces/checks.py``) validate every manifest at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from coopilote.activity import recording
from coopilote.activity.models import Participation
from coopilote.spaces.policies import Role

KEY_PATTERN = re.compile(r"^[a-z][a-z_]{1,38}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The cooperative usages of the Outils-Réseaux / Animacoop catalogue (facilitation.md §1.10).
USAGES: dict[str, Promise] = {
    "exchange": _("exchange"),
    "write": _("write together"),
    "share": _("share documents and resources"),
    "decide": _("decide and make decisions visible"),
    "plan": _("plan events"),
    "map": _("map initiatives"),
    "watch": _("keep watch together"),
    "learn": _("learn"),
    "meet": _("get to know each other"),
    "publish": _("publish and communicate outside"),
}

EVERY_ROLE = frozenset(Role)
CONTRIBUTORS = frozenset({Role.OWNER, Role.FACILITATOR, Role.MEMBER})
FACILITATORS = frozenset({Role.OWNER, Role.FACILITATOR})


@dataclass(frozen=True)
class EventKind:
    key: str  # full kind, "<tool key>.<object>.<verb>"
    participation: Participation
    label: str | Promise  # what the actor did, after their name: "added an external tool"
    # The verb a reader needs to see the event in the activity feed (a tool verb for tools, a
    # spaces policy verb for the spaces app's own kinds); None: never shown.
    audience: str | None = "read"


@dataclass(frozen=True)
class TargetLink:
    """An object named in the activity feed, as its tool resolved it for one reader."""

    title: str
    url: str
    when: datetime | None = None  # for the tools' news on the gare centrale: when it changed


@dataclass(frozen=True)
class EmbedRef:
    """An object a text shows inline, as written: ``![[library:<id>|caption]]``."""

    scheme: str
    target: str  # the object's identifier, as the tool names it in its URLs
    caption: str = ""


@dataclass(frozen=True)
class ToolManifest:
    key: str
    verbose_name: str | Promise
    description: str | Promise
    slug: str
    urls: str
    icon: str = "tool"
    verbs: dict[str, frozenset[Role]] = field(default_factory=dict)
    visitor_verbs: frozenset[str] = frozenset({"read"})
    # Verbs that change nothing: the only ones left in an archived space.
    read_verbs: frozenset[str] = frozenset({"read"})
    event_kinds: tuple[EventKind, ...] = ()
    usages: tuple[str, ...] = ()
    enabled_by_default: bool = False
    resolve_targets: str = ""
    # Optional dotted path to ``f(tool_access) -> list[TargetLink]``: what changed lately in the
    # tool, shown on its card at the gare centrale (one query; only called for readers).
    home_news: str = ""
    # ``![[<embed_scheme>:<id>]]`` in a text shows this tool's object through ``resolve_embeds``,
    # a dotted path to ``f(access, refs: list[EmbedRef]) -> dict[EmbedRef, str]`` (see above).
    embed_scheme: str = ""
    resolve_embeds: str = ""

    def kind(self, key: str) -> EventKind:
        for kind in self.event_kinds:
            if kind.key == key:
                return kind
        raise KeyError(f"{key!r} is not declared in the manifest of the {self.key!r} tool.")

    def news_reader(self) -> Callable[..., list[TargetLink]] | None:
        return import_string(self.home_news) if self.home_news else None  # type: ignore[no-any-return]

    def embed_resolver(self) -> Callable[..., Mapping[EmbedRef, str]] | None:
        return import_string(self.resolve_embeds) if self.resolve_embeds else None  # type: ignore[no-any-return]

    def target_resolver(self) -> Callable[..., dict[tuple[str, int], TargetLink]] | None:
        if not self.resolve_targets:
            return None
        return import_string(self.resolve_targets)  # type: ignore[no-any-return]


_manifests: dict[str, ToolManifest] = {}
_problems: list[str] = []


def register(manifest: ToolManifest) -> None:
    """Called from a tool's AppConfig.ready(); duplicates are reported by the system checks."""
    if manifest.key in _manifests and _manifests[manifest.key] is not manifest:
        _problems.append(f"Two tools declare the key {manifest.key!r}.")
        return
    _manifests[manifest.key] = manifest
    for kind in manifest.event_kinds:
        # A broken class is left to the system checks, which say what is wrong.
        if kind.participation in Participation.values:
            recording.declare(kind.key, kind.participation)


def unregister(key: str) -> None:
    """For tests that register a temporary tool."""
    manifest = _manifests.pop(key, None)
    if manifest is not None:
        for kind in manifest.event_kinds:
            recording.undeclare(kind.key)


def manifests() -> list[ToolManifest]:
    return list(_manifests.values())


def get(key: str) -> ToolManifest | None:
    return _manifests.get(key)


def embed_schemes() -> frozenset[str]:
    """The schemes a ``![[scheme:id]]`` may name: those of registered tools that resolve embeds."""
    return frozenset(m.embed_scheme for m in _manifests.values() if m.embed_scheme)


def embed_resolver(scheme: str) -> Callable[..., Mapping[EmbedRef, str]] | None:
    """The resolver of the tool that registered ``scheme``, or None."""
    for manifest in _manifests.values():
        if manifest.embed_scheme == scheme and manifest.resolve_embeds:
            return manifest.embed_resolver()
    return None


def registration_problems() -> list[str]:
    return list(_problems)
