#!/usr/bin/env python
"""`make bench`: measure Coopilote pages against a production-like gunicorn, over loopback only.

What it does (quality.md §5.5 and §5.6):

1. Builds a throw-away data dir with production settings (DEBUG=0, random SECRET_KEY, HTTPS
   redirect off because the bench speaks plain HTTP on 127.0.0.1), migrates, creates the cache
   table, collects static files and seeds data (bench/django_side.py).
2. Starts gunicorn with one sync worker pinned to CPU 1 (``taskset``), the load generator (this
   process) pinned to CPU 0, and logs the seeded member in through the real login form.
3. Counts SQL queries per page in-process (Django test client, same database), then measures
   every page with one closed-loop client for ``--duration`` seconds, split into ``--rounds``
   slices. Before each page slice the trivial baseline page is measured for half as long, and
   the page's ratio is the median over rounds of median(page) / median(baseline), so that noise
   from the shared machine affects both sides of each ratio. The worker's CPU time per request
   (from /proc) gives a second ratio, less sensitive to other processes than wall time.
4. Prints a markdown table and writes reports/bench/<timestamp>.json.

A save is measured like a page: the wiki edit form is read once (``EditForm``), then posted again
and again, each time with a new text, the revision it starts from and a new submission token, so
that every POST is a real save; each must answer the 302 to the page, and at the end the page
must have exactly one more revision per save.

    .venv/bin/python bench/run.py [--duration 10] [--rounds 5] [--pages profile,home]
                                  [--workers 1] [--database sqlite|postgres] [--scale 1]

Step 1 also seeds the activity log (1,000,000 events over 24 months at ``--scale 1``) and times
the rebuild of every daily rollup (the ``rebuild_activity_rollups`` command) and the roll-up of
one busy day, before the server starts; both times are printed above the table. It seeds the
network's wiki too (400 pages of 20 revisions at ``--scale 1``) and its resource library (20,000
resources, 40 % of them files written to the storage), and prints how long each took.

A streamed download (the library's CSV and JSON exports, ``Page.memory``) is timed until its
last byte is read, and the worker's memory is watched around it: its resident size (VmRSS in
/proc/<worker>/status) before and after the first export, the peak during it (VmHWM, reset just
before through /proc/<worker>/clear_refs where the kernel allows it) and after the last one.

Exit status: 0 when every response was verified (a 200 with its expected texts, or the 302 of a
save) and every save made its revision, 1 on errors, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django_side import MARKER, edited_body
from pages import BASELINE, PAGES, Page

ROOT = Path(__file__).resolve().parents[1]
REPORT_DIR = ROOT / "reports" / "bench"
HOST = "127.0.0.1"
PG_SERVER_DEFAULT = "postgres://postgres@127.0.0.1:5432"
BASELINE_SHARE = 0.5  # the baseline slice before each page slice lasts half as long
QUERY_COUNT_REQUESTS = 4  # requests of each page by django_side.count_queries
USER_AGENT = "coopilote-bench/1"
# Variables the settings read that could point the bench at real services: never inherited.
STRIPPED_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "SITE_URL",
    "MAIL_TRANSPORT",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "LOG_LEVEL",
}

_started = time.monotonic()


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Environment and set-up steps


def bench_env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in STRIPPED_ENV}
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "coopilote.config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "COOPILOTE_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "MAIL_TRANSPORT": "mailbox",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_step(what: str, command: list[str], env: dict[str, str], timeout: float = 600) -> str:
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what} took more than {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-25:])
        raise BenchError(f"{what} failed (exit {done.returncode}):\n{tail}")
    log(f"{what}: done in {time.monotonic() - started:.1f} s")
    return done.stdout


def django_side(what: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    script = str(ROOT / "bench" / "django_side.py")
    stdout = run_step(what, [sys.executable, script, *args], env)
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise BenchError(f"{what} printed no result")


def pg_admin(server_url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    query = sql.SQL(statement).format(sql.Identifier(name))
    with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(query)


# --------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def read_proc(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


class Server:
    """gunicorn, one sync worker by default, pinned to one CPU when possible."""

    def __init__(self, env: dict[str, str], workers: int, cpu: int | None, log_path: Path):
        self.env = env
        self.workers = workers
        self.cpu = cpu
        self.log_path = log_path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.clock_ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._workers: list[int] = []

    @property
    def command(self) -> list[str]:
        prefix = ["taskset", "-c", str(self.cpu)] if self.cpu is not None else []
        return [
            *prefix,
            sys.executable,
            "-m",
            "gunicorn",
            "coopilote.config.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
        ]

    def start(self, timeout: float = 30) -> None:
        with self.log_path.open("wb") as log_file:
            self.proc = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl+C reaches the bench, which stops the server
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", BASELINE.path, headers={"User-Agent": USER_AGENT})
                status = conn.getresponse().status
                conn.close()
            except OSError:
                time.sleep(0.1)
                continue
            if status != 200:
                raise BenchError(f"gunicorn answers {BASELINE.path} with {status}")
            self._workers = self.find_workers()
            return
        raise BenchError(f"gunicorn did not answer within {timeout:.0f} s")

    def find_workers(self) -> list[int]:
        if self.proc is None:
            return []
        pid = self.proc.pid
        children = read_proc(f"/proc/{pid}/task/{pid}/children")
        if children is not None:
            return sorted(int(child) for child in children.split())
        workers = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = read_proc(f"/proc/{entry.name}/stat")
                if stat and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    workers.append(int(entry.name))
        return sorted(workers)

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the workers so far, None if unknown or a worker changed."""
        if not self._workers or self.find_workers() != self._workers:
            return None
        total = 0
        for pid in self._workers:
            stat = read_proc(f"/proc/{pid}/stat")
            if stat is None:
                return None
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / self.clock_ticks

    def rss_mb(self) -> float | None:
        total = 0
        for pid in self._workers:
            status = read_proc(f"/proc/{pid}/status")
            match = re.search(r"^VmRSS:\s+(\d+) kB", status or "", re.MULTILINE)
            if match is None:
                return None
            total += int(match.group(1))
        return round(total / 1024, 1) if self._workers else None

    def memory_kb(self) -> dict[str, int] | None:
        """Resident size and its peak (VmRSS, VmHWM) of the workers, in kB; None if unknown."""
        total = {"VmRSS": 0, "VmHWM": 0}
        for pid in self._workers:
            status = read_proc(f"/proc/{pid}/status") or ""
            for key in total:
                match = re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE)
                if match is None:
                    return None
                total[key] += int(match.group(1))
        return {"rss": total["VmRSS"], "peak": total["VmHWM"]} if self._workers else None

    def reset_peak(self) -> bool:
        """Start the workers' peak resident size again from now (Linux ≥ 4.0); False if refused."""
        try:
            for pid in self._workers:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return bool(self._workers)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])


