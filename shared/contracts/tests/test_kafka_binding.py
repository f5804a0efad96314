"""Kafka binary content mode: ce_ headers, JSON data as the value, the person id as the key."""

import json
from collections.abc import Callable
from uuid import uuid4

import pytest

from event_contracts.catalogue import EVENT_MODELS, EventData, ReferralRejected
from event_contracts.errors import InvalidEvent, SchemaInvalidEvent, UndecodableEvent
from event_contracts.examples import EXAMPLE_PERSON_ID, example_event
from event_contracts.json_format import to_json
from event_contracts.kafka_binding import KafkaRecord, from_kafka_record, to_kafka_record

MODELS = sorted(EVENT_MODELS.values(), key=lambda model: model.event_name)
PERSONAL_DATA = "Jeanne Martin, née le 02/03/1981"


def rejected_record() -> KafkaRecord:
    return to_kafka_record(example_event(ReferralRejected))


def with_header(record: KafkaRecord, name: str, value: bytes | None) -> list[tuple[str, bytes]]:
    headers = [(n, v) for n, v in record.headers if n != name]
    return headers if value is None else [*headers, (name, value)]


def refused(decode: Callable[[], object], error_class: type[InvalidEvent], reason: str) -> InvalidEvent:
    with pytest.raises(error_class) as refusal:
        decode()
    assert refusal.value.reason == reason
    assert PERSONAL_DATA not in str(refusal.value)
    assert PERSONAL_DATA not in refusal.value.detail
    return refusal.value


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.event_name)
def test_every_event_survives_a_trip_through_kafka(model: type[EventData]) -> None:
    event = example_event(model)
    record = to_kafka_record(event)
    assert from_kafka_record(record.key, record.value, record.headers) == event


def test_the_record_carries_attributes_as_ce_headers_data_as_value_and_person_as_key() -> None:
    event = example_event(ReferralRejected)
    record = to_kafka_record(event)
    headers = dict(record.headers)
    assert record.key == str(EXAMPLE_PERSON_ID).encode()
    assert json.loads(record.value) == event.data.model_dump(mode="json")
    assert headers == {
        "ce_specversion": b"1.0",
        "ce_id": str(event.id).encode(),
        "ce_source": b"/services/referral",
        "ce_type": b"fr.premiere-marche.referral.rejected",
        "ce_subject": str(EXAMPLE_PERSON_ID).encode(),
        "ce_time": b"2025-03-03T09:30:00Z",
        "ce_dataschema": b"https://schemas.premiere-marche.fr/events/v1/referral.rejected.json",
        "ce_region": b"grand-est",
        "ce_traceparent": event.traceparent.encode() if event.traceparent else b"",
        "content-type": b"application/json",
    }
    assert len(headers) == len(record.headers)


def test_a_record_without_key_is_read_and_header_names_are_case_insensitive() -> None:
    record = rejected_record()
    shouted = [(name.upper(), value) for name, value in record.headers]
    assert from_kafka_record(None, record.value, shouted) == example_event(ReferralRejected)


def test_content_type_parameters_are_tolerated() -> None:
    record = rejected_record()
    headers = with_header(record, "content-type", b"application/json; charset=utf-8")
    assert from_kafka_record(record.key, record.value, headers) == example_event(ReferralRejected)


def test_a_record_in_structured_mode_is_read_too() -> None:
    event = example_event(ReferralRejected)
    headers = [("content-type", b"application/cloudevents+json")]
    assert from_kafka_record(event.subject.encode(), to_json(event), headers) == event


def test_a_value_that_is_not_json_is_undecodable() -> None:
    record = rejected_record()
    refused(
        lambda: from_kafka_record(record.key, PERSONAL_DATA.encode(), record.headers),
        UndecodableEvent,
        "undecodable",
    )


@pytest.mark.parametrize("value", [None, b""])
def test_a_record_without_value_is_undecodable(value: bytes | None) -> None:
    record = rejected_record()
    refused(lambda: from_kafka_record(record.key, value, record.headers), UndecodableEvent, "undecodable")


