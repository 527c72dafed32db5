"""Tokens in emailed links never reach the access log."""

from __future__ import annotations

import logging
import threading
import time

import httpx
import pytest
import uvicorn

from tests.conftest import free_port
from unmentor.app import create_app
from unmentor.db import Database
from unmentor.http.access_log import redact


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Logging does not depend on the database."""
    return sqlite_url


def test_a_served_requests_token_is_redacted_in_the_access_log(make_settings) -> None:
    port = free_port()
    settings = make_settings(base_url=f"http://127.0.0.1:{port}")
    database = Database(settings.database_url)
    app = create_app(settings, database=database)
    access = logging.getLogger("uvicorn.access")
    captured = Captured()
    access.addHandler(captured)
    level = access.level
    access.setLevel(logging.INFO)
    # As `unmentor serve` runs it: access log on; log_config=None keeps pytest's logging.
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=True)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        with httpx.Client(base_url=settings.base_url) as http:
            assert http.get("/verify?token=secret-verify-token").status_code == 400
            http.get("/outcome?answer=met&token=secret-outcome-token")
            http.get("/me/login?Token=secret-login-token&x=1")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        access.removeHandler(captured)
        access.setLevel(level)
        database.dispose()
    log = "\n".join(captured.lines)
    assert "/verify?token=[redacted]" in log
    assert "/outcome?answer=met&token=[redacted]" in log
    assert "Token=[redacted]&x=1" in log
    assert "secret" not in log


def test_redaction_keeps_the_rest_of_the_line() -> None:
    assert (
        redact('"GET /verify?token=abc&a=b HTTP/1.1"')
        == '"GET /verify?token=[redacted]&a=b HTTP/1.1"'
    )
    assert redact("/public/network.svg?tokens=1") == "/public/network.svg?tokens=1"
