"""Fixtures for the mail tests: a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from coopilote.mail.tests.smtp import RefusingHandler, start_server


@pytest.fixture
def smtp_server(settings) -> Iterator[Callable[[RefusingHandler], RefusingHandler]]:
    """Start an aiosmtpd server on 127.0.0.1 and point ``MAIL_TRANSPORT="smtp"`` at it."""
    controllers = []

    def start(handler: RefusingHandler) -> RefusingHandler:
        controller = start_server(handler)
        controllers.append(controller)
        settings.MAIL_TRANSPORT = "smtp"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        return handler

    yield start
    for controller in controllers:
        controller.stop()
