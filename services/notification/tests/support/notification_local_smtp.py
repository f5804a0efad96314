"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts."""

import asyncio
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class CapturedMail:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class MailCatcher:
    mails: list[CapturedMail] = field(default_factory=list)
    authenticated_as: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    """Replies to give, in order, to the next messages instead of keeping them (e.g. « 451 4.3.0 busy »)."""
    seconds_per_message: float = 0.0
    """How long the server takes over each message before it answers, as a busy relay does."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        if self.seconds_per_message:
            await asyncio.sleep(self.seconds_per_message)
        if self.replies:
            return self.replies.pop(0)
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append(CapturedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


@dataclass(frozen=True)
class LocalSmtpServer:
    port: int
    catcher: MailCatcher


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_smtp_server(
    *,
    tls_context: ssl.SSLContext | None = None,
    credentials: tuple[str, str] | None = None,
    seconds_per_message: float = 0.0,
) -> Iterator[LocalSmtpServer]:
    """Without TLS, a plain relay; with a TLS context, STARTTLS is required and so is AUTH if credentials."""
    catcher = MailCatcher(seconds_per_message=seconds_per_message)

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and credentials is not None:
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if (login, password) == credentials:
                catcher.authenticated_as.append(login)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    options: dict[str, Any] = {}
    if tls_context is not None:
        options |= {"tls_context": tls_context, "require_starttls": True}
    if credentials is not None:
        options |= {"authenticator": authenticate, "auth_required": True}
    controller = Controller(catcher, hostname="127.0.0.1", port=_free_port(), **options)
    controller.start()
    try:
        yield LocalSmtpServer(controller.port, catcher)
    finally:
        controller.stop()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with the openssl command: (certificate, key)."""
    certificate, key = directory / "smtp.crt", directory / "smtp.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(certificate),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key
