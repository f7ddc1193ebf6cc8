"""A broken tool manifest stops start-up with a clear system-check error."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from coopilote.activity.models import Participation
from coopilote.spaces import registry
from coopilote.spaces.checks import check_tool_manifests
from coopilote.spaces.registry import EVERY_ROLE, FACILITATORS, EventKind, ToolManifest

GOOD = ToolManifest(
    key="sample",
    verbose_name="Sample",
    description="A tool for the tests",
    slug="exemple",
    urls="coopilote.tools.external.urls",
    verbs={"read": EVERY_ROLE, "create": FACILITATORS},
    event_kinds=(EventKind("sample.thing.created", Participation.INITIATIVE, "created"),),
    usages=("share",),
)


@pytest.fixture
def temporary():
    """Register manifests for one test, then take them (and what they broke) out again."""
    added: list[str] = []
    problems = list(registry._problems)

    def register(manifest: ToolManifest) -> None:
        registry.register(manifest)
        added.append(manifest.key)

    yield register
    for key in added:
        if key != "external":
            registry.unregister(key)
    registry._problems[:] = problems


def messages(errors: list[Error]) -> list[str]:
    return [error.msg for error in errors]


def test_the_installed_tools_pass_the_checks():
    assert check_tool_manifests() == []


def test_a_sound_manifest_passes(temporary):
    temporary(GOOD)
    assert check_tool_manifests() == []


def test_two_tools_with_the_same_key_are_an_error(temporary):
    external = registry.get("external")
    temporary(replace(GOOD, key="external", slug="autre"))
    errors = check_tool_manifests()
    assert [(error.id, error.msg) for error in errors] == [
        ("coopilote.E001", "Two tools declare the key 'external'.")
    ]
    assert registry.get("external") is external  # the first one keeps its place


BROKEN = {
    "bad key": (
        {"key": "Sample-Tool", "event_kinds": ()},
        "Tool 'Sample-Tool': its key must be 2-39 lower-case letters or underscores.",
    ),
    "bad slug": (
        {"slug": "Outils Externes"},
        "Tool 'sample': its slug 'Outils Externes' is not a valid address part.",
    ),
    "reserved slug": (
        {"slug": "membres"},
        "Tool 'sample': its slug 'membres' is reserved by the spaces app.",
    ),
    "the tools page's slug": (
        {"slug": "outils"},
        "Tool 'sample': its slug 'outils' is reserved by the spaces app.",
    ),
    "missing urls module": (
        {"urls": "coopilote.tools.nowhere.urls"},
        "Tool 'sample': its URL module 'coopilote.tools.nowhere.urls' cannot be imported "
        "(No module named 'coopilote.tools.nowhere').",
    ),
    "urls module without patterns": (
        {"urls": "coopilote.tools.external.manifest"},
        "Tool 'sample': its URL module 'coopilote.tools.external.manifest' has no urlpatterns.",
    ),
    "missing read verb": (
        {"verbs": {"create": FACILITATORS}, "visitor_verbs": frozenset()},
        "Tool 'sample': it must declare the verb 'read'.",
    ),
    "unknown role": (
        {"verbs": {"read": frozenset({"owner", "king"})}},
        "Tool 'sample': verb 'read' names unknown roles.",
    ),
    "unknown visitor verb": (
        {"visitor_verbs": frozenset({"read", "moderate"})},
        "Tool 'sample': visitor verbs ['moderate'] are not among its verbs.",
    ),
    "kind without the tool prefix": (
        {"event_kinds": (EventKind("wiki.page.created", Participation.INITIATIVE, "x"),)},
        "Tool 'sample': event kind 'wiki.page.created' must start with 'sample.'.",
    ),
    "kind declared twice": (
        {"event_kinds": (GOOD.event_kinds[0], GOOD.event_kinds[0])},
        "Tool 'sample': event kind 'sample.thing.created' is declared twice.",
    ),
    "unknown participation class": (
        {"event_kinds": (EventKind("sample.thing.seen", "lurking", "x"),)},  # type: ignore[arg-type]
        "Tool 'sample': event kind 'sample.thing.seen' has an unknown participation class.",
    ),
    "unknown usage": (
        {"usages": ("share", "teleport")},
        "Tool 'sample': unknown usages ['teleport'].",
    ),
    "embed scheme without a resolver": (
        {"embed_scheme": "sample"},
        "Tool 'sample': it must declare both an embed scheme and its resolver, or neither.",
    ),
    "bad embed scheme": (
        {"embed_scheme": "Sample:x", "resolve_embeds": "coopilote.tools.library.embeds.resolve"},
        "Tool 'sample': its embed scheme 'Sample:x' must be like a key.",
    ),
    "embed resolver that cannot be imported": (
        {"embed_scheme": "sample", "resolve_embeds": "coopilote.tools.nowhere.resolve"},
        "Tool 'sample': its embed resolver cannot be imported "
        "(No module named 'coopilote.tools.nowhere').",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_manifest_is_reported_with_what_is_wrong(temporary, case):
    changes, message = BROKEN[case]
    temporary(replace(GOOD, **changes))
    errors = check_tool_manifests()
    assert messages(errors) == [message]
    assert {error.id for error in errors} == {"coopilote.E002"}


def test_two_tools_sharing_a_slug_are_an_error(temporary):
    temporary(replace(GOOD, slug="outils-externes"))
    errors = check_tool_manifests()
    assert [(error.id, error.msg) for error in errors] == [
        (
            "coopilote.E003",
            "Tools 'external' and 'sample' share the slug 'outils-externes'.",
        )
    ]


def test_two_tools_sharing_an_embed_scheme_are_an_error(temporary):
    temporary(
        replace(
            GOOD, embed_scheme="library", resolve_embeds="coopilote.tools.library.embeds.resolve"
        )
    )
    errors = check_tool_manifests()
    assert [(error.id, error.msg) for error in errors] == [
        ("coopilote.E004", "Tools 'library' and 'sample' share the embed scheme 'library'.")
    ]


@pytest.mark.django_db
def test_a_broken_manifest_stops_the_start_up_checks(temporary):
    temporary(replace(GOOD, usages=("teleport",)))
    with pytest.raises(SystemCheckError, match="unknown usages"):
        call_command("check")
