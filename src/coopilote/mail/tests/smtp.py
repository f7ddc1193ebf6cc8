"""A real SMTP server for tests: aiosmtpd on loopback, refusing the first messages on demand."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class RefusingHandler:
    """Answer DATA with ``refusal`` for the first ``refusals`` messages, then accept them.

    ``accepted`` holds the envelope of every message the server took responsibility for.
    """

    refusals: float
    refusal: str = "451 Try again later"
    refused: int = 0
    accepted: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refused < self.refusals:
            self.refused += 1
            return self.refusal
        self.accepted.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(handler: RefusingHandler) -> Controller:
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="smtp.test",
        ready_timeout=5,
    )
    controller.start()
    return controller
