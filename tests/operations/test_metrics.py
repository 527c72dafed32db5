"""/metrics: off by default, token-protected, routes by template, state read from the database."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from tests.conftest import LiveServer, free_port, start_server
from tests.factories import make_participant, make_round
from unmentor.app import create_app
from unmentor.clock import utcnow
from unmentor.mail.compose import Email
from unmentor.mail.models import OutboxMessage
from unmentor.mail.outbox import enqueue
from unmentor.operations.jobs import record_run

TOKEN = "metrics-token-0123456789"


@pytest.fixture
def server_overrides() -> dict:
    return {"metrics_token": TOKEN}


@pytest.fixture
def server_mail_relay() -> bool:
    return False  # the outbox must stay as the test left it


def _value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    assert match, f"{series} not in:\n{text}"
    return float(match.group(1))


def test_metrics_are_off_unless_a_token_is_set(make_settings) -> None:
    port = free_port()
    settings = make_settings(base_url=f"http://127.0.0.1:{port}")
    assert settings.metrics_token.get_secret_value() == ""
    uv, thread = start_server(create_app(settings), port)
    try:
        with httpx.Client(base_url=settings.base_url) as http:
            assert http.get("/metrics").status_code == 404
            assert http.get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


def test_metrics_need_the_token(server: LiveServer) -> None:
    with server.client() as http:
        assert http.get("/metrics").status_code == 401
        wrong = http.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})
        assert wrong.status_code == 401
        assert http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_metrics_count_requests_by_route_template_and_read_the_database(
    server: LiveServer,
) -> None:
    now = utcnow()
    with server.database.session() as session:
        ann = make_participant(session, organisation="A")
        bob = make_participant(session, organisation="B")
        make_round(session, [[ann, bob]], number=1, period="2026-01")
        for n in range(3):
            enqueue(
                session=session,
                idempotency_key=f"test:{n}",
                to_address=f"p{n}@example.org",
                email=Email(subject="s", body="b"),
                participant_id=None,
                now=now - timedelta(minutes=10 * n),
            )
        session.exec(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key == "test:0")
            .values(failed_at=now, last_error="550 no such user")
        )
        for error in (None, "boom", "boom"):
            record_run(
                session=session, settings=server.settings, name="tidy_up", error=error, now=now
            )
    with server.client() as http:
        for number in (3, 4, 5):
            http.get(f"/public/rounds/{number}/network.svg")
        http.get("/no/such/page/123")
        reply = http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain")
    text = reply.text
    route = 'route="/public/rounds/{number}/network.{fmt}"'
    assert _value(text, f'unmentor_http_requests_total{{method="GET",{route},status="404"}}') == 3
    assert 'route="unmatched"' in text
    assert "/public/rounds/3/" not in text and "/no/such/page" not in text, "raw paths leak"
    assert f'unmentor_http_request_duration_seconds_count{{method="GET",{route}}} 3.0' in text
    assert _value(text, "unmentor_outbox_pending") == 2
    assert 1190 < _value(text, "unmentor_outbox_oldest_age_seconds") < 1500
    assert _value(text, "unmentor_emails_failed") == 1
    formed = _value(text, "unmentor_last_round_formed_timestamp_seconds")
    assert formed > (now - timedelta(days=1)).timestamp()
    assert _value(text, 'unmentor_job_runs_total{job="tidy_up"}') == 3
    assert _value(text, 'unmentor_job_failures_total{job="tidy_up"}') == 2
    assert _value(text, 'unmentor_job_consecutive_failures{job="tidy_up"}') == 2
