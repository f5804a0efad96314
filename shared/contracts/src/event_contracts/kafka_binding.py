"""CloudEvents Kafka protocol binding, binary content mode: ``ce_*`` headers, JSON data as the value.

The record key is the person id (the event's subject), so each person's events stay in order on one
partition. Records in structured content mode (``content-type: application/cloudevents+json``) are also
read, since the binding lets a partner's producer choose either mode.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from event_contracts import media_types
from event_contracts.catalogue.base import EventData
from event_contracts.decoding import event_from_fields, parse_json
from event_contracts.envelope import CloudEvent, EventEmitter
from event_contracts.errors import InvalidEventReason, UndecodableEvent
from event_contracts.json_format import from_json_object

CE_HEADER_PREFIX: Final = "ce_"
CONTENT_TYPE_HEADER: Final = "content-type"

_ATTRIBUTE_HEADERS: Final = frozenset(
    {CONTENT_TYPE_HEADER}
    | {
        f"{CE_HEADER_PREFIX}{name}"
        for name in CloudEvent.__pydantic_fields__
        if name not in {"data", "datacontenttype"}
    }
)


@dataclass(frozen=True)
class KafkaRecord:
    """What a producer sends, independent of the Kafka client library."""

    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class KafkaRecordText:
    """A record's key, value and header values as the text they encode in UTF-8, for a store that keeps
    text (the outbox) before a producer sends the bytes."""

    key: str
    value: str
    headers: tuple[tuple[str, str], ...]


def to_kafka_record_text(event: CloudEvent) -> KafkaRecordText:
    return _record_text(event.context_attributes(), event.data)


def emitted_record_text(
    emitter: EventEmitter,
    data: EventData,
    *,
    subject: str | UUID,
    id: UUID,
    time: datetime | None = None,
    traceparent: str | None = None,
) -> KafkaRecordText:
    """`to_kafka_record_text(CloudEvent.build(data, …))` for the emitter's source and region, without
    building the event in between: for a service that writes many events to its outbox."""
    attributes = emitter.context_attributes(data, subject=subject, id=id, time=time, traceparent=traceparent)
    return _record_text(attributes, data)


def _record_text(attributes: dict[str, str], data: EventData) -> KafkaRecordText:
    content_type = attributes.pop("datacontenttype")
    headers = tuple((f"{CE_HEADER_PREFIX}{name}", value) for name, value in attributes.items())
    return KafkaRecordText(
        key=attributes["subject"],
        value=data.model_dump_json(),
        headers=(*headers, (CONTENT_TYPE_HEADER, content_type)),
    )


def to_kafka_record(event: CloudEvent) -> KafkaRecord:
    text = to_kafka_record_text(event)
    return KafkaRecord(
        key=text.key.encode(),
        value=text.value.encode(),
        headers=tuple((name, value.encode()) for name, value in text.headers),
    )


def from_kafka_record(
    key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes]]
) -> CloudEvent:
    """The event a consumed record carries; raise ``UndecodableEvent`` or ``SchemaInvalidEvent``."""
    header_values = _header_values(headers)
    if not value:
        raise UndecodableEvent(InvalidEventReason.UNDECODABLE, "the record has no value")
    content_type = header_values.get(CONTENT_TYPE_HEADER)
    if content_type is not None and media_types.essence(content_type) == media_types.CLOUDEVENTS_JSON:
        event = from_json_object(parse_json(value, what="the record value"))
    else:
        event = _from_binary_mode(header_values, value)
    _check_key_is_subject(key, event)
    return event


def _from_binary_mode(header_values: dict[str, str], value: bytes) -> CloudEvent:
    fields: dict[str, object] = {
        name.removeprefix(CE_HEADER_PREFIX): text
        for name, text in header_values.items()
        if name.startswith(CE_HEADER_PREFIX)
    }
    content_type = header_values.get(CONTENT_TYPE_HEADER)
    if content_type is not None:
        fields["datacontenttype"] = media_types.essence(content_type)
    fields["data"] = parse_json(value, what="the record value")
    return event_from_fields(fields)


def _header_values(headers: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    """The headers that carry attributes we read; other extensions are ignored, as the spec asks."""
    values: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.lower()
        if name not in _ATTRIBUTE_HEADERS:
            continue
        try:
            text = raw_value.decode("utf-8")
        except (UnicodeDecodeError, AttributeError):
            raise UndecodableEvent(
                InvalidEventReason.INVALID_ATTRIBUTE, f"header {name} is not UTF-8 text"
            ) from None
        if values.setdefault(name, text) != text:
            raise UndecodableEvent(
                InvalidEventReason.INVALID_ATTRIBUTE, f"header {name} appears twice with different values"
            )
    return values


def _check_key_is_subject(key: bytes | None, event: CloudEvent) -> None:
    if key is None or key == event.subject.encode():
        return
    try:
        same_person = UUID(key.decode("utf-8")) == event.person_id
    except (UnicodeDecodeError, ValueError):
        same_person = False
    if not same_person:
        raise UndecodableEvent(
            InvalidEventReason.INVALID_ATTRIBUTE,
            "the record key is not the event's subject: records are keyed by person id to keep their order",
        )
