"""Interoperability with the official CloudEvents Python SDK, in both directions, on both bindings.

Partners build their events with the SDK: what it writes must read as our envelope, and what we write
must read in the SDK with the same attributes and data. The SDK has no batch mode, so its batches are
JSON arrays of its structured events, as the batch format defines them.
"""

import json
from typing import Any
from uuid import uuid4

import pytest
from cloudevents.core.bindings import http as sdk_http
from cloudevents.core.bindings import kafka as sdk_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent as SdkEvent
from cloudevents.v1 import kafka as legacy_kafka
from cloudevents.v1.conversion import to_structured as legacy_to_structured
from cloudevents.v1.http import CloudEvent as LegacySdkEvent
from cloudevents.v1.http import from_http as legacy_from_http

from event_contracts.catalogue import EVENT_MODELS, EventData, ReferralRejected, ReferralSent
from event_contracts.envelope import CloudEvent
from event_contracts.examples import example_event
from event_contracts.http_binding import (
    STRUCTURED_CONTENT_TYPE,
    from_structured_json,
    parse_batch_json,
    to_batch_json,
    to_structured_json,
)
from event_contracts.kafka_binding import from_kafka_record, to_kafka_record

MODELS = sorted(EVENT_MODELS.values(), key=lambda model: model.event_name)
by_event_name = pytest.mark.parametrize("model", MODELS, ids=lambda model: model.event_name)


def sdk_attributes_of(event: CloudEvent) -> dict[str, Any]:
    """What the SDK should see: our attributes with time as a datetime, no attribute left out."""
    attributes: dict[str, Any] = {**event.context_attributes(), "time": event.time}
    return attributes


def sdk_event_like(event: CloudEvent) -> SdkEvent:
    return SdkEvent(attributes=sdk_attributes_of(event), data=event.data.model_dump(mode="json"))


def sdk_subject_as_key(sdk_event: Any) -> str:
    return str(sdk_event.get_subject())


def assert_same_as(sdk_event: Any, event: CloudEvent) -> None:
    attributes = dict(sdk_event.get_attributes())
    attributes.pop("partitionkey", None)
    assert attributes == sdk_attributes_of(event)
    assert sdk_event.get_data() == event.data.model_dump(mode="json")


@by_event_name
def test_an_sdk_kafka_binary_record_reads_as_our_event(model: type[EventData]) -> None:
    expected = example_event(model)
    message = sdk_kafka.to_binary(sdk_event_like(expected), JSONFormat(), key_mapper=sdk_subject_as_key)
    key = message.key.encode() if isinstance(message.key, str) else message.key

    assert from_kafka_record(key, message.value, list(message.headers.items())) == expected


@by_event_name
def test_our_kafka_record_reads_in_the_sdk_with_the_same_attributes_and_data(model: type[EventData]) -> None:
    event = example_event(model)
    record = to_kafka_record(event)
    message = sdk_kafka.KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)

    sdk_event = sdk_kafka.from_binary(message, JSONFormat())

    assert_same_as(sdk_event, event)
    assert sdk_event.get_extension("partitionkey") == event.subject


@by_event_name
def test_an_sdk_structured_http_body_reads_as_our_event(model: type[EventData]) -> None:
    expected = example_event(model)
    message = sdk_http.to_structured(sdk_event_like(expected), JSONFormat())

    assert message.headers["content-type"] == STRUCTURED_CONTENT_TYPE
    assert from_structured_json(message.body) == expected


@by_event_name
def test_our_structured_http_body_reads_in_the_sdk(model: type[EventData]) -> None:
    event = example_event(model)
    message = sdk_http.HTTPMessage(
        headers={"content-type": STRUCTURED_CONTENT_TYPE}, body=to_structured_json(event)
    )

    assert_same_as(sdk_http.from_http(message, JSONFormat()), event)


def test_a_batch_of_sdk_structured_events_reads_as_our_events() -> None:
    expected = [example_event(model) for model in MODELS]
    body = b"[" + b",".join(JSONFormat().write(sdk_event_like(event)) for event in expected) + b"]"

    assert parse_batch_json(body) == expected


def test_our_batch_reads_in_the_sdk_item_by_item() -> None:
    events = [example_event(model) for model in MODELS]
    items = json.loads(to_batch_json(events))

    for item, event in zip(items, events, strict=True):
        assert_same_as(JSONFormat().read(None, json.dumps(item)), event)


def test_an_sdk_event_with_only_the_attributes_it_requires_plus_ours_is_accepted() -> None:
    """A partner leaves dataschema, datacontenttype and traceparent out and lets the SDK pick id and time."""
    person = uuid4()
    data = example_event(ReferralSent).data
    sdk_event = SdkEvent(
        attributes={
            "type": "fr.premiere-marche.referral.sent",
            "source": "/services/referral",
            "subject": str(person),
            "region": "grand-est",
        },
        data=data.model_dump(mode="json"),
    )
    message = sdk_kafka.to_binary(sdk_event, JSONFormat())

    event = from_kafka_record(message.key, message.value, list(message.headers.items()))  # type: ignore[arg-type]

    assert event.data == data
    assert event.person_id == person
    assert event.id.hex == sdk_event.get_id().replace("-", "")
    assert event.time == sdk_event.get_time()
    assert event.dataschema == "https://schemas.premiere-marche.fr/events/v1/referral.sent.json"


def legacy_sdk_event_like(event: CloudEvent) -> LegacySdkEvent:
    return LegacySdkEvent(event.context_attributes(), event.data.model_dump(mode="json"))


def test_a_legacy_sdk_kafka_record_reads_as_our_event() -> None:
    expected = example_event(ReferralRejected)
    message = legacy_kafka.to_binary(
        legacy_sdk_event_like(expected), key_mapper=lambda sdk_event: sdk_event["subject"]
    )
    key = message.key.encode() if isinstance(message.key, str) else message.key
    value = message.value.encode() if isinstance(message.value, str) else message.value

    assert from_kafka_record(key, value, list(message.headers.items())) == expected


def test_our_kafka_record_reads_in_the_legacy_sdk() -> None:
    event = example_event(ReferralRejected)
    record = to_kafka_record(event)

    sdk_event = legacy_kafka.from_binary(
        legacy_kafka.KafkaMessage(dict(record.headers), record.key, record.value)
    )

    attributes = dict(sdk_event.get_attributes())
    assert attributes.pop("partitionkey") == event.subject.encode()
    assert attributes == event.context_attributes()
    assert sdk_event.get_data() == event.data.model_dump(mode="json")


def test_a_legacy_sdk_structured_body_reads_as_our_event_and_ours_reads_in_it() -> None:
    event = example_event(ReferralRejected)
    _, body = legacy_to_structured(legacy_sdk_event_like(event))
    assert from_structured_json(body) == event

    sdk_event = legacy_from_http({"content-type": STRUCTURED_CONTENT_TYPE}, to_structured_json(event))
    assert dict(sdk_event.get_attributes()) == event.context_attributes()
    assert sdk_event.get_data() == event.data.model_dump(mode="json")
