"""What the use cases need from the outside world; the adapters provide it."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from notification.domain.contacts import PersonContact
from notification.domain.delivery_decision import AttemptOutcome
from notification.domain.messages import Message
from notification.domain.webhook_delivery import WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret


class WebhookTransport(Protocol):
    async def send(self, endpoint: WebhookEndpoint, message: WebhookMessage) -> AttemptOutcome: ...


class ContactDirectory(Protocol):
    async def contact_of(self, person_id: UUID, purpose: str) -> PersonContact: ...


class SmsGateway(Protocol):
    max_segments: int

    async def send(self, phone_number: str, text: str) -> None: ...


class Mailer(Protocol):
    async def send(self, recipient: str, message: Message) -> None: ...


class WebhookDeliveries(Protocol):
    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[WebhookDelivery]:
        """Due deliveries of enabled endpoints, kept from other instances for `lease`."""

    async def save_attempts(self, deliveries: Sequence[WebhookDelivery], now: datetime) -> None:
        """Store each delivery's state after its attempt, and disable endpoints that asked for it."""


class WebhookEndpoints(Protocol):
    async def add_endpoint(
        self, endpoint: WebhookEndpoint, *, organisation_id: UUID, event_types: tuple[str, ...]
    ) -> None: ...


class WebhookSecretRotation(Protocol):
    async def rotate_secret(
        self, organisation_id: UUID, endpoint_id: UUID, new_secret: WebhookSecret, overlap: timedelta
    ) -> datetime | None:
        """When the previous secret stops signing; None when the organisation has no such enabled endpoint."""


class DestinationCheck(Protocol):
    async def check_url(self, url: str) -> None:
        """Raises DestinationRefusedError unless every address the URL's host resolves to may be reached."""
