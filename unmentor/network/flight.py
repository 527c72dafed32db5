"""A thread-safe cache in which each value is built once, however many ask for it at once.

A crowd arriving on a cold cache (a blog post going out, a bot) must cost one render, not one
per request: the first caller of a key builds it and the others wait for that result (or that
error), which is the "single flight" of Go's groupcache. Values are kept under a generation
(the data version or the content fingerprint they were drawn from); when the data moves on,
`retain` drops every other generation, and a build that finishes for a dropped generation is
handed to its callers but not stored. Stored bytes are bounded: the least recently used values
go first when `max_bytes` is exceeded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from concurrent.futures import Future
from typing import TypeVar, cast

T = TypeVar("T")
Key = tuple[Hashable, ...]  # (generation, kind, ...)


def size_of(value: object) -> int:
    """What a value costs against the bound: its bytes when it says, else a nominal 1 kB."""
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    return len(value) if isinstance(value, bytes | bytearray) else 1024


class FlightCache:
    """Values by key, each built by one caller while the others wait for it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._values: OrderedDict[Key, tuple[object, int]] = OrderedDict()
        self._flights: dict[Key, Future] = {}
        self._live: set[Hashable] | None = None  # generations worth storing; None: any
        self._bytes = 0
        self.builds = 0  # how many times a value was built: tests and benches read it

    def get(self, key: Key, build: Callable[[], T]) -> T:
        """The value under `key`, built by `build` unless it is stored or being built."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return cast(T, self._values[key][0])  # what `build` returned for this key
            flight = self._flights.get(key)
            owner = flight is None
            if flight is None:
                flight = self._flights[key] = Future()
                self.builds += 1
        if not owner:
            return flight.result()
        try:
            value = build()
        except BaseException as error:
            with self._lock:
                del self._flights[key]
            flight.set_exception(error)
            raise
        with self._lock:
            del self._flights[key]
            if self._live is None or key[0] in self._live:
                self._store(key, value)
        flight.set_result(value)
        return value

    def retain(self, generations: Collection[Hashable]) -> None:
        """Forget every value of another generation; store only these from now on."""
        with self._lock:
            self._live = set(generations)
            for key in [k for k in self._values if k[0] not in self._live]:
                self._bytes -= self._values.pop(key)[1]

    def stored_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def _store(self, key: Key, value: object) -> None:
        size = size_of(value)
        if size > self.max_bytes:
            return  # larger than the whole budget: serve it, never keep it
        self._values[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._values.popitem(last=False)
            self._bytes -= dropped
