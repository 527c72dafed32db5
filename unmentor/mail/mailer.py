"""The process's handle on mail delivery: one transport, one sender, one database.

Only the relay sends: the loop in the scheduler's process (`unmentor.mail.loop`), `unmentor mail
send` and the `send_mail` job. Requests never do; they only write to the outbox.
"""

from __future__ import annotations

import logging
import threading

from unmentor.db import Database
from unmentor.mail.relay import RelayReport, deliver_pending
from unmentor.mail.transports import Transport, make_transport
from unmentor.settings import Settings

log = logging.getLogger("unmentor.mail")


class Mailer:
    """Runs the relay for this process, one run at a time."""

    def __init__(
        self, *, database: Database, settings: Settings, transport: Transport | None = None
    ):
        self.database = database
        self.settings = settings
        self.sender = settings.mail_from
        self.transport = transport or make_transport(settings)
        # One run at a time per process (they share the transport's connection); the outbox
        # claims guard across processes.
        self._lock = threading.Lock()
        # Set by `nudge` when mail has just been queued; the relay loop wakes on it.
        self.due = threading.Event()
        # Set when the process shuts down, so that a long run stops after its current message.
        self.stopping = threading.Event()

    def deliver(self) -> RelayReport:
        """One relay run, bounded by `mail_run_seconds`; never raises, it logs and reports."""
        with self._lock:
            try:
                return deliver_pending(
                    database=self.database,
                    transport=self.transport,
                    sender=self.sender,
                    run_seconds=self.settings.mail_run_seconds,
                    stop=self.stopping,
                )
            except Exception as error:
                log.exception("mail delivery run failed; the outbox keeps the mail for later")
                return RelayReport(unavailable=f"{type(error).__name__}: {error}")

    def deliver_all(self) -> RelayReport:
        """Runs one after another until nothing is due or the transport is unavailable."""
        total = RelayReport()
        while True:
            report = self.deliver()
            total.add(report)
            if not report.more_due or self.stopping.is_set():
                return total

    def nudge(self) -> None:
        """Ask this process's relay loop, if it runs, to look at the outbox now."""
        self.due.set()
