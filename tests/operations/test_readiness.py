"""/readyz: ready on a fresh database; 503 naming what is not ready otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.conftest import LiveServer, free_port, start_server
from unmentor.app import create_app
from unmentor.clock import utcnow
from unmentor.db import Database, downgrade, upgrade
from unmentor.operations.jobs import record_run
from unmentor.operations.models import HEARTBEAT


def _beat(server: LiveServer, age: timedelta) -> None:
    with server.database.session() as session:
        record_run(
            session=session,
            settings=server.settings,
            name=HEARTBEAT,
            error=None,
            now=utcnow() - age,
        )


def test_a_fresh_database_is_ready_and_healthz_stays_trivial(server: LiveServer) -> None:
    with server.client() as http:
        reply = http.get("/readyz")
        assert reply.status_code == 200, reply.text
        assert reply.json() == {
            "status": "ready",
            "checks": {"database": "ok", "migrations": "ok"},
        }
        assert http.get("/healthz").json() == {"status": "ok"}


@pytest.fixture
def expecting(make_settings) -> Iterator[LiveServer]:
    """A server whose settings say a scheduler should be running (none is)."""
    port = free_port()
    settings = make_settings(base_url=f"http://127.0.0.1:{port}", expect_scheduler=True)
    database = Database(settings.database_url)
    uv, thread = start_server(create_app(settings, database=database), port)
    yield LiveServer(url=settings.base_url, settings=settings, database=database)
    uv.should_exit = True
    thread.join(timeout=10)


def test_scheduler_heartbeat_missing_recent_and_stale(expecting: LiveServer) -> None:
    with expecting.client() as http:
        reply = http.get("/readyz")
        assert reply.status_code == 503
        assert reply.json()["not_ready"] == ["scheduler"]
        assert reply.json()["checks"]["scheduler"] == "no heartbeat yet"

        _beat(expecting, timedelta(seconds=30))
        assert http.get("/readyz").status_code == 200

        _beat(expecting, timedelta(minutes=10))
        stale = http.get("/readyz")
        assert stale.status_code == 503
        assert stale.json()["not_ready"] == ["scheduler"]
        assert stale.json()["checks"]["scheduler"].startswith("last heartbeat 6")


def test_migrations_behind_is_not_ready(server: LiveServer) -> None:
    url = server.settings.database_url
    downgrade(url, "0008")
    try:
        with server.client() as http:
            reply = http.get("/readyz")
        assert reply.status_code == 503
        body = reply.json()
        assert body["not_ready"] == ["migrations"]
        assert body["checks"]["migrations"].startswith("at 0008, the code needs 00")
    finally:
        upgrade(url)


def test_an_unreachable_database_is_not_ready(make_settings, tmp_path) -> None:
    port = free_port()
    missing = tmp_path / "no-such-folder" / "unmentor.db"
    settings = make_settings(
        base_url=f"http://127.0.0.1:{port}", database_url=f"sqlite:///{missing}"
    )
    database = Database(settings.database_url)
    uv, thread = start_server(create_app(settings, database=database), port)
    try:
        server = LiveServer(url=settings.base_url, settings=settings, database=database)
        with server.client() as http:
            reply = http.get("/readyz")
        assert reply.status_code == 503
        assert reply.json()["not_ready"] == ["database"]
        assert reply.json()["checks"]["database"].startswith("unreachable")
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
