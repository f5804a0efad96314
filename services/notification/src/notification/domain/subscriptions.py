"""What an organisation subscribes to: the event types each of its webhook endpoints and e-mail recipients
receives, and the rules or event types it has opted out of."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from notification.domain.notified_events import NOTIFIED_EVENT_TYPES, Rule, chosen_through


class SubscriptionError(ValueError):
    """A subscription that cannot be: its message names what is wrong, never an address."""


class SubscriptionNotFoundError(LookupError):
    """Nothing of the calling organisation has this id; another organisation's is not found either."""


def subscribed_event_types(event_types: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(sorted(set(event_types)))
    if not chosen:
        raise SubscriptionError("subscribe to at least one event type")
    unknown = sorted(set(chosen) - NOTIFIED_EVENT_TYPES)
    if unknown:
        raise SubscriptionError(f"no notification is ever sent for {', '.join(unknown)}")
    return chosen


class OptOutKind(StrEnum):
    RULE = "rule"
    EVENT_TYPE = "event_type"


@dataclass(frozen=True)
class OptOut:
    organisation_id: UUID
    kind: OptOutKind
    value: str

    def __post_init__(self) -> None:
        if self.kind is OptOutKind.RULE and self.value not in set(Rule):
            raise SubscriptionError(f"there is no rule {self.value!r}")
        if self.kind is OptOutKind.EVENT_TYPE and self.value not in NOTIFIED_EVENT_TYPES:
            raise SubscriptionError(f"no notification is ever sent for {self.value}")

    def silences(self, rule: Rule, event_type: str) -> bool:
        if self.kind is OptOutKind.RULE:
            return self.value == rule
        return self.value in chosen_through(event_type)


def opted_out(opt_outs: Collection[OptOut], rule: Rule, event_type: str) -> bool:
    return any(opt_out.silences(rule, event_type) for opt_out in opt_outs)


@dataclass(frozen=True)
class WebhookSubscription:
    """A webhook endpoint as its organisation sees it; the secrets are never shown again."""

    endpoint_id: UUID
    organisation_id: UUID
    url: str
    event_types: tuple[str, ...]
    created_at: datetime
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    previous_secret_valid_until: datetime | None = None


@dataclass(frozen=True)
class EmailRecipient:
    """A professional address of the organisation itself (a mailbox of its staff, never a person's)."""

    id: UUID
    organisation_id: UUID
    address: str
    event_types: tuple[str, ...]
    created_at: datetime
