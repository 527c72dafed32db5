"""Log lines as text or JSON (`log_format`), each with the request id it was written for."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from unmentor.operations import requestid

TEXT_FORMAT = "%(levelname)s %(name)s [%(request_id)s]: %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-" outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = requestid.current.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message (and traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", requestid.current.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def handler(log_format: str, stream=None) -> logging.Handler:
    """A handler writing `log_format` lines (with request ids) to `stream` (stderr)."""
    result = logging.StreamHandler(stream or sys.stderr)
    result.addFilter(RequestIdFilter())
    result.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    return result


def configure(log_format: str, stream=None, level: int = logging.INFO) -> None:
    """Route every log record, uvicorn's included, through one handler on the root logger.

    uvicorn is then started with `log_config=None`, so its loggers keep no handlers of their
    own and propagate here, access lines included.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_unmentor", False)]:
        root.removeHandler(old)
    new = handler(log_format, stream)
    new._unmentor = True  # type: ignore[attr-defined]
    root.addHandler(new)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)  # the root's level decides, access lines included
        logger.propagate = True
