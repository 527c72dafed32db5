"""A cheap version number of the data that pictures and statistics are drawn from.

Database triggers (migrations 0003 and 0004) bump the `network` counter on every insert,
update or delete of participants, organisations, rounds, round members, sit-outs and blocked
pairs (the statistics count them), whichever code path writes them (API, pages, CLI, import,
scheduler, cascades). A cache keyed by this number is therefore never stale, and checking it
costs one primary-key read instead of reloading and hashing the whole network.
"""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Field, Session, SQLModel, col, select

NETWORK = "network"


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"

    name: str = Field(max_length=40, primary_key=True)
    version: int = 0


def current_version(*, session: Session, name: str = NETWORK) -> int:
    """The counter's value now (0 before the first write).

    On PostgreSQL the counter is split into rows `network:0` ... `network:15` (so that
    concurrent writers do not queue on one row's lock); the version is the sum of them all.
    """
    total = session.exec(
        select(func.sum(DataVersion.version)).where(
            or_(col(DataVersion.name) == name, col(DataVersion.name).startswith(f"{name}:"))
        )
    ).one()
    return int(total or 0)
