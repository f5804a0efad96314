"""What partners send and receive when they manage their subscriptions."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from notification.domain.notified_events import Rule
from notification.domain.subscriptions import EmailRecipient, OptOutKind, WebhookSubscription

EventTypes = Annotated[
    list[str],
    Field(
        min_length=1,
        max_length=50,
        description="CloudEvents types to receive, e.g. `fr.premiere-marche.referral.accepted`.",
    ),
]
# Deliberately loose: the mail server is the judge of an address; this only catches what is not one.
EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookEndpointIn(Request):
    url: str = Field(max_length=2000, description="Where webhooks are posted: http or https, public address.")
    event_types: EventTypes


class SecretRotationIn(Request):
    overlap_hours: int = Field(
        default=24, ge=1, le=168, description="How long the previous secret keeps signing beside the new one."
    )


class WebhookEndpointOut(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    created_at: datetime
    disabled_at: datetime | None = Field(description="Set when a 410 or the organisation disabled it.")
    disabled_reason: str | None
    previous_secret_valid_until: datetime | None = Field(
        description="While ahead, deliveries are signed with the previous secret too."
    )

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> "WebhookEndpointOut":
        return cls(
            id=subscription.endpoint_id,
            url=subscription.url,
            event_types=list(subscription.event_types),
            created_at=subscription.created_at,
            disabled_at=subscription.disabled_at,
            disabled_reason=subscription.disabled_reason,
            previous_secret_valid_until=subscription.previous_secret_valid_until,
        )


class RegisteredWebhookEndpointOut(WebhookEndpointOut):
    secret: str = Field(description="`whsec_…`: shown this once; verify signatures with it.")


class RotatedSecretOut(BaseModel):
    secret: str = Field(description="The new `whsec_…` secret, shown this once.")
    previous_secret_valid_until: datetime


class EmailRecipientIn(Request):
    address: EmailAddress = Field(description="A professional mailbox of the organisation itself.")
    event_types: EventTypes


class EmailRecipientOut(BaseModel):
    id: UUID
    address: str
    event_types: list[str]
    created_at: datetime

    @classmethod
    def of(cls, recipient: EmailRecipient) -> "EmailRecipientOut":
        return cls(
            id=recipient.id,
            address=recipient.address,
            event_types=list(recipient.event_types),
            created_at=recipient.created_at,
        )


class OptOutIn(Request):
    kind: OptOutKind = Field(description="`rule` silences a default rule, `event_type` one event type.")
    value: str = Field(
        max_length=200,
        description=f"A rule ({', '.join(Rule)}) or a CloudEvents type, as `kind` says.",
    )


class OptOutOut(BaseModel):
    kind: OptOutKind
    value: str
