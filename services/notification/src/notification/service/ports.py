"""What the use cases need from the outside world; the adapters provide it."""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from notification.domain.contacts import PersonContact
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.delivery_decision import AttemptOutcome
from notification.domain.email_delivery import EmailDelivery, EmailOutcome
from notification.domain.messages import Message
from notification.domain.owed_deliveries import DeliveryTarget, OwedDelivery
from notification.domain.redelivery import RedeliverySelection
from notification.domain.routing import CareTeamMember, ReferralParties
from notification.domain.session_reminders import ReminderOwed, ReminderProgress, SessionReminder
from notification.domain.subscriptions import OptOut
from notification.domain.timeline_events import ProjectionChange
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


class EmailTransport(Protocol):
    async def deliver(self, recipient: str, message: Message, *, message_id: str) -> EmailOutcome:
        """One attempt; `message_id` is the delivery's own, the same on every attempt."""


class EmailDeliveries(Protocol):
    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[EmailDelivery]:
        """Due e-mails, kept from other instances for `lease`."""

    async def save_attempt(self, delivery: EmailDelivery, attempt: AttemptRecord) -> None:
        """Store the delivery's state after its attempt, with the attempt, in one transaction."""


class WebhookAttemptStore(Protocol):
    async def save_attempts(
        self, deliveries: Sequence[WebhookDelivery], now: datetime, attempts: Sequence[AttemptRecord] = ()
    ) -> None:
        """Store each delivery's state after its attempt with the attempts, and disable endpoints that
        asked for it, in one transaction."""


class WebhookDeliveries(WebhookAttemptStore, Protocol):
    async def claim_due(
        self,
        now: datetime,
        lease: timedelta,
        limit: int,
        *,
        per_endpoint: int | None = None,
        busy_endpoints: Collection[UUID] = (),
    ) -> list[WebhookDelivery]:
        """Due deliveries of enabled endpoints, kept from other instances for `lease`: at most `per_endpoint`
        of each endpoint (oldest first), none of `busy_endpoints`."""


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


class RoutingStore(Protocol):
    """The routing projection, the organisations' subscriptions and the owed deliveries, all in the
    transaction of the event being routed."""

    async def change_projection(self, person_id: UUID, change: ProjectionChange) -> None: ...

    async def care_team(self, person_id: UUID) -> list[CareTeamMember]: ...

    async def referral(self, referral_id: UUID) -> ReferralParties | None: ...

    async def opt_outs_of(self, organisation_ids: Collection[UUID]) -> list[OptOut]: ...

    async def targets_of(self, organisation_ids: Collection[UUID], event_type: str) -> list[DeliveryTarget]:
        """Enabled webhook endpoints and active e-mail recipients of these organisations subscribed to
        `event_type`."""

    async def owe(self, deliveries: Sequence[OwedDelivery], message: WebhookMessage, now: datetime) -> int:
        """Records each delivery unless its key is already recorded; how many were new."""


class Redeliveries(Protocol):
    async def webhook_deliveries_of(self, selection: RedeliverySelection) -> dict[UUID, UUID]: ...

    async def email_deliveries_of(self, delivery_ids: tuple[UUID, ...]) -> list[UUID]: ...

    async def disabled_among(self, endpoint_ids: set[UUID]) -> list[UUID]: ...

    async def enable(self, endpoint_ids: set[UUID]) -> None: ...

    async def make_due(self, webhook_ids: list[UUID], email_ids: list[UUID], now: datetime) -> None: ...


class ReminderBook(Protocol):
    """The session reminders owed to persons, in the transaction of the timeline event being routed."""

    async def owe(self, key: UUID, person_id: UUID, owed: ReminderOwed, due_at: datetime) -> None:
        """Records the reminder unless its key is already recorded."""

    async def cancel_of_referral(self, referral_id: UUID, now: datetime, *, keep: UUID | None = None) -> None:
        """Cancels the referral's reminders still pending, but `keep`."""

    async def cancel_scheduled_by(self, scheduled_by: tuple[str, UUID], now: datetime) -> None: ...


class SessionReminders(Protocol):
    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[SessionReminder]:
        """Due reminders, kept from other instances for `lease`."""

    async def referent_mailboxes(self, person_id: UUID) -> dict[UUID, str]:
        """The active e-mail recipients of the organisation that referred the person, by id."""

    async def already_delivered(self, attempt_keys: Collection[UUID]) -> set[UUID]:
        """Those of `attempt_keys` an attempt was recorded as delivered for."""

    async def save_attempts(
        self,
        reminder: SessionReminder,
        progress: ReminderProgress,
        attempts: Sequence[AttemptRecord],
        now: datetime,
    ) -> None:
        """Store the reminder's state after its attempts, with the attempts, in one transaction."""
