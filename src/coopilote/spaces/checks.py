"""System checks: a broken tool manifest stops start-up with a clear message."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.checks import Error, register

from coopilote.activity.models import Participation
from coopilote.spaces import registry
from coopilote.spaces.policies import Role


def manifest_errors(manifest: registry.ToolManifest) -> list[str]:
    from coopilote.spaces.urls import RESERVED_SUBPATHS

    problems = []
    if not registry.KEY_PATTERN.match(manifest.key):
        problems.append("its key must be 2-39 lower-case letters or underscores")
    if manifest.key == "spaces":
        problems.append("its key 'spaces' is the spaces app's own (spaces/events.py)")
    if not registry.SLUG_PATTERN.match(manifest.slug):
        problems.append(f"its slug {manifest.slug!r} is not a valid address part")
    if manifest.slug in RESERVED_SUBPATHS:
        problems.append(f"its slug {manifest.slug!r} is reserved by the spaces app")
    try:
        module = importlib.import_module(manifest.urls)
    except ImportError as exc:
        problems.append(f"its URL module {manifest.urls!r} cannot be imported ({exc})")
    else:
        if not getattr(module, "urlpatterns", None):
            problems.append(f"its URL module {manifest.urls!r} has no urlpatterns")
    if "read" not in manifest.verbs:
        problems.append("it must declare the verb 'read'")
    for verb, roles in manifest.verbs.items():
        if not set(roles) <= set(Role):
            problems.append(f"verb {verb!r} names unknown roles")
    unknown = set(manifest.visitor_verbs) - set(manifest.verbs)
    if unknown:
        problems.append(f"visitor verbs {sorted(unknown)} are not among its verbs")
    seen = set()
    for kind in manifest.event_kinds:
        if not kind.key.startswith(f"{manifest.key}."):
            problems.append(f"event kind {kind.key!r} must start with '{manifest.key}.'")
        if kind.key in seen:
            problems.append(f"event kind {kind.key!r} is declared twice")
        seen.add(kind.key)
        if kind.participation not in Participation.values:
            problems.append(f"event kind {kind.key!r} has an unknown participation class")
        if kind.audience not in (None, "read") and kind.audience not in manifest.verbs:
            problems.append(f"event kind {kind.key!r} has an audience that is not among its verbs")
    if manifest.resolve_targets:
        try:
            manifest.target_resolver()
        except ImportError as exc:
            problems.append(f"its target resolver cannot be imported ({exc})")
    if bool(manifest.embed_scheme) != bool(manifest.resolve_embeds):
        problems.append("it must declare both an embed scheme and its resolver, or neither")
    if manifest.embed_scheme and not registry.KEY_PATTERN.match(manifest.embed_scheme):
        problems.append(f"its embed scheme {manifest.embed_scheme!r} must be like a key")
    if manifest.resolve_embeds:
        try:
            manifest.embed_resolver()
        except ImportError as exc:
            problems.append(f"its embed resolver cannot be imported ({exc})")
    unknown_usages = set(manifest.usages) - set(registry.USAGES)
    if unknown_usages:
        problems.append(f"unknown usages {sorted(unknown_usages)}")
    return problems


@register("coopilote")
def check_tool_manifests(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = [
        Error(problem, id="coopilote.E001", hint="Each tool key must be unique.")
        for problem in registry.registration_problems()
    ]
    slugs: dict[str, str] = {}
    schemes: dict[str, str] = {}
    for manifest in registry.manifests():
        for problem in manifest_errors(manifest):
            errors.append(
                Error(
                    f"Tool {manifest.key!r}: {problem}.",
                    id="coopilote.E002",
                    hint="Fix the ToolManifest declared in the tool's apps.py or manifest.py.",
                )
            )
        if manifest.slug in slugs:
            errors.append(
                Error(
                    f"Tools {slugs[manifest.slug]!r} and {manifest.key!r} share the slug "
                    f"{manifest.slug!r}.",
                    id="coopilote.E003",
                )
            )
        slugs[manifest.slug] = manifest.key
        if manifest.embed_scheme in schemes:
            errors.append(
                Error(
                    f"Tools {schemes[manifest.embed_scheme]!r} and {manifest.key!r} share the "
                    f"embed scheme {manifest.embed_scheme!r}.",
                    id="coopilote.E004",
                )
            )
        if manifest.embed_scheme:
            schemes[manifest.embed_scheme] = manifest.key
    return errors
