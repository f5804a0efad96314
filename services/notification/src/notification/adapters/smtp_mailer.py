"""Sends a message to a person by e-mail over SMTP, as a text part and an HTML part of the same words."""

import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from notification.domain.email_delivery import Accepted, EmailOutcome, NotReached, Refused
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
    def __init__(self, reason: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.code = code
        """The SMTP reply code, when the server answered."""


def compose_email(
    sender: str, recipient: str, message: Message, *, message_id: str | None = None
) -> EmailMessage:
    """`message_id` (« <…@…> ») is kept the same on every attempt of one delivery, so that duplicates are
    recognisable; a fresh one is made otherwise."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = message_id or make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
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

    async def send(self, recipient: str, message: Message, *, message_id: str | None = None) -> None:
        server = self._server
        # Errors are raised `from None`: the SMTP library's own messages quote the recipient's address.
        try:
            await aiosmtplib.send(
                compose_email(server.sender, recipient, message, message_id=message_id),
                hostname=server.host,
                port=server.port,
                start_tls=server.starttls,
                tls_context=self._tls_context,
                username=server.username,
                password=server.password if server.username else None,
                timeout=server.timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            code = refused.recipients[0].code if refused.recipients else None
            raise EmailNotSentError(type(refused).__name__, permanent=_permanent(code), code=code) from None
        except aiosmtplib.SMTPAuthenticationError as refused:
            reason = f"authentication refused ({refused.code})"
            raise EmailNotSentError(reason, permanent=True, code=refused.code) from None
        except aiosmtplib.SMTPResponseException as refused:
            code = refused.code
            raise EmailNotSentError(type(refused).__name__, permanent=_permanent(code), code=code) from None
        except (aiosmtplib.SMTPException, OSError) as failure:
            raise EmailNotSentError(type(failure).__name__, permanent=False) from None

    async def deliver(self, recipient: str, message: Message, *, message_id: str) -> EmailOutcome:
        """One attempt of an owed e-mail, told as an outcome for the delivery record."""
        try:
            await self.send(recipient, message, message_id=message_id)
        except EmailNotSentError as failure:
            if failure.code is None and not failure.permanent:
                return NotReached(str(failure))
            return Refused(failure.code, str(failure), permanent=failure.permanent)
        return Accepted()


def _permanent(code: int | None) -> bool:
    """5xx replies say that trying again will not help (RFC 5321 §4.2.1); 4xx ask us to come back."""
    return code is None or code >= 500
