"""Shared builders for the gare centrale, activity feed and reading measurement tests."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopilote.activity.recording import record
from coopilote.spaces import actions
from coopilote.spaces.access import access_for
from coopilote.spaces.models import Space


def owner_access(space: Space, clients: Any):
    return access_for(Space.objects.get(pk=space.pk), clients.users["owner"])


def enable_external(space: Space, clients: Any) -> None:
    actions.space_tool_enable(access=owner_access(space, clients), tool_key="external")


def add_card(space: Space, user: Any, name: str = "Pad du groupe eau"):
    from coopilote.tools.external import actions as external_actions
    from coopilote.tools.external.tests.helpers import tool_access_for

    return external_actions.external_tool_add(
        access=tool_access_for(space, user),
        name=name,
        url="https://pad.example.org/p/eau",
        category="pad",
    )


def member_joined(space: Space, actor: Any, subject: Any) -> None:
    """A membership event as actions._add_member records it (without the membership row)."""
    record(
        space=space,
        actor=actor,
        kind="spaces.member.joined",
        payload={"user": subject.pk, "role": "member", "how": "request"},
    )


def queries(client: Client, url: str, **headers: Any) -> int:
    client.get(url, **headers)  # first-request effects (session refresh, visit noted) do not count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def captured_sql(client: Client, url: str) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return [query["sql"] for query in captured.captured_queries]
