"""Fixtures shared by the whole suite: databases (SQLite and PostgreSQL), mail, a live server.

Database tests take `database_url`, which runs them once on SQLite and once on PostgreSQL.
PostgreSQL tests skip with a reason when no server answers, unless UNMENTOR_REQUIRE_POSTGRES=1
(set by .ci/run), which turns that skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from tests.loadkit import temporary_postgres_database
from tests.support import ORGANISER_TOKEN
from unmentor.app import create_app
from unmentor.cli.serving import proxy_options
from unmentor.db import Database, upgrade
from unmentor.mail.mailer import Mailer
from unmentor.settings import Settings, load_settings
from unmentor.tables import metadata

REPO = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "UNMENTOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("UNMENTOR_REQUIRE_POSTGRES") == "1"

# Property tests: "dev" keeps a local run quick; CI (HYPOTHESIS_PROFILE=ci) prints reproducers.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _no_stray_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own UNMENTOR_* variables must not change what the tests see."""
    for name in list(os.environ):
        if name.startswith("UNMENTOR_") and not name.startswith(
            ("UNMENTOR_TEST_", "UNMENTOR_REQUIRE_")
        ):
            monkeypatch.delenv(name)


# --- databases -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A migrated PostgreSQL database of our own for this test session, dropped at the end."""
    try:
        admin = create_engine(
            POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the server means "no PostgreSQL here"
        reason = f"PostgreSQL not reachable at {POSTGRES_URL} ({type(error).__name__})"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason}, and UNMENTOR_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(f"{reason}; set UNMENTOR_TEST_POSTGRES_URL to run the PostgreSQL tests")
    admin.dispose()
    with temporary_postgres_database(POSTGRES_URL, prefix="unmentor_test") as url:
        yield url


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database for this test."""
    path = tmp_path / "unmentor.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database for this test: once SQLite, once PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    url = request.getfixturevalue("postgres_database")
    _empty_postgres(url)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


# --- mail ------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the test SMTP server received."""

    messages: list[Message] = field(default_factory=list)
    # The client address and port of each message's connection: one entry per connection.
    peers: set[tuple] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
            self.peers.add(tuple(session.peer))
        return "250 OK"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.peers.clear()

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 10.0) -> list[Message]:
        """The messages to `address` once at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} email(s) to {address}, got {len(self.to(address))}")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, Mailbox]]:
    """A real SMTP server (aiosmtpd) on a free local port, for the whole session."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Controller, Mailbox]) -> Mailbox:
    _, box = smtp_server
    box.clear()
    return box


# --- settings, app and server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def make_settings(database_url: str, smtp_server, tmp_path: Path):
    """Settings for a test, pointing at its database and the test SMTP server."""
    controller, _ = smtp_server

    def build(**overrides) -> Settings:
        values = {
            "database_url": database_url,
            "mail_backend": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": controller.port,
            "smtp_timeout_seconds": 5,
            "mail_poll_seconds": 0.1,
            "base_url": "http://testserver",
            "secret_key": "test-secret-key-0123456789abcdef",
            "organiser_token": ORGANISER_TOKEN,
            # Existing tests sign in with the shared token (the transition path).
            "organiser_token_signs_in": True,
            "mail_dir": tmp_path / "mail",
        }
        values.update(overrides)
        return load_settings(config_file=REPO / "config.toml", **values)

    return build


@dataclass
class LiveServer:
    url: str
    settings: Settings
    database: Database
    app: Any = None  # the served application, for tests that look at its caches

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kwargs)

    def organiser(self) -> httpx.Client:
        return self.client(headers={"Authorization": f"Bearer {ORGANISER_TOKEN}"})

    def deliver_mail(self) -> None:
        """Send what the outbox holds now, without waiting for the relay loop's next poll."""
        Mailer(database=self.database, settings=self.settings).deliver_all()


def start_server(app, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """Serve `app` with uvicorn on a thread; returns once it accepts connections."""
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            **proxy_options(app.state.settings),
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    return server, thread


@pytest.fixture
def server_overrides() -> dict:
    """Settings the `server` fixture should use; a test module overrides this fixture."""
    return {}


@pytest.fixture
def server_mail_relay() -> bool:
    """Whether the `server` fixture runs the mail relay loop; a test module may turn it off."""
    return True


@pytest.fixture
def server(make_settings, server_overrides: dict, server_mail_relay: bool) -> Iterator[LiveServer]:
    """The real application served over HTTP on a free port, with its own database.

    Its mail relay loop runs, as it would beside the scheduler, so mail arrives by itself.
    """
    port = free_port()
    settings = make_settings(base_url=f"http://127.0.0.1:{port}", **server_overrides)
    database = Database(settings.database_url)
    app = create_app(settings, database=database, run_mail_relay=server_mail_relay)
    uv, thread = start_server(app, port)
    yield LiveServer(url=settings.base_url, settings=settings, database=database, app=app)
    uv.should_exit = True
    thread.join(timeout=10)
