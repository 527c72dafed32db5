"""A crowd against the real server: no 5xx, no lost answers, and 503 (never 500) when saturated.

Each test starts `unmentor serve` in a child process on its own database and sends the crowd
from another process over loopback (tests/loadkit.py), as issue 9 measured it: before, 200
answers with 50 in flight got 71-131 answers of 500 on SQLite.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.loadkit import (
    LoadResult,
    answer_calls,
    crowd,
    form_open_round,
    one_link_calls,
    picture_calls,
    serve,
    signup_calls,
    suggestion_calls,
)
from unmentor.db import Database

# serial: a crowd or a latency measurement must not share the two cores with other tests.
pytestmark = [pytest.mark.slow, pytest.mark.serial]

ANSWERS = 200
# The crowd comes from one address: the per-client sign-up limit would answer 429.
NO_SIGNUP_LIMITS = {"signup_limit_per_client": 1_000_000, "signup_limit_per_email": 1_000_000}


@pytest.fixture(
    params=[("sqlite", 1), ("sqlite", 2), ("postgresql", 2)],
    ids=["sqlite-1-worker", "sqlite-2-workers", "postgresql-2-workers"],
)
def target(request: pytest.FixtureRequest) -> tuple[str, int]:
    """A fresh migrated database and how many web workers serve it."""
    kind, workers = request.param
    if kind == "sqlite":
        return request.getfixturevalue("sqlite_url"), workers
    from tests.conftest import _empty_postgres

    url = request.getfixturevalue("postgres_database")
    _empty_postgres(url)
    return url, workers


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def assert_all(result: LoadResult, status: int) -> None:
    assert not result.failures, f"{result.name}: transport failures {dict(result.failures)}"
    assert result.statuses == {status: result.requests}, f"{result.name}: {result.line()}"


def test_a_crowd_gets_answers_and_loses_none(target: tuple[str, int], tmp_path) -> None:
    url, workers = target
    members = form_open_round(url, people=ANSWERS)
    tokens = list(members)[:ANSWERS]
    met = answer_calls(tokens)
    not_met = answer_calls(tokens, outcome="not_met", reason="no_time")
    one_link = one_link_calls(tokens[0], ANSWERS)
    signups = signup_calls(ANSWERS)
    pictures = picture_calls(ANSWERS)
    suggestions = suggestion_calls(ANSWERS)

    with serve(url, workers=workers, log_path=tmp_path / "server.log", **NO_SIGNUP_LIMITS) as up:
        assert_all(crowd("answers, 50 in flight", up.url, met, in_flight=50), 200)
        assert rows(url, "SELECT count(*) FROM round_member WHERE outcome = 'met'") == [(ANSWERS,)]

        assert_all(crowd("changed answers, 200 in flight", up.url, not_met, in_flight=200), 200)
        recorded = rows(
            url, "SELECT outcome, reason FROM round_member WHERE answered_at IS NOT NULL"
        )
        assert recorded == [("not_met", "no_time")] * ANSWERS

        assert_all(crowd("one link, 200 in flight", up.url, one_link, in_flight=200), 200)
        whole = rows(
            url, f"SELECT outcome, reason FROM round_member WHERE id = {members[tokens[0]]}"
        )
        assert whole in ([("met", None)], [("not_met", "cancelled")])

        assert_all(crowd("sign-ups, 200 in flight", up.url, signups, in_flight=200), 202)
        assert rows(url, "SELECT count(*) FROM participant WHERE status = 'pending'") == [
            (ANSWERS,)
        ]

        assert_all(crowd("public picture, 200 in flight", up.url, pictures, in_flight=200), 200)
        assert_all(crowd("suggestions, 200 in flight", up.url, suggestions, in_flight=200), 200)
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_saturated_server_answers_503_with_retry_after_never_500(sqlite_url: str, tmp_path) -> None:
    members = form_open_round(sqlite_url, people=120)
    calls = answer_calls(list(members))
    # A worker that takes on 4 requests at once and waits at most 1 ms for the write lock.
    tight = {"max_requests_in_flight": 4, "busy_timeout_seconds": 0.001}
    with serve(sqlite_url, workers=1, log_path=tmp_path / "server.log", **tight) as up:
        result = crowd("saturating answers", up.url, calls, in_flight=120)
    assert not result.failures, result.line()
    assert set(result.statuses) <= {200, 503}, result.line()
    assert result.unavailable > 0, result.line()
    assert all(value.isdigit() for value in result.retry_after), result.retry_after
    # Every answer acknowledged was stored; the refused ones were not half-stored.
    stored = rows(sqlite_url, "SELECT count(*) FROM round_member WHERE outcome = 'met'")
    assert stored == [(result.ok(200),)]


def test_database_is_busy_maps_to_503(sqlite_url: str) -> None:
    """The write gate gives up after the busy timeout with Busy, which the API answers 503."""
    import threading

    from unmentor.errors import Busy

    database = Database(sqlite_url, busy_timeout_seconds=0.05)
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with database.session():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        holding.wait(5)
        with pytest.raises(Busy), database.session():
            pass
    finally:
        release.set()
        holder.join()
        database.dispose()
