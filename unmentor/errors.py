"""Errors the services raise; the API, the pages and the CLI each turn them into their own words.

Keeping them free of HTTP lets the same service function serve every caller.
"""


class DomainError(Exception):
    """A request the service understood but will not carry out; `message` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The input breaks a rule that only the service can check (a date in the past, say)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or no longer does)."""


class Conflict(DomainError):
    """The change would break a uniqueness rule or the current state forbids it."""


class LinkInvalid(DomainError):
    """An emailed link that is unknown, already used or expired."""

    def __init__(self, message: str, *, used_by: int | None = None) -> None:
        super().__init__(message)
        # Whose link it was, when it failed only for having been used: a second click on a
        # confirmation link deserves "you are confirmed", not "ask for a new one".
        self.used_by = used_by


class RateLimited(DomainError):
    """Too many requests for one email or one client address in the current window."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


def readable_message(problem: dict) -> str:
    """A pydantic error's message without the 'Value error, ' prefix our validators cause."""
    return problem.get("msg", "is not valid").removeprefix("Value error, ")


class Busy(DomainError):
    """The database is saturated right now: the caller should try again shortly (HTTP 503).

    Raised instead of letting a request wait without end (or fail with a lock error) when every
    connection or the write lock has been busy for longer than the settings allow.
    """

    def __init__(self, message: str = "", *, retry_after_seconds: int = 5) -> None:
        super().__init__(message or "The service is busy right now; please try again shortly.")
        self.retry_after_seconds = retry_after_seconds
