"""`python -m unmentor.operations.heartbeat_check`: exit 0 if the scheduler beat recently.

The scheduler container serves no HTTP, so its health check asks the database instead.
"""

from __future__ import annotations

import sys

from unmentor.clock import utcnow
from unmentor.db import database_for
from unmentor.operations.jobs import heartbeat_at
from unmentor.operations.readiness import HEARTBEAT_MAX_AGE
from unmentor.settings import load_settings


def main() -> int:
    database = database_for(load_settings())
    try:
        with database.read_session() as session:
            beat = heartbeat_at(session=session)
    finally:
        database.dispose()
    if beat is None or utcnow() - beat > HEARTBEAT_MAX_AGE:
        print(f"stale: last heartbeat {beat or 'never'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