# --------------------------------------------------------------------------------------------
# The client


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    location: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One keep-alive http.client connection with a minimal cookie jar.

    Cookies are sent back whatever their Secure flag: the bench is not a browser, and the
    production settings mark every cookie Secure while the bench speaks plain HTTP. The
    connection is reopened when the server closes it (gunicorn's sync worker closes after each
    response), and the time to reconnect counts in the latency, as it would for a visitor.
    """

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.connections = 0

    def request(
        self, method: str, path: str, body: str | None = None, content_type: str = ""
    ) -> Response:
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if self.conn.sock is None:
            self.connections += 1
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return Response(0, b"", time.perf_counter() - started)
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, data, elapsed, response.getheader("Location") or "")

    def close(self) -> None:
        self.conn.close()


def log_in(port: int, user: dict[str, str]) -> tuple[dict[str, str], float]:
    """Log in through the real login form, with its CSRF token; return the cookies."""
    client = Client(port)
    form_page = client.request("GET", "/accounts/login/")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.text)
    if form_page.status != 200 or match is None:
        raise BenchError(f"login form: status {form_page.status}, no CSRF token found")
    token = match.group(1)
    data = {"login": user["email"], "password": user["password"], "csrfmiddlewaretoken": token}
    posted = client.request(
        "POST", "/accounts/login/", urlencode(data), "application/x-www-form-urlencoded"
    )
    client.close()
    if posted.status != 302 or "sessionid" not in client.cookies:
        raise BenchError(
            f"logging in {user['email']} failed: status {posted.status}, "
            f"location {posted.location!r}, cookies {sorted(client.cookies)}"
        )
    return client.cookies, posted.seconds


class FormReader(HTMLParser):
    """The fields of every form of a page: ``forms`` is a list of {name: value}."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({})
        elif self.forms and tag == "input" and found.get("name"):
            self.forms[-1].setdefault(found["name"], found.get("value", ""))
        elif self.forms and tag == "textarea" and found.get("name"):
            self._textarea = found["name"]
            self.forms[-1][self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # HTML drops the newline right after <textarea>; Django writes one there.
            text = self.forms[-1][self._textarea]
            self.forms[-1][self._textarea] = text.removeprefix("\n")
            self._textarea = None


class EditForm:
    """One person saving edit after edit of a wiki page through its edit form.

    The form is read once for its CSRF token, title, text and base revision. Each ``submit``
    posts a new text (``edited_body``: the same length every time), the revision it was
    written from and a new submission token, as the form of a fresh edit would; a 302 to the
    page is one more revision, so the next edit starts from it. After anything else the form
    is read again before the next submission, to start from the page as it is.
    """

    FIELDS = ("csrfmiddlewaretoken", "title", "body", "base_number", "token")

    def __init__(self, client: Client, page: Page):
        self.client = client
        self.page = page
        self.fields: dict[str, str] = {}
        self.first_base: int | None = None  # the revision the first measured save started from
        self.sent = 0
        self.saved = 0  # 302 responses to the page, which must each be one new revision

    def load(self) -> None:
        form_page = self.client.request("GET", self.page.path)
        reader = FormReader()
        reader.feed(form_page.text)
        form = next((found for found in reader.forms if "body" in found), {})
        missing = [name for name in self.FIELDS if name not in form]
        if form_page.status != 200 or missing:
            raise BenchError(
                f"edit form {self.page.path}: status {form_page.status}, missing {missing}"
            )
        self.fields = form
        if self.first_base is None:
            self.first_base = int(form["base_number"])

    def submit(self) -> Response:
        if not self.fields:
            self.load()
        self.sent += 1
        data = {
            **self.fields,
            "body": edited_body(self.fields["body"], f"n° {self.sent}"),
            "comment": f"Relecture n° {self.sent}",
            "token": secrets.token_hex(16),
        }
        response = self.client.request(
            "POST", self.page.path, urlencode(data), "application/x-www-form-urlencoded"
        )
        # The "saved" message waits in a cookie for the page the browser would show next; the
        # bench does not follow the redirect, so it drops it rather than let messages pile up.
        self.client.cookies.pop("messages", None)
        if response.status == 302 and response.location == self.page.location:
            self.saved += 1
            self.fields["base_number"] = str(int(self.fields["base_number"]) + 1)
        else:
            self.fields = {}
        return response


# --------------------------------------------------------------------------------------------
# Measurement


@dataclass
class Slice:
    requests: int = 0
    errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, expected responses only
    elapsed: float = 0.0
    cpu: float | None = None
    connections: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None


@dataclass
class PageRun:
    page: Page
    client: Client
    slices: list[Slice] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    cpu_ratios: list[float] = field(default_factory=list)
    last: Response | None = None
    failures: list[str] = field(default_factory=list)
    form: EditForm | None = None
    memory: dict[str, Any] = field(default_factory=dict)  # memory pages: the worker's MB

    def __post_init__(self) -> None:
        if self.page.method == "POST":
            self.form = EditForm(self.client, self.page)

    def send(self) -> Response:
        if self.form is not None:
            return self.form.submit()
        return self.client.request("GET", self.page.path)


def answered(page: Page, response: Response) -> bool:
    """The expected status (200, or a save's 302 to the page), before looking at the text."""
    if page.method == "POST":
        return response.status == 302 and response.location == page.location
    return response.status == 200


def check(run: PageRun, response: Response, when: str) -> None:
    problems = []
    if not answered(run.page, response):
        where = f" to {response.location}" if response.location else ""
        problems.append(f"status {response.status}{where}")
    else:
        problems += [f"missing {text!r}" for text in run.page.expect if text not in response.text]
    if problems:
        run.failures.append(f"{when}: " + ", ".join(problems))


def memory_probe(run: PageRun, server: Server) -> Response:
    """The page's first request, with the worker's memory read around it (``Page.memory``)."""
    reset = server.reset_peak()
    before = server.memory_kb()
    response = run.send()
    after = server.memory_kb()
    if before is not None and after is not None:
        run.memory = {
            "rss_before_mb": round(before["rss"] / 1024, 1),
            "rss_after_first_mb": round(after["rss"] / 1024, 1),
            "peak_mb": round(after["peak"] / 1024, 1),
            "peak_reset": reset,  # False: the peak is the worker's since it started
            "first_ms": round(response.seconds * 1000, 1),
        }
    return response


def per_slice(page: Page, rounds: int) -> int:
    """Requests a round of a page with a ``budget`` (0: as many as its time allows): what is
    left after the query count's four and the warm-up's one, shared between the rounds."""
    return max(1, (page.budget - QUERY_COUNT_REQUESTS - 1) // rounds) if page.budget else 0


def measure(run: PageRun, seconds: float, server: Server, most: int = 0) -> Slice:
    """Send the page again and again for ``seconds`` (``most`` requests at most, if not 0)."""
    result = Slice()
    connections = run.client.connections
    cpu_before = server.cpu_seconds()
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        response = run.send()
        result.requests += 1
        if answered(run.page, response):
            result.latencies.append(response.seconds)
        else:
            result.errors += 1
            result.statuses[response.status] += 1
        run.last = response
        if time.perf_counter() >= deadline or result.requests == most:
            break
    result.elapsed = time.perf_counter() - started
    cpu_after = server.cpu_seconds()
    if cpu_before is not None and cpu_after is not None:
        result.cpu = cpu_after - cpu_before
    result.connections = run.client.connections - connections
    run.slices.append(result)
    return result


def check_saves(run: PageRun, env: dict[str, str]) -> dict[str, Any]:
    """Every save answered by the 302 made exactly one revision, numbered without a gap."""
    form = run.form
    assert form is not None
    found = django_side("revision count", ["revisions", run.page.path], env)
    expected = (form.first_base or 0) + form.saved
    if found["current"] != expected or found["count"] != found["current"]:
        run.failures.append(
            f"{form.saved} saves from revision {form.first_base} should end at revision "
            f"{expected}: the page has {found['count']} revisions, the current one is "
            f"number {found['current']}"
        )
    return {"posted": form.sent, "saved": form.saved, "first_base": form.first_base, **found}


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = min(max(1, math.ceil(fraction * len(ordered))), len(ordered))
    return ordered[rank - 1]


def summarise(run: PageRun, queries: dict[str, Any]) -> dict[str, Any]:
    latencies = [value for piece in run.slices for value in piece.latencies]
    requests = sum(piece.requests for piece in run.slices)
    elapsed = sum(piece.elapsed for piece in run.slices)
    statuses: Counter[int] = Counter()
    for piece in run.slices:
        statuses.update(piece.statuses)
    cpu_known = all(piece.cpu is not None for piece in run.slices)
    cpu_total = sum(piece.cpu or 0.0 for piece in run.slices)
    body = run.last.body if run.last else b""

    def ms(value: float | None) -> float | None:
        return round(value * 1000, 3) if value is not None else None

    page_queries = queries.get(run.page.name, {})
    return {
        "name": run.page.name,
        "path": run.page.path,
        "user": run.page.user,
        "description": run.page.description,
        "requests": requests,
        "errors": sum(statuses.values()),
        "error_statuses": {str(code): count for code, count in statuses.items()},
        "seconds": round(elapsed, 3),
        "requests_per_second": round(requests / elapsed, 1) if elapsed else None,
        "p50_ms": ms(statistics.median(latencies) if latencies else None),
        "p95_ms": ms(percentile(latencies, 0.95)),
        "p99_ms": ms(percentile(latencies, 0.99)),
        "mean_ms": ms(statistics.fmean(latencies) if latencies else None),
        "max_ms": ms(max(latencies) if latencies else None),
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, 6)) if body else 0,
        "server_cpu_ms_per_request": (
            round(cpu_total * 1000 / requests, 3) if cpu_known and requests else None
        ),
        "connections_opened": sum(piece.connections for piece in run.slices),
        "queries": page_queries.get("queries"),
        "queries_seen": page_queries.get("queries_seen"),
        "queries_sql": page_queries.get("sql"),
        "ratio_p50_vs_baseline": (round(statistics.median(run.ratios), 3) if run.ratios else None),
        "ratio_per_round": [round(value, 3) for value in run.ratios],
        "cpu_ratio_vs_baseline": (
            round(statistics.median(run.cpu_ratios), 3) if run.cpu_ratios else None
        ),
        "cpu_ratio_per_round": [round(value, 3) for value in run.cpu_ratios],
        "rounds": [
            {
                "requests": piece.requests,
                "errors": piece.errors,
                "seconds": round(piece.elapsed, 3),
                "p50_ms": ms(piece.median),
            }
            for piece in run.slices
        ],
        "memory": run.memory,
        "failures": run.failures,
    }


