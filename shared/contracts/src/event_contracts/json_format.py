"""The CloudEvents JSON event format: one event as one JSON object, attributes beside ``data``."""

import json
from typing import Any

from event_contracts.decoding import event_from_fields, parse_json
from event_contracts.envelope import CloudEvent
from event_contracts.errors import InvalidEventReason, UndecodableEvent


def to_json_object(event: CloudEvent) -> dict[str, Any]:
    return {**event.context_attributes(), "data": event.data.model_dump(mode="json")}


def from_json_object(document: object) -> CloudEvent:
    """The event a parsed JSON document holds; raise ``UndecodableEvent`` or ``SchemaInvalidEvent``."""
    if not isinstance(document, dict):
        raise UndecodableEvent(InvalidEventReason.UNDECODABLE, "a CloudEvent must be a JSON object")
    return event_from_fields(document)


def dump_json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_json(event: CloudEvent) -> bytes:
    return dump_json(to_json_object(event))


def from_json(body: bytes | str) -> CloudEvent:
    return from_json_object(parse_json(body, what="the body"))
