"""Where pictures are drawn: in a separate process, so that drawing never starves the web server.

Why a process and not the threadpool (measured on 2 cores, uvicorn serving /healthz while a
5,000-person network of 12 rounds was laid out and drawn as SVG and PNG): one render on a
thread kept /healthz at p99 30 ms, but four at once (a gallery page asks for a dozen pictures)
took it to p99 188 ms and 413 ms at worst, because layout and matplotlib hold the GIL for long
stretches and the event loop queues behind them. The same four renders in one worker process
left /healthz at p99 22 ms. Two worker processes were worse than one on 2 cores (p99 184 ms):
the web process needs a core of its own. Hence `picture_processes = 1` by default; 0 runs the
same jobs on the caller's thread (the CLI, which has no one else to serve).

The jobs (unmentor.network.jobs) take and return plain, picklable data. Workers start with
"spawn", never "fork": forking a threaded server copies locks held by other threads.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")


class Workers:
    """Runs picture and statistics jobs in `processes` worker processes (or inline when 0)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def run(self, job: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`job(*args, **kwargs)` computed in a worker; a worker that died is replaced once."""
        if self.processes == 0:
            return job(*args, **kwargs)
        try:
            return self._executor().submit(job, *args, **kwargs).result()
        except BrokenProcessPool:
            # Killed (out of memory, say): the pool is unusable, so start a new one and retry.
            self._discard()
            return self._executor().submit(job, *args, **kwargs).result()

    def start(self) -> None:
        """Start the workers now, so the first picture does not wait for Python to boot."""
        if self.processes:
            self._executor().submit(_warm_up)

    def close(self) -> None:
        """Stop the workers; jobs not yet started are cancelled."""
        self._discard()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.processes, mp_context=multiprocessing.get_context("spawn")
                )
            return self._pool

    def _discard(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _warm_up() -> None:
    import unmentor.network.jobs  # noqa: F401  (matplotlib, networkx and numpy load once)
