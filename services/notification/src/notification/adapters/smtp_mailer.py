"""Sends a message to a person by e-mail over SMTP, as a text part and an HTML part of the same words."""

import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from notification.domain.messages import Message


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    """The From header, e.g. « Première marche <ne-pas-repondre@premiere-marche.fr> »."""
    starttls: bool = True
    username: str | None = None
    password: str = field(default="", repr=False)
    timeout_seconds: float = 10.0
    ca_file: str | None = None
    """Trust this CA instead of the system's, for a relay with a private certificate."""


class EmailNotSentError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


def compose_email(sender: str, recipient: str, message: Message) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    email["Content-Language"] = "fr"
    # RFC 3834: out-of-office robots must not answer a notification.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


class SmtpMailer:
    def __init__(self, server: SmtpServer) -> None:
        self._server = server
        self._tls_context = ssl.create_default_context(cafile=server.ca_file) if server.starttls else None

    async def send(self, recipient: str, message: Message) -> None:
        server = self._server
        # Errors are raised `from None`: the SMTP library's own messages quote the recipient's address.
        try:
            await aiosmtplib.send(
                compose_email(server.sender, recipient, message),
                hostname=server.host,
                port=server.port,
                start_tls=server.starttls,
                tls_context=self._tls_context,
                username=server.username,
                password=server.password if server.username else None,
                timeout=server.timeout_seconds,
            )
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPSenderRefused) as refused:
            raise EmailNotSentError(type(refused).__name__, permanent=True) from None
        except aiosmtplib.SMTPAuthenticationError as refused:
            raise EmailNotSentError(f"authentication refused ({refused.code})", permanent=True) from None
        except (aiosmtplib.SMTPException, OSError) as failure:
            raise EmailNotSentError(type(failure).__name__, permanent=False) from None
