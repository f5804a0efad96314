"""Webhooks as the Standard Webhooks specification defines them: an endpoint, a thin message, and the
`webhook-*` headers signed with HMAC-SHA256 over `id.timestamp.body`."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from uuid import UUID

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the specification gives secrets, not a secret
SIGNATURE_VERSION = "v1"
SECRET_BYTES = 32


@dataclass(frozen=True)
class WebhookSecret:
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a webhook secret may not be empty")

    @classmethod
    def generate(cls) -> "WebhookSecret":
        return cls(secrets.token_bytes(SECRET_BYTES))

    @classmethod
    def parse(cls, text: str) -> "WebhookSecret":
        """`whsec_` followed by the base64 of the key, as partners copy it from their settings."""
        if not text.startswith(SECRET_PREFIX):
            raise ValueError(f"a webhook secret starts with {SECRET_PREFIX}")
        try:
            return cls(base64.b64decode(text.removeprefix(SECRET_PREFIX), validate=True))
        except ValueError as error:
            raise ValueError("a webhook secret is whsec_ followed by base64") from error

    @property
    def shared_form(self) -> str:
        return SECRET_PREFIX + base64.b64encode(self.key).decode()

    def sign(self, message_id: str, timestamp: int, body: bytes) -> str:
        signed = f"{message_id}.{timestamp}.".encode() + body
        digest = hmac.new(self.key, signed, hashlib.sha256).digest()
        return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


@dataclass(frozen=True)
class WebhookEndpoint:
    id: UUID
    url: str
    secrets: tuple[WebhookSecret, ...]
    """Every active secret: while a partner rotates, it accepts either, so we sign with all."""

    def __post_init__(self) -> None:
        if not self.secrets:
            raise ValueError("a webhook endpoint needs at least one secret")


@dataclass(frozen=True)
class WebhookMessage:
    id: str
    """The same on every attempt, so that the receiver can recognise a delivery it already has."""
    body: bytes
    content_type: str = "application/cloudevents+json; charset=utf-8"


def webhook_headers(
    message: WebhookMessage, timestamp: int, secrets: tuple[WebhookSecret, ...]
) -> dict[str, str]:
    return {
        "webhook-id": message.id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(secret.sign(message.id, timestamp, message.body) for secret in secrets),
        "content-type": message.content_type,
    }
