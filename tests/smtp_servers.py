"""Real SMTP servers that misbehave, for the relay's fault tests: no mocks, real sockets."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from tests.conftest import Mailbox


class HungServer:
    """Accepts TCP connections and never says a word: not even the SMTP greeting."""

    def __init__(self, port: int = 0) -> None:
        self.listener = socket.create_server(("127.0.0.1", port))
        self.listener.settimeout(0.05)  # so that stop() is noticed: close() does not wake accept()
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(connection)  # held open, never read, never answered

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self.listener.close()
        for connection in self.accepted:
            connection.close()


class DropsConnections(Mailbox):
    """Takes `per_connection` messages on a connection, then hangs up: without a word, or
    `politely` with a 421 reply (as servers with a per-connection limit do)."""

    def __init__(self, per_connection: int, *, politely: bool = False) -> None:
        super().__init__()
        self.per_connection = per_connection
        self.politely = politely
        self.started: dict[tuple, int] = {}

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        peer = tuple(session.peer)
        self.started[peer] = self.started.get(peer, 0) + 1
        if self.started[peer] > self.per_connection:
            if self.politely:
                return "421 4.7.0 Too many messages on one connection, closing"
            server.transport.close()
            return "421 closing"  # never reaches the client: the transport is closed
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


class RefusesRecipient(Mailbox):
    """Refuses one recipient address (550), and takes everything else."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class StallsOnData(Mailbox):
    """Records messages like any mailbox, but stops answering (without hanging up) at the
    message whose X-Unmentor-Key is `key`, after recording it, until `release` is set."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if self.key in envelope.content.decode(errors="replace"):
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        return reply


@contextmanager
def smtp_server(handler: Mailbox, port: int = 0) -> Iterator[Controller]:
    """A real aiosmtpd server with `handler` on `port` (a free one by default)."""
    from tests.conftest import free_port

    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield controller
    finally:
        if isinstance(handler, StallsOnData):
            handler.release.set()
        controller.stop()
