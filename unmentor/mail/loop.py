"""The relay loop: sends the outbox from a daemon thread of the scheduler's process.

It wakes every `mail_poll_seconds` (or at once when nudged), so a sign-up's verification email
goes out within seconds, yet a request never waits for mail: requests only write the outbox,
and this thread holds nothing a request needs (one database connection for a few
milliseconds per message, no lock a request takes). When the transport is unavailable (an SMTP
server down or hung) the loop waits longer and longer between runs, up to MAX_BACKOFF.
"""

from __future__ import annotations

import logging
import threading

from unmentor.mail.mailer import Mailer

log = logging.getLogger("unmentor.mail")

MAX_BACKOFF_SECONDS = 300.0


class RelayLoop:
    """A daemon thread running `mailer.deliver()` whenever mail may be due."""

    def __init__(self, mailer: Mailer, *, poll_seconds: float) -> None:
        self.mailer = mailer
        self.poll_seconds = poll_seconds
        self._thread = threading.Thread(target=self._run, name="unmentor-mail-relay", daemon=True)

    def start(self) -> RelayLoop:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the message in flight; waits at most `timeout` seconds for that."""
        self.mailer.stopping.set()
        self.mailer.due.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        delay = 0.0
        while True:
            self.mailer.due.wait(delay)
            if self.mailer.stopping.is_set():
                return
            self.mailer.due.clear()
            report = self.mailer.deliver()
            if report.unavailable is not None:
                failures = min(failures + 1, 30)  # 2**30 polls is past any cap
                delay = min(self.poll_seconds * 2**failures, MAX_BACKOFF_SECONDS)
                log.warning("mail relay backs off for %.1f s", delay)
            elif report.more_due:
                failures, delay = 0, 0.0
            else:
                failures, delay = 0, self.poll_seconds