# --------------------------------------------------------------------------------------------
# Reporting


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def fmt_rate(value: float | None) -> str:
    if value is None:
        return "—"
    return fmt(value, 0 if value >= 100 else 1)


def table(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    versions = meta["versions"]
    server = meta["server"]
    pinning = (
        f"pinned to CPU {server['cpu']}, client on CPU {meta['client_cpu']}"
        if server["cpu"] is not None
        else "not pinned"
    )
    workers = f"{server['workers']} sync worker" + ("s" if server["workers"] > 1 else "")
    lines = [
        f"### Coopilote bench — {meta['started']} (git {meta['git']})",
        "",
        f"- Python {versions['python']}, Django {versions['django']}, "
        f"gunicorn {versions['gunicorn']} ({workers}, {pinning})",
        f"- Database: {meta['database']['label']}; cache: {meta['settings']['cache']}; "
        f"CONN_MAX_AGE={meta['settings']['conn_max_age']}",
        f"- Machine: {meta['cpu_count']} CPUs, load average {meta['loadavg_start']} at start, "
        f"{meta['loadavg_end']} at end",
        f"- One closed-loop client over loopback; {meta['rounds']} rounds of "
        f"{fmt(meta['slice_seconds'], 1)} s per page, each after "
        f"{fmt(meta['slice_seconds'] * BASELINE_SHARE, 1)} s of baseline; "
        f"worker RSS {fmt(meta['rss_mb_start'], 0)} → {fmt(meta['rss_mb_end'], 0)} MB",
        f"- {activity_line(meta['activity'])}",
        f"- {wiki_line(meta['wiki'])}",
        f"- {library_line(meta['library'])}",
        *[f"- {saves_line(name, saves)}" for name, saves in meta["saves"].items()],
        *[f"- {memory_line(row)}" for row in results if row["memory"]],
        "",
        "| page | path | session | SQL queries | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| HTML bytes (gzip) | server CPU ms/req | p50 × baseline (round range) "
        "| CPU × baseline |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in results:
        cpu_ratio = fmt(row["cpu_ratio_vs_baseline"])
        if row["name"] == BASELINE.name:
            ratio = cpu_ratio = "1 (denominator)"
        elif row["ratio_per_round"]:
            spread = row["ratio_per_round"]
            ratio = f"{fmt(row['ratio_p50_vs_baseline'])} ({fmt(min(spread))}–{fmt(max(spread))})"
        else:
            ratio = "—"
        queries = "—" if row["queries"] is None else str(row["queries"])
        if row["queries_seen"] and len(row["queries_seen"]) > 1:
            queries += " (varies: " + "/".join(map(str, row["queries_seen"])) + ")"
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['user'] or 'anonymous'} | {queries} "
            f"| {fmt_rate(row['requests_per_second'])} | {fmt(row['p50_ms'])} "
            f"| {fmt(row['p95_ms'])} | {fmt(row['p99_ms'])} | {row['errors']} "
            f"| {row['bytes']:,} ({row['gzip_bytes']:,}) "
            f"| {fmt(row['server_cpu_ms_per_request'])} | {ratio} | {cpu_ratio} |"
        )
    return "\n".join(lines)


