"""The baseline of the load figures: FastAPI doing the same single-row write, and nothing else.

No validation, tokens, middleware or error handling: one sync route that updates one
round_member row through unmentor's own engine (same pragmas, same BEGIN IMMEDIATE), served by
uvicorn like the real thing. bench/load.py divides by what this achieves in the same run.

    python tests/bare_app.py DATABASE_URL PORT WORKERS
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import text

from unmentor.db import Database


def create() -> FastAPI:
    database = Database(os.environ["UNMENTOR_DATABASE_URL"])
    app = FastAPI()

    @app.get("/healthz")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/bare/{member_id}")
    def write(member_id: int) -> dict:
        with database.engine.begin() as connection:
            connection.execute(
                text("UPDATE round_member SET outcome = 'met', answered_at = :now WHERE id = :id"),
                {"now": datetime.now(UTC), "id": member_id},
            )
        return {"ok": True}

    return app


if __name__ == "__main__":
    import uvicorn

    url, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.environ["UNMENTOR_DATABASE_URL"] = url
    uvicorn.run(
        "bare_app:create",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        app_dir=os.path.dirname(os.path.abspath(__file__)),
        log_level="warning",
    )