def test_a_record_without_ce_headers_misses_attributes() -> None:
    record = rejected_record()
    refusal = refused(
        lambda: from_kafka_record(record.key, record.value, [("content-type", b"application/json")]),
        UndecodableEvent,
        "missing_attribute",
    )
    assert "specversion" in refusal.detail
    assert "subject" in refusal.detail


@pytest.mark.parametrize("header", ["ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "ce_region"])
def test_each_required_header_is_named_when_missing(header: str) -> None:
    record = rejected_record()
    refusal = refused(
        lambda: from_kafka_record(None, record.value, with_header(record, header, None)),
        UndecodableEvent,
        "missing_attribute",
    )
    assert header.removeprefix("ce_") in refusal.detail


def test_a_naive_time_is_an_invalid_attribute() -> None:
    record = rejected_record()
    headers = with_header(record, "ce_time", b"2025-03-03T09:30:00")
    refusal = refused(
        lambda: from_kafka_record(record.key, record.value, headers), UndecodableEvent, "invalid_attribute"
    )
    assert "time" in refusal.detail


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("ce_id", PERSONAL_DATA.encode()),
        ("ce_subject", PERSONAL_DATA.encode()),
        ("ce_specversion", b"0.3"),
        ("ce_region", PERSONAL_DATA.encode()),
        ("content-type", b"text/plain"),
    ],
)
def test_invalid_attributes_are_refused_without_echoing_them(header: str, value: bytes) -> None:
    record = rejected_record()
    refusal = refused(
        lambda: from_kafka_record(None, record.value, with_header(record, header, value)),
        UndecodableEvent,
        "invalid_attribute",
    )
    assert ("datacontenttype" if header == "content-type" else header.removeprefix("ce_")) in refusal.detail


def test_a_header_that_is_not_utf8_is_an_invalid_attribute() -> None:
    record = rejected_record()
    headers = with_header(record, "ce_source", b"\xff\xfe")
    refused(
        lambda: from_kafka_record(record.key, record.value, headers), UndecodableEvent, "invalid_attribute"
    )


def test_a_header_repeated_with_another_value_is_an_invalid_attribute() -> None:
    record = rejected_record()
    headers = [*record.headers, ("ce_type", b"fr.premiere-marche.referral.accepted")]
    refused(
        lambda: from_kafka_record(record.key, record.value, headers), UndecodableEvent, "invalid_attribute"
    )


def test_a_key_that_is_not_the_subject_is_refused_since_order_would_be_lost() -> None:
    record = rejected_record()
    refused(
        lambda: from_kafka_record(str(uuid4()).encode(), record.value, record.headers),
        UndecodableEvent,
        "invalid_attribute",
    )
    refused(
        lambda: from_kafka_record(PERSONAL_DATA.encode(), record.value, record.headers),
        UndecodableEvent,
        "invalid_attribute",
    )


def test_an_unknown_type_is_schema_invalid() -> None:
    record = rejected_record()
    headers = with_header(record, "ce_type", b"fr.premiere-marche.referral.teleported")
    refused(lambda: from_kafka_record(record.key, record.value, headers), SchemaInvalidEvent, "unknown_type")


def test_a_foreign_dataschema_is_schema_invalid() -> None:
    record = rejected_record()
    headers = with_header(
        record, "ce_dataschema", b"https://schemas.premiere-marche.fr/events/v2/referral.rejected.json"
    )
    refused(
        lambda: from_kafka_record(record.key, record.value, headers),
        SchemaInvalidEvent,
        "unsupported_dataschema",
    )


def test_data_that_does_not_fit_its_model_is_schema_invalid_and_not_echoed() -> None:
    record = rejected_record()
    data = {
        **json.loads(record.value),
        "reason_code": PERSONAL_DATA,
        "operator_organisation_id": PERSONAL_DATA,
    }
    refusal = refused(
        lambda: from_kafka_record(record.key, json.dumps(data).encode(), record.headers),
        SchemaInvalidEvent,
        "schema_invalid",
    )
    assert "data.reason_code" in refusal.detail
    assert "data.operator_organisation_id" in refusal.detail


def test_data_that_is_not_an_object_is_schema_invalid() -> None:
    record = rejected_record()
    refused(
        lambda: from_kafka_record(record.key, b"[1, 2]", record.headers), SchemaInvalidEvent, "schema_invalid"
    )
