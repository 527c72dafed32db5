"""Keeping Python's cycle collector from pausing the server.

A full collection walks every tracked object while holding the interpreter lock: about
140 ms in a serving process (numpy, matplotlib, SQLAlchemy and the app make ~200,000 objects),
and every thread waits, the event loop included. Two remedies:

- `freeze_startup_heap`: once the app is built, what exists then lives as long as the
  process; `gc.freeze()` takes it out of every later collection (a full one then costs
  microseconds). Called by `unmentor serve` only: a test process builds many apps, whose
  frozen leftovers would never be freed.
- `cycle_collection_paused`: an import builds tens of thousands of short-lived, acyclic
  records, which reference counting frees; each collection they trigger is pure pause. The
  collector is off for the import and back on after (the last of concurrent imports to end
  turns it on).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0  # how many blocks are running
_enabled_before = True  # the collector's state when the first of them began


def freeze_startup_heap() -> None:
    """Collect once, then exempt everything alive now from later collections."""
    gc.collect()
    gc.freeze()


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cycle collection while the block runs (reference counting still frees memory)."""
    global _paused, _enabled_before
    with _lock:
        if _paused == 0:
            _enabled_before = gc.isenabled()
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _enabled_before:
                gc.enable()
