"""Every activity kind is declared with its class; the feed can say every one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from coopilote.activity.models import ActivityEvent, Participation
from coopilote.activity.recording import UndeclaredKind, declared_participation, record
from coopilote.spaces import actions, events, gare, policies, registry
from coopilote.spaces.views.home import sentence

ACTIONS_SOURCE = Path(actions.__file__).read_text()


def recorded_by_spaces_actions() -> set[str]:
    """Every kind ``spaces/actions.py`` records: the literals passed to ``_event`` and ``_remove``,
    STATUS_EVENTS, and those the home page and reading actions build from their arguments."""
    kinds = set(re.findall(r'_event\(\s*[^,]+,\s*[^,]+,\s*"([a-z_.]+)"', ACTIONS_SOURCE))
    kinds |= set(re.findall(r'_remove\([^)]*kind="([a-z_.]+)"', ACTIONS_SOURCE))
    kinds |= set(actions.STATUS_EVENTS.values())
    kinds |= {"reading.turned_on", "reading.turned_off", "member.reading_opted_out"}
    kinds |= {"member.reading_opted_in", "message.posted", "message.removed"}
    kinds |= {"welcome.edited", "start_here.edited"}
    return {f"spaces.{kind}" for kind in kinds}


def test_every_kind_the_spaces_actions_record_is_declared():
    found = recorded_by_spaces_actions()
    assert len(found) > 15  # the pattern still finds the calls
    declared = {kind.key for kind in events.KINDS}
    assert found <= declared, sorted(found - declared)
    # and nothing is declared that nothing records
    assert declared <= found, sorted(declared - found)


def test_every_spaces_kind_has_a_class_a_label_and_an_audience_from_the_matrix():
    for kind in events.KINDS:
        assert kind.key.startswith("spaces.")
        assert kind.participation in Participation.values
        assert str(kind.label)
        assert kind.audience is None or kind.audience in policies.MATRIX, kind.key
        assert declared_participation(kind.key) == kind.participation


def test_every_tool_kind_is_declared_to_the_recorder_when_the_tool_registers():
    for manifest in registry.manifests():
        for kind in manifest.event_kinds:
            assert declared_participation(kind.key) == kind.participation


@pytest.mark.django_db
def test_recording_an_undeclared_kind_fails_and_writes_nothing(make_space):
    space = make_space()
    before = ActivityEvent.objects.count()
    with pytest.raises(UndeclaredKind):
        record(space=space, actor=None, kind="spaces.space.painted")
    with pytest.raises(UndeclaredKind):
        record(space=space, actor=None, kind="wiki.page.painted")
    assert ActivityEvent.objects.count() == before


@pytest.mark.django_db
def test_recording_with_another_class_than_the_declared_one_fails(make_space):
    space = make_space()
    with pytest.raises(ValueError):
        record(
            space=space,
            actor=None,
            kind="spaces.welcome.edited",
            participation=Participation.INITIATIVE,
        )
    event = record(space=space, actor=None, kind="spaces.welcome.edited")
    assert event.participation == Participation.ADMIN


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [k.key for k in events.KINDS if k.audience])
def test_the_feed_says_every_spaces_kind_in_a_sentence(personas, kind):
    from coopilote.spaces.access import access_for

    space, clients = personas("members")
    owner, member = clients.users["owner"], clients.users["member"]
    record(space=space, actor=owner, kind=kind, payload={"user": member.pk, "role": "member"})
    scope = gare.feed_scope(access_for(space, owner))
    entry = next(e for e in gare.feed_page(scope).entries if e.event.kind == kind)
    with translation.override("en"):
        text = sentence(entry)
    assert text.startswith(owner.public_name) or member.public_name in text
    assert kind not in text  # a sentence, not the technical name


def test_a_tool_may_not_take_the_spaces_app_s_key():
    from dataclasses import replace

    from coopilote.spaces.checks import manifest_errors

    external = registry.get("external")
    assert external is not None
    problems = manifest_errors(replace(external, key="spaces", event_kinds=()))
    assert "its key 'spaces' is the spaces app's own (spaces/events.py)" in problems
