"""A cheap version number of the data that pictures and statistics are drawn from.

Database triggers (migration 0003) bump the `network` counter on every insert, update or
delete of participants, organisations, rounds, round members and sit-outs, whichever code
path writes them (API, pages, CLI, import, scheduler, cascades). A cache keyed by this number
is therefore never stale, and checking it costs one primary-key read instead of reloading and
hashing the whole network.
"""

from __future__ import annotations

from sqlmodel import Field, Session, SQLModel, select

NETWORK = "network"


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"

    name: str = Field(max_length=40, primary_key=True)
    version: int = 0


def current_version(*, session: Session, name: str = NETWORK) -> int:
    """The counter's value now (0 before the first write)."""
    value = session.exec(select(DataVersion.version).where(DataVersion.name == name)).first()
    return value or 0