def activity_line(activity: dict[str, Any]) -> str:
    return (
        f"Activity: {activity['activity_events']:,} events over {activity['activity_days']} days "
        f"for {activity['activity_members']:,} people, seeded in "
        f"{fmt(activity['activity_seed_seconds'], 1)} s; rebuilding the rollups of "
        f"{activity['rebuild_days']} days: {fmt(activity['rebuild_seconds'], 1)} s "
        f"({activity['rollup_rows']:,} rows); rolling up one day ({activity['day']}, "
        f"{activity['day_events']:,} events): {fmt(activity['day_seconds'], 3)} s"
    )


def wiki_line(wiki: dict[str, Any]) -> str:
    return (
        f"Wiki: {wiki['wiki_pages']:,} pages, {wiki['wiki_revisions']:,} revisions, "
        f"{wiki['wiki_links']:,} links between pages, seeded in "
        f"{fmt(wiki['wiki_seed_seconds'], 1)} s; people following the saved page (mailed at "
        f"each save): {wiki['wiki_save_followers']}"
    )


def library_line(library: dict[str, Any]) -> str:
    kinds = library["library_kinds"]
    return (
        f"Library: {library['library_resources']:,} resources ({kinds['file']:,} files, "
        f"{kinds['link']:,} links, {kinds['note']:,} notes; {library['library_shared']:,} shared "
        f"from a working group), {library['library_file_versions']:,} file versions "
        f"({library['library_files_written']:,} files written with the previews), "
        f"{library['library_tags']:,} tags ({library['library_distinct_tags']} distinct), "
        f"seeded in {fmt(library['library_seed_seconds'], 1)} s"
    )


