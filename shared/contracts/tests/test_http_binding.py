"""HTTP structured and batched content modes."""

import json
from uuid import uuid4

import pytest

from event_contracts.catalogue import EVENT_MODELS, EventData, ReferralRejected, ReferralSent
from event_contracts.envelope import CloudEvent
from event_contracts.errors import SchemaInvalidEvent, UndecodableEvent
from event_contracts.examples import example_event
from event_contracts.http_binding import (
    BATCH_CONTENT_TYPE,
    STRUCTURED_CONTENT_TYPE,
    from_structured_json,
    parse_batch_json,
    to_batch_json,
    to_structured_json,
)

MODELS = sorted(EVENT_MODELS.values(), key=lambda model: model.event_name)
PERSONAL_DATA = "06 12 34 56 78"


def test_media_types_are_the_cloudevents_ones() -> None:
    assert STRUCTURED_CONTENT_TYPE == "application/cloudevents+json"
    assert BATCH_CONTENT_TYPE == "application/cloudevents-batch+json"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.event_name)
def test_every_event_survives_a_trip_in_structured_mode(model: type[EventData]) -> None:
    event = example_event(model)
    assert from_structured_json(to_structured_json(event)) == event


def test_a_structured_body_holds_the_attributes_beside_the_data() -> None:
    event = example_event(ReferralRejected)
    body = json.loads(to_structured_json(event))
    assert body["data"] == event.data.model_dump(mode="json")
    assert body["type"] == "fr.premiere-marche.referral.rejected"
    assert body["time"] == "2025-03-03T09:30:00Z"
    assert body["region"] == "grand-est"


def test_an_absent_traceparent_is_left_out_rather_than_null() -> None:
    event = CloudEvent.build(
        example_event(ReferralRejected).data, source="/services/referral", subject=uuid4(), region="grand-est"
    )
    assert "traceparent" not in json.loads(to_structured_json(event))


@pytest.mark.parametrize("body", [b"", b"{", PERSONAL_DATA.encode(), b"\xff\xfe"])
def test_a_body_that_is_not_json_is_undecodable(body: bytes) -> None:
    with pytest.raises(UndecodableEvent) as refusal:
        from_structured_json(body)
    assert refusal.value.reason == "undecodable"
    assert PERSONAL_DATA not in str(refusal.value)


def test_a_structured_body_must_be_an_object() -> None:
    with pytest.raises(UndecodableEvent) as refusal:
        from_structured_json(json.dumps([PERSONAL_DATA]))
    assert refusal.value.reason == "undecodable"


def test_a_structured_body_without_data_is_schema_invalid() -> None:
    body = json.loads(to_structured_json(example_event(ReferralRejected)))
    del body["data"]
    with pytest.raises(SchemaInvalidEvent) as refusal:
        from_structured_json(json.dumps(body))
    assert refusal.value.reason == "schema_invalid"


def test_a_batch_survives_a_trip_with_every_event_in_order() -> None:
    events = [example_event(model) for model in MODELS]
    body = to_batch_json(events)
    assert isinstance(json.loads(body), list)
    assert parse_batch_json(body) == events


def test_an_empty_batch_is_an_empty_list() -> None:
    assert parse_batch_json(to_batch_json([])) == []


def test_a_batch_reports_each_refusal_in_its_place() -> None:
    sent, rejected = example_event(ReferralSent), example_event(ReferralRejected)
    items = [
        json.loads(to_structured_json(sent)),
        {**json.loads(to_structured_json(rejected)), "time": "2025-03-03T09:30:00"},
        PERSONAL_DATA,
        {**json.loads(to_structured_json(rejected)), "type": "fr.premiere-marche.referral.teleported"},
        {**json.loads(to_structured_json(rejected)), "data": {"reason_code": PERSONAL_DATA}},
        json.loads(to_structured_json(rejected)),
    ]

    results = parse_batch_json(json.dumps(items).encode())

    assert results[0] == sent
    assert results[5] == rejected
    refusals = results[1:5]
    assert [(type(refusal), getattr(refusal, "reason", None)) for refusal in refusals] == [
        (UndecodableEvent, "invalid_attribute"),
        (UndecodableEvent, "undecodable"),
        (SchemaInvalidEvent, "unknown_type"),
        (SchemaInvalidEvent, "schema_invalid"),
    ]
    assert all(PERSONAL_DATA not in str(refusal) for refusal in refusals)


@pytest.mark.parametrize("body", [b"{}", b'"x"', b"not json"])
def test_a_batch_body_that_is_not_a_json_array_is_undecodable(body: bytes) -> None:
    with pytest.raises(UndecodableEvent) as refusal:
        parse_batch_json(body)
    assert refusal.value.reason == "undecodable"
