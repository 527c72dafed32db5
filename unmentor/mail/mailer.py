"""The service's handle on mail delivery: one transport, one sender, one database."""

from __future__ import annotations

import logging
import threading

from unmentor.db import Database
from unmentor.mail.relay import RelayReport, deliver_pending
from unmentor.mail.transports import Transport, make_transport
from unmentor.settings import Settings

log = logging.getLogger("unmentor.mail")


class Mailer:
    """Sends the outbox; called after requests that queue mail, and by the scheduler."""

    def __init__(
        self, *, database: Database, settings: Settings, transport: Transport | None = None
    ):
        self.database = database
        self.sender = settings.mail_from
        self.transport = transport or make_transport(settings)
        # One delivery run at a time per process; the outbox claims guard across processes.
        self._lock = threading.Lock()

    def deliver(self) -> RelayReport:
        """Send whatever is due now; never raises, so a mail fault cannot fail a request."""
        with self._lock:
            try:
                return deliver_pending(
                    database=self.database, transport=self.transport, sender=self.sender
                )
            except Exception:
                log.exception("mail delivery run failed; the outbox keeps the mail for later")
                return RelayReport()
