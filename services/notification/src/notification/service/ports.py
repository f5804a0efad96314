"""What the use cases need from the outside world; the adapters provide it."""

from typing import Protocol
from uuid import UUID

from notification.domain.contacts import PersonContact
from notification.domain.delivery_decision import AttemptOutcome
from notification.domain.messages import Message
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage


class WebhookTransport(Protocol):
    async def send(self, endpoint: WebhookEndpoint, message: WebhookMessage) -> AttemptOutcome: ...


class ContactDirectory(Protocol):
    async def contact_of(self, person_id: UUID, purpose: str) -> PersonContact: ...


class SmsGateway(Protocol):
    max_segments: int

    async def send(self, phone_number: str, text: str) -> None: ...


class Mailer(Protocol):
    async def send(self, recipient: str, message: Message) -> None: ...
