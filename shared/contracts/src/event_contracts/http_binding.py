"""CloudEvents HTTP protocol binding: structured content mode and batched content mode."""

from collections.abc import Iterable

from event_contracts.decoding import parse_json
from event_contracts.envelope import CloudEvent
from event_contracts.errors import InvalidEvent, InvalidEventReason, UndecodableEvent
from event_contracts.json_format import dump_json, from_json, from_json_object, to_json, to_json_object
from event_contracts.media_types import CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON

STRUCTURED_CONTENT_TYPE = CLOUDEVENTS_JSON
BATCH_CONTENT_TYPE = CLOUDEVENTS_BATCH_JSON

__all__ = [
    "BATCH_CONTENT_TYPE",
    "STRUCTURED_CONTENT_TYPE",
    "from_structured_json",
    "parse_batch_json",
    "to_batch_json",
    "to_structured_json",
]


def to_structured_json(event: CloudEvent) -> bytes:
    """The body of an ``application/cloudevents+json`` request."""
    return to_json(event)


def from_structured_json(body: bytes | str) -> CloudEvent:
    """The event of an ``application/cloudevents+json`` body.

    Raise ``UndecodableEvent`` or ``SchemaInvalidEvent`` when it cannot be accepted.
    """
    return from_json(body)


def to_batch_json(events: Iterable[CloudEvent]) -> bytes:
    """The body of an ``application/cloudevents-batch+json`` request."""
    return dump_json([to_json_object(event) for event in events])


def parse_batch_json(body: bytes | str) -> list[CloudEvent | InvalidEvent]:
    """One result per item of a batch, in order, so each event can be accepted or refused on its own.

    Raise ``UndecodableEvent`` when the body itself is not a JSON array.
    """
    items = parse_json(body, what="the batch")
    if not isinstance(items, list):
        raise UndecodableEvent(InvalidEventReason.UNDECODABLE, "a batch must be a JSON array of CloudEvents")
    return [_parse_item(item) for item in items]


def _parse_item(item: object) -> CloudEvent | InvalidEvent:
    try:
        return from_json_object(item)
    except InvalidEvent as refusal:
        return refusal
