"""Who is acting: the organiser behind the current request or command.

The guards of organiser routes set it once per request; `audit.record` reads it, so the
service functions that record actions need no extra argument from every caller (the API,
the pages, the CLI). A context variable, not a global: each request runs in its own
context, and a sync route's worker thread gets a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from unmentor.organisers.models import OrganiserRole


@dataclass(frozen=True)
class Actor:
    """An organiser as a request sees them; `id` None for the shared token or the CLI."""

    id: int | None
    name: str
    role: OrganiserRole

    @property
    def can_act(self) -> bool:
        return self.role == OrganiserRole.organiser


SHARED_TOKEN = Actor(id=None, name="shared organiser token", role=OrganiserRole.organiser)
COMMAND_LINE = Actor(id=None, name="command line", role=OrganiserRole.organiser)

_current: ContextVar[Actor | None] = ContextVar("unmentor_actor", default=None)


def current() -> Actor | None:
    """The organiser acting now, or None (the scheduler, a participant)."""
    return _current.get()


def set_current(actor: Actor | None) -> None:
    """Name the organiser acting for the rest of this request's context."""
    _current.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Act as `actor` inside the block (CLI commands, tests)."""
    reset = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(reset)
