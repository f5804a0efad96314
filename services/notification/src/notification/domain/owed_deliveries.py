"""What one timeline event owes: one delivery per (event, recipient organisation, channel, target), each
named by a key that is the same however often the event arrives, so it is never owed twice."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from uuid import UUID, uuid5

_DELIVERY_KEYS: Final = UUID("0c6f3f51-3b8e-4d4b-9a51-5f1d8f0b6a2e")


class Channel(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"
    SMS = "sms"


@dataclass(frozen=True, order=True)
class DeliveryTarget:
    """A webhook endpoint or an e-mail recipient of an organisation."""

    channel: Channel
    target_id: UUID
    organisation_id: UUID


@dataclass(frozen=True, order=True)
class OwedDelivery:
    key: UUID
    target: DeliveryTarget


def delivery_key(event_source: str, event_id: UUID, target: DeliveryTarget) -> UUID:
    name = "\n".join(
        (event_source, str(event_id), str(target.organisation_id), target.channel, str(target.target_id))
    )
    return uuid5(_DELIVERY_KEYS, name)


def owed_for(event_source: str, event_id: UUID, targets: list[DeliveryTarget]) -> list[OwedDelivery]:
    return sorted(
        OwedDelivery(delivery_key(event_source, event_id, target), target) for target in set(targets)
    )
