"""Prometheus metrics: requests by route template, and the service's state read at scrape time.

Two kinds, kept apart on purpose:
- Request counts and latencies happen in each web worker. With several workers a scrape reaches
  one of them, so when PROMETHEUS_MULTIPROC_DIR is set (compose.yaml sets it) prometheus-client's
  multiprocess mode writes them to files there and a scrape sums every worker's.
- Everything else (outbox depth and age, failed emails, last round formed, job runs and
  failures) already lives in the database, where the scheduler process writes it. It is read
  at scrape time by a few aggregate queries, so any worker answers the same, and nothing has
  to be kept in step across processes.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func
from sqlmodel import select

from unmentor.clock import utcnow
from unmentor.db import Database
from unmentor.mail.models import OutboxMessage
from unmentor.operations.models import JobState
from unmentor.rounds.models import Round

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))


def clear_multiprocess_dir() -> None:
    """Forget the files of an earlier run's workers, before this run's start (as the
    prometheus-client docs require): counters would otherwise carry on from a dead process."""
    if multiprocess():
        from pathlib import Path

        for leftover in Path(os.environ[MULTIPROCESS_DIR]).glob("*.db"):
            leftover.unlink(missing_ok=True)


class RequestMetrics:
    """This app's request counter and latency histogram (on a registry of its own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "unmentor_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "unmentor_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ("method", "route"),
            registry=self.registry,
        )


class Measure:
    """ASGI middleware counting each request under its route template (never the raw path).

    A raw path would make one series per participant id or token: unbounded, and a leak.
    """

    def __init__(self, app, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [500]

        async def send_and_note(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            method = scope.get("method", "")
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
            self.metrics.requests.labels(method, route, str(status[0])).inc()


class DatabaseState:
    """A collector reading the service's state from the database at each scrape."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self):
        now = utcnow()
        with self.database.read_session() as session:
            pending, oldest = session.exec(
                select(func.count(), func.min(OutboxMessage.created_at))
                .where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
                .where(OutboxMessage.failed_at.is_(None))  # type: ignore[union-attr]
            ).one()
            failed = session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.failed_at.is_not(None))  # type: ignore[union-attr]
            ).one()
            last_formed = session.exec(select(func.max(Round.formed_at))).one()
            jobs = session.exec(select(JobState).order_by(JobState.name)).all()
        yield GaugeMetricFamily(
            "unmentor_outbox_pending", "Emails waiting to be sent (retries included).", pending
        )
        yield GaugeMetricFamily(
            "unmentor_outbox_oldest_age_seconds",
            "Age of the oldest email waiting to be sent; 0 when none waits.",
            _age(now, oldest),
        )
        yield GaugeMetricFamily(
            "unmentor_emails_failed", "Emails the relay gave up on (kept in the outbox).", failed
        )
        yield GaugeMetricFamily(
            "unmentor_last_round_formed_timestamp_seconds",
            "When the newest round was formed (Unix time); 0 before the first.",
            last_formed.timestamp() if last_formed else 0,
        )
        runs = CounterMetricFamily("unmentor_job_runs", "Scheduler job runs.", labels=["job"])
        failures = CounterMetricFamily(
            "unmentor_job_failures", "Scheduler job runs that failed.", labels=["job"]
        )
        in_a_row = GaugeMetricFamily(
            "unmentor_job_consecutive_failures", "Failures since the last success.", labels=["job"]
        )
        last_ok = GaugeMetricFamily(
            "unmentor_job_last_success_timestamp_seconds",
            "When the job last worked (Unix time).",
            labels=["job"],
        )
        for job in jobs:
            runs.add_metric([job.name], job.runs)
            failures.add_metric([job.name], job.failures)
            in_a_row.add_metric([job.name], job.consecutive_failures)
            last_ok.add_metric([job.name], job.last_ok_at.timestamp() if job.last_ok_at else 0)
        yield from (runs, failures, in_a_row, last_ok)


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # SQLite aggregates come back as naive UTC
        from datetime import UTC

        then = then.replace(tzinfo=UTC)
    return max(0.0, (now - then).total_seconds())


def exposition(requests: RequestMetrics, database: Database) -> bytes:
    """The text a scrape gets: every worker's requests (or this one's) plus the database state."""
    registry = CollectorRegistry()
    if multiprocess():
        from prometheus_client import multiprocess as mp

        mp.MultiProcessCollector(registry)
    else:
        registry.register(_Forward(requests.registry))
    registry.register(DatabaseState(database))
    return generate_latest(registry)


class _Forward:
    """Collects what another registry holds (this worker's request metrics)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self):
        return self.registry.collect()