def memory_line(row: dict[str, Any]) -> str:
    memory = row["memory"]
    peak = "peak" if memory["peak_reset"] else "peak since the worker started"
    return (
        f"{row['name']}: {row['bytes']:,} bytes read whole in {fmt(row['p50_ms'])} ms (p50); "
        f"worker RSS {fmt(memory['rss_before_mb'], 1)} MB before the first request, "
        f"{fmt(memory['rss_after_first_mb'], 1)} MB after it ({peak} "
        f"{fmt(memory['peak_mb'], 1)} MB), {fmt(memory['rss_end_mb'], 1)} MB after "
        f"{memory['requests']} requests"
    )


def saves_line(name: str, saves: dict[str, Any]) -> str:
    return (
        f"{name}: {saves['posted']:,} posts, {saves['saved']:,} answered by the 302 to the page, "
        f"which went from revision {saves['first_base']} to {saves['current']} "
        f"({saves['count']:,} revisions)"
    )


def git_description() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        sha = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")


def loadavg() -> str:
    text = read_proc("/proc/loadavg")
    return " ".join(text.split()[:3]) if text else "unknown"


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure Coopilote pages against a production-like gunicorn on loopback."
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per page (default 10)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="interleaved rounds the duration is split into"
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per page")
    parser.add_argument(
        "--pages", default="", help="comma-separated page names (the baseline always runs)"
    )
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-server",
        default=PG_SERVER_DEFAULT,
        help=f"PostgreSQL server URL without database (default {PG_SERVER_DEFAULT})",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size of the seeded data: 1 = 2,000 members, 200 spaces, 1,000,000 activity "
        "events, 400 wiki pages, 20,000 library resources; 0.001 for a tiny run",
    )
    parser.add_argument("--no-report", action="store_true", help="do not write the JSON report")
    parser.add_argument("--list", action="store_true", help="list the pages and exit")
    args = parser.parse_args(argv)
    if not 0.5 <= args.duration <= 600:
        parser.error("--duration must be between 0.5 and 600 seconds")
    if not 1 <= args.rounds <= 50:
        parser.error("--rounds must be between 1 and 50")
    if not 0 <= args.warmup <= 60:
        parser.error("--warmup must be between 0 and 60 seconds")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be between 1 and 16")
    if not 0 < args.scale <= 10:
        parser.error("--scale must be more than 0 and at most 10")
    return args


