"""An emitter's events are the ones `CloudEvent.build` makes, without validating their parts again."""

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.registry import EVENT_MODELS
from event_contracts.envelope import CloudEvent, EventEmitter
from event_contracts.examples import (
    EXAMPLE_PERSON_ID,
    EXAMPLE_REGION,
    EXAMPLE_TIME,
    EXAMPLE_TRACEPARENT,
    example_data,
)
from event_contracts.kafka_binding import from_kafka_record, to_kafka_record

SOURCE = "/services/pathway"


@pytest.mark.parametrize("model", sorted(EVENT_MODELS.values(), key=lambda model: model.event_name))
@pytest.mark.parametrize("traceparent", [EXAMPLE_TRACEPARENT, None, "not-a-traceparent"])
@pytest.mark.parametrize("subject", [EXAMPLE_PERSON_ID, str(EXAMPLE_PERSON_ID).upper()])
def test_an_emitted_event_is_the_event_build_makes_and_travels_the_same(
    model: type[EventData], traceparent: str | None, subject: UUID | str
) -> None:
    data, event_id = example_data(model), uuid4()
    built = CloudEvent.build(
        data,
        source=SOURCE,
        subject=subject,
        region=EXAMPLE_REGION,
        id=event_id,
        time=EXAMPLE_TIME,
        traceparent=traceparent,
    )

    emitted = EventEmitter(source=SOURCE, region=EXAMPLE_REGION).event(
        data, subject=subject, id=event_id, time=EXAMPLE_TIME, traceparent=traceparent
    )

    assert emitted.model_dump() == built.model_dump()
    assert to_kafka_record(emitted) == to_kafka_record(built)
    record = to_kafka_record(emitted)
    assert from_kafka_record(record.key, record.value, record.headers) == built


def test_an_emitted_event_is_dated_now_unless_told() -> None:
    before = datetime.now(UTC)
    emitted = EventEmitter(source=SOURCE, region=EXAMPLE_REGION).event(
        example_data(next(iter(EVENT_MODELS.values()))), subject=EXAMPLE_PERSON_ID, id=uuid4()
    )
    assert before <= emitted.time <= datetime.now(UTC)
    assert emitted.time.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("source", "region"), [("has a space", EXAMPLE_REGION), (SOURCE, "Grand Est")])
def test_the_source_and_region_are_validated_once_when_the_emitter_is_made(source: str, region: str) -> None:
    with pytest.raises(ValidationError):
        EventEmitter(source=source, region=region)


def test_a_subject_that_is_not_a_person_id_is_refused() -> None:
    emitter = EventEmitter(source=SOURCE, region=EXAMPLE_REGION)
    with pytest.raises(ValueError, match="badly formed"):
        emitter.event(example_data(next(iter(EVENT_MODELS.values()))), subject="alice", id=uuid4())


def test_a_time_without_a_time_zone_is_refused() -> None:
    emitter = EventEmitter(source=SOURCE, region=EXAMPLE_REGION)
    data = example_data(next(iter(EVENT_MODELS.values())))
    with pytest.raises(ValueError, match="time zone"):
        emitter.event(data, subject=EXAMPLE_PERSON_ID, id=uuid4(), time=datetime(2026, 1, 1, 9, 0))
    kept = emitter.event(
        data,
        subject=EXAMPLE_PERSON_ID,
        id=uuid4(),
        time=datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),
    )
    assert kept.time.utcoffset() == timedelta(hours=1)


def test_data_that_is_not_a_model_of_the_catalogue_is_refused() -> None:
    class NotCatalogued(EventData):
        event_name = "referral.sent"

    emitter = EventEmitter(source=SOURCE, region=EXAMPLE_REGION)
    with pytest.raises(ValueError, match="not a model of the catalogue"):
        emitter.event(NotCatalogued(), subject=EXAMPLE_PERSON_ID, id=uuid4())
