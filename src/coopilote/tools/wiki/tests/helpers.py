"""Small helpers shared by the wiki tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from coopilote.activity.models import ActivityEvent, ViewCount
from coopilote.spaces.access import ToolAccess, access_for
from coopilote.spaces.models import Space, SpaceTool
from coopilote.tools.wiki.manifest import MANIFEST
from coopilote.tools.wiki.models import Draft, Page, PageLink, Revision


def wiki_access_for(space: Space, user: Any) -> ToolAccess:
    """What the door gives ``user`` in ``space`` (the tool row read fresh, enabled or not)."""
    space = Space.objects.select_related("parent").get(pk=space.pk)
    return ToolAccess(
        space_access=access_for(space, user),
        tool=SpaceTool.objects.get(space=space, tool_key="wiki"),
        manifest=MANIFEST,
    )


def state() -> dict[str, Any]:
    """Everything a refused request must leave untouched."""
    return {
        "pages": list(Page.objects.order_by("pk").values()),
        "revisions": list(Revision.objects.order_by("pk").values()),
        "drafts": list(Draft.objects.order_by("pk").values()),
        "links": list(PageLink.objects.order_by("pk").values()),
        "tools": list(SpaceTool.objects.order_by("pk").values()),
        "events": list(ActivityEvent.objects.order_by("pk").values_list("pk", "kind")),
    }


def views() -> list[Any]:
    return list(ViewCount.objects.order_by("pk").values())


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def race(*steps: Callable[[], Callable[[], Any]]) -> list[Any]:
    """Run each step in its own thread (own database connection), all released together.

    A step prepares on its connection (reads its access), then waits for the others; returns
    what each prepared call returned, or the exception it raised.
    """
    barrier = threading.Barrier(len(steps))
    results: list[Any] = [None] * len(steps)

    def run(index: int, step: Callable[[], Callable[[], Any]]) -> None:
        try:
            prepared = step()
            barrier.wait(timeout=10)
            results[index] = prepared()
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def form_values(response: Any) -> dict[str, Any]:
    """The values an edit form was rendered with (what the browser would send back)."""
    form = response.context["form"]
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def run_follower_mails() -> int:
    """Run the follower mails that saves enqueued, as the worker does (``tell_followers``), in
    the test's transaction; how many tasks ran. ``test_follow_changes`` also runs the real
    worker once."""
    from django_tasks_db.models import DBTaskResult

    from coopilote.tools.wiki.notifications import tell_followers

    ready = DBTaskResult.objects.filter(
        status="READY", task_path__endswith="notifications.tell_followers"
    ).order_by("enqueued_at", "id")
    ran = 0
    for row in ready:
        tell_followers.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
        ran += 1
    return ran
