"""Limits on expensive or spammy actions (quality.md SEC-T36): a fixed window per person (or
per address for visitors); over the limit, the 429 page with Retry-After.

Each use is one statement (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, SQLite ≥ 3.35 and
PostgreSQL) on ``RateCounter``, shared by every worker and atomic; the daily housekeeping
deletes past windows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from coopilote.core.models import RateCounter
from coopilote.core.views import too_many_requests


def _who(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def wait_for(request: HttpRequest, action: str, *, limit: int, period: int) -> int:
    """Count one use of ``action``; the seconds to wait when it is over ``limit`` uses in the
    current window of ``period`` seconds, else 0."""
    now = timezone.now()
    start = int(now.timestamp()) // period * period
    ends = datetime.fromtimestamp(start + period, tz=now.tzinfo)
    key = f"{action}:{_who(request)}:{start}"
    quote = connection.ops.quote_name
    table, uses = quote(RateCounter._meta.db_table), quote("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('key')}, {uses}, {quote('expires_at')}) "  # noqa: S608
            f"VALUES (%s, 1, %s) ON CONFLICT ({quote('key')}) "
            f"DO UPDATE SET {uses} = {table}.{uses} + 1 RETURNING {uses}",
            [key, ends],
        )
        (count,) = cursor.fetchone()
    return max(int((ends - now).total_seconds()), 1) if count > limit else 0


def purge_counters(now: datetime) -> int:
    """Daily housekeeping: windows that are over."""
    return RateCounter.objects.filter(expires_at__lt=now - timedelta(minutes=1)).delete()[0]


def rate_limited(action: str, *, limit: int, period: int) -> Callable[[Any], Any]:
    """Decorate a view: past ``limit`` uses per ``period`` seconds, answer 429."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            wait = wait_for(request, action, limit=limit, period=period)
            if wait:
                response = too_many_requests(request)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
