"""Request counters in the database, so that every web worker sees the same counts.

Fixed one-hour windows: simple to reason about and to explain ("5 requests an hour").
Keys are HMACs of the email or client address under the secret key: the table never holds an
address, and without the key nobody can test a guessed address against it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import Insert, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col

from unmentor.errors import RateLimited

WINDOW = timedelta(hours=1)


class RateLimitCounter(SQLModel, table=True):
    __tablename__ = "rate_limit_counter"

    key: str = Field(max_length=400, primary_key=True)
    window_start: datetime = Field(primary_key=True)
    count: int = 0


def hashed_key(kind: str, value: str, *, secret: str) -> str:
    """The counter key for `value` (an email or a client address) of this `kind`."""
    digest = hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest}"


def forget(*, session: Session, key: str) -> int:
    """Delete every window's counter for `key`; returns how many."""
    return (
        session.exec(delete(RateLimitCounter).where(col(RateLimitCounter.key) == key)).rowcount or 0
    )


def _window_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _counting(insert) -> Insert:
    return (
        insert(RateLimitCounter)
        .values(key=bindparam("counter_key"), window_start=bindparam("counter_window"), count=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"count": RateLimitCounter.count + 1},
        )
        .returning(RateLimitCounter.count)
    )


# Built once per dialect: every sign-up counts twice, and building an upsert costs more than
# running it.
_COUNT = {"postgresql": _counting(postgresql.insert), "sqlite": _counting(sqlite.insert)}


def hit(*, session: Session, key: str, limit: int, now: datetime) -> int | None:
    """Count one request for `key`; over `limit` this window, return the seconds to wait.

    It returns rather than raises so the caller can commit the count before refusing: a
    refused request still counts, or a client could retry for free.
    """
    start = _window_start(now)
    statement = _COUNT[session.get_bind().dialect.name]
    # On the connection, as plain SQL: the ORM's bulk-insert machinery would cost more than
    # the statement itself.
    parameters = {"counter_key": key, "counter_window": start}
    count = session.connection().execute(statement, parameters).scalar_one()
    if count > limit:
        return int((start + WINDOW - now).total_seconds()) + 1
    return None


def enforce(*, session: Session, limits: dict[str, int], now: datetime) -> RateLimited | None:
    """Count one request against every key in `limits`; the error to raise if any is over."""
    waits = [hit(session=session, key=key, limit=limit, now=now) for key, limit in limits.items()]
    over = [wait for wait in waits if wait is not None]
    if not over:
        return None
    return RateLimited("Too many requests; please try again later.", retry_after_seconds=max(over))


def forget_old_windows(*, session: Session, now: datetime) -> int:
    """Delete counters of windows that have ended; returns how many were removed."""
    result = session.exec(
        delete(RateLimitCounter).where(col(RateLimitCounter.window_start) < _window_start(now))
    )
    return result.rowcount or 0