def select_pages(names: str) -> list[Page]:
    if not names.strip():
        return list(PAGES)
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    known = {page.name for page in PAGES}
    unknown = wanted - known
    if unknown:
        raise BenchError(f"unknown page(s): {', '.join(sorted(unknown))}; known: {sorted(known)}")
    return [page for page in PAGES if page.name in wanted or page is BASELINE]


def cpu_plan(workers: int) -> tuple[int | None, int | None]:
    """(server CPU, client CPU): two different CPUs of those this process may use."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return None, None
    server_cpu = available[1] if workers == 1 and shutil.which("taskset") else None
    return server_cpu, available[0]


def bench(args: argparse.Namespace, data_dir: Path, cleanup: list[Any]) -> int:
    selected = select_pages(args.pages)
    started_at = datetime.now().astimezone()
    meta: dict[str, Any] = {
        "started": started_at.strftime("%Y-%m-%d %H:%M %Z"),
        "git": git_description(),
        "cpu_count": os.cpu_count(),
        "loadavg_start": loadavg(),
        "arguments": vars(args),
        "rounds": args.rounds,
        "slice_seconds": args.duration / args.rounds,
    }

    if args.database == "postgres":
        db_name = f"coopilote_bench_{secrets.token_hex(4)}"
        server_url = args.pg_server.rstrip("/")
        pg_admin(server_url, "CREATE DATABASE {}", db_name)
        cleanup.append(
            lambda: pg_admin(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", db_name)
        )
        database_url = f"{server_url}/{db_name}"
        log(f"created PostgreSQL database {db_name}")
    else:
        database_url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    env = bench_env(data_dir, database_url)

    manage = [sys.executable, str(ROOT / "manage.py")]
    run_step("migrate", [*manage, "migrate", "--no-input", "-v", "0"], env)
    run_step("createcachetable", [*manage, "createcachetable"], env)
    run_step("collectstatic", [*manage, "collectstatic", "--no-input", "-v", "0"], env)
    seeded = django_side("seed", ["seed", str(args.scale)], env)
    meta.update(
        versions=seeded["versions"], database=seeded["database"], settings=seeded["settings"]
    )
    rollups = django_side("activity rollups", ["rollups"], env)
    meta["activity"] = {**seeded["activity"], **rollups}
    meta["wiki"] = seeded["wiki"]
    meta["library"] = seeded["library"]
    log(activity_line(meta["activity"]))
    log(wiki_line(meta["wiki"]))
    log(library_line(meta["library"]))
    skipped = [
        page.name for page in selected if page.requires and not seeded["facts"].get(page.requires)
    ]
    if skipped:
        log(f"not measured (not in this version yet): {', '.join(skipped)}")
    pages = [page.resolve(seeded["facts"]) for page in selected if page.name not in skipped]

    server_cpu, client_cpu = cpu_plan(args.workers)
    server = Server(env, args.workers, server_cpu, data_dir / "gunicorn.log")
    cleanup.append(server)
    server.start()
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})
    meta["server"] = {"workers": args.workers, "cpu": server_cpu, "command": server.command}
    meta["client_cpu"] = client_cpu
    log(f"gunicorn answers on {HOST}:{server.port} (workers {server._workers})")

    sessions: dict[str, dict[str, str]] = {}
    meta["login_post_ms"] = {}
    for user in sorted({page.user for page in pages if page.user}):
        cookies, seconds = log_in(server.port, seeded["users"][user])
        sessions[user] = cookies
        meta["login_post_ms"][user] = round(seconds * 1000, 1)
        log(f"logged in as {user} through the login form ({seconds * 1000:.0f} ms)")

    cookie_sets = [
        {
            "name": p.name,
            "path": p.path,
            "method": p.method,
            "cookies": sessions.get(p.user, {}) if p.user else {},
        }
        for p in pages
    ]
    queries = django_side("query count", ["queries", json.dumps(cookie_sets)], env)

    runs = {
        page.name: PageRun(page, Client(server.port, sessions.get(page.user or "")))
        for page in pages
    }
    baseline = runs[BASELINE.name]
    others = [run for run in runs.values() if run is not baseline]

    for run in runs.values():
        status = queries.get(run.page.name, {}).get("status")
        if status != run.page.status:
            run.failures.append(f"in-process request: status {status}")
        first = memory_probe(run, server) if run.page.memory else run.send()
        check(run, first, "warm-up")
        deadline = time.perf_counter() + (0 if run.page.budget else args.warmup)
        while time.perf_counter() < deadline:
            run.send()
    failed = [f"{run.page.name}: {msg}" for run in runs.values() for msg in run.failures]
    if failed:
        raise BenchError("pages failed their check before measuring:\n  " + "\n  ".join(failed))
    meta["rss_mb_start"] = server.rss_mb()

    slice_seconds = args.duration / args.rounds
    total = args.duration * len(others) * (1 + BASELINE_SHARE) if others else args.duration
    log(
        f"measuring {len(runs)} page(s): {args.rounds} rounds, about {total:.0f} s "
        f"(server CPU {server_cpu if server_cpu is not None else 'any'}, "
        f"client CPU {client_cpu if client_cpu is not None else 'any'})"
    )
    for round_index in range(args.rounds):
        shift = round_index % len(others) if others else 0
        order = others[shift:] + others[:shift]
        parts = []
        if not order:
            piece = measure(baseline, slice_seconds, server)
            parts.append(f"baseline p50 {fmt((piece.median or 0) * 1000)} ms")
        for run in order:
            base = measure(baseline, slice_seconds * BASELINE_SHARE, server)
            piece = measure(run, slice_seconds, server, per_slice(run.page, args.rounds))
            if base.median and piece.median:
                run.ratios.append(piece.median / base.median)
            if base.cpu and piece.cpu is not None:
                run.cpu_ratios.append((piece.cpu / piece.requests) / (base.cpu / base.requests))
            ratio = f"×{run.ratios[-1]:.2f}" if run.ratios else "×?"
            errors = f" {piece.errors} errors" if piece.errors else ""
            parts.append(f"{run.page.name} {fmt((piece.median or 0) * 1000)} ms {ratio}{errors}")
        log(f"round {round_index + 1}/{args.rounds}: " + " · ".join(parts))

    for run in runs.values():
        if run.last is not None:
            check(run, run.last, "last response")
        run.client.close()
        if run.memory:
            after = server.memory_kb()
            run.memory["requests"] = 1 + sum(piece.requests for piece in run.slices)
            run.memory["rss_end_mb"] = round(after["rss"] / 1024, 1) if after else None
    meta["rss_mb_end"] = server.rss_mb()
    meta["loadavg_end"] = loadavg()
    meta["saves"] = {
        run.page.name: check_saves(run, env) for run in runs.values() if run.form is not None
    }

    results = [summarise(runs[page.name], queries) for page in pages]
    print()
    print(table(meta, results))
    print()

    problems = [f"{row['name']}: {msg}" for row in results for msg in row["failures"]]
    problems += [
        f"{row['name']}: {row['errors']} unexpected responses {row['error_statuses']}"
        for row in results
        if row["errors"]
    ]
    varying = [
        row["name"] for row in results if row["queries_seen"] and len(row["queries_seen"]) > 1
    ]
    if varying:
        log(f"note: query counts varied between two warm requests for {', '.join(varying)}")

    if not args.no_report:
        REPORT_DIR.mkdir(parents=True, exist_ok=True)
        path = REPORT_DIR / f"{started_at.strftime('%Y%m%dT%H%M%S')}.json"
        report = {"meta": meta, "pages": results, "problems": problems}
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        log(f"report written to {path.relative_to(ROOT)}")
    for problem in problems:
        log(f"PROBLEM {problem}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.list:
        for page in PAGES:
            print(f"{page.name:12} {page.path:30} {page.user or 'anonymous':10} {page.description}")
        return 0

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    data_dir = Path(tempfile.mkdtemp(prefix="coopilote-bench-"))
    cleanup: list[Any] = []
    status = 1
    try:
        status = bench(args, data_dir, cleanup)
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    except Exception as exc:
        if isinstance(exc, BenchError):
            log(f"error: {exc}")
        else:
            log("error:\n" + "".join(traceback.format_exception(exc)).rstrip())
        for item in cleanup:
            if isinstance(item, Server) and item.log_tail():
                log("gunicorn log (tail):\n" + item.log_tail())
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for item in reversed(cleanup):
            try:
                item.stop() if isinstance(item, Server) else item()
            except Exception as exc:  # cleanup goes on whatever failed
                log(f"cleanup: {exc}")
        shutil.rmtree(data_dir, ignore_errors=True)
        log("cleaned up")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
