"""SEC-T36: the rate limit counts uses per person and window, atomically, in one statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from coopilote.core.models import RateCounter
from coopilote.core.ratelimit import wait_for

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 26, 12, 0, 10, tzinfo=UTC)


def request_of(user=None, address: str = "203.0.113.7"):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.user = user or AnonymousUser()
    return request


def test_uses_past_the_limit_wait_until_the_window_ends(make_user):
    ana, bea = make_user("ana@example.org"), make_user("bea@example.org")
    with time_machine.travel(NOON, tick=False):
        assert [wait_for(request_of(ana), "export", limit=2, period=3600) for _ in range(2)] == [
            0,
            0,
        ]
        with CaptureQueriesContext(connection) as queries:
            wait = wait_for(request_of(ana), "export", limit=2, period=3600)
        assert len(queries) == 1
        assert wait == 3600 - 10  # the hour started at noon
        assert wait_for(request_of(bea), "export", limit=2, period=3600) == 0  # per person
        assert wait_for(request_of(ana), "other action", limit=2, period=3600) == 0
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        assert wait_for(request_of(ana), "export", limit=2, period=3600) == 0  # a new window
    ana_counts = RateCounter.objects.filter(key__startswith=f"export:user:{ana.pk}:")
    assert sorted(ana_counts.values_list("count", flat=True)) == [1, 3]


def test_visitors_are_counted_by_address():
    for _ in range(3):
        wait_for(request_of(address="198.51.100.1"), "search", limit=5, period=60)
    assert wait_for(request_of(address="198.51.100.2"), "search", limit=0, period=60) > 0
    assert RateCounter.objects.get(key__contains="198.51.100.1").count == 3
