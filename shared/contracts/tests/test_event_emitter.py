"""An emitter writes the records `CloudEvent.build` would give, without building the events."""

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
from event_contracts.kafka_binding import emitted_record_text, from_kafka_record, to_kafka_record_text

SOURCE = "/services/pathway"
ANY_DATA = example_data(next(iter(EVENT_MODELS.values())))


def emitter() -> EventEmitter:
    return EventEmitter(source=SOURCE, region=EXAMPLE_REGION)


@pytest.mark.parametrize("model", sorted(EVENT_MODELS.values(), key=lambda model: model.event_name))
@pytest.mark.parametrize("traceparent", [EXAMPLE_TRACEPARENT, None, "not-a-traceparent"])
@pytest.mark.parametrize("subject", [EXAMPLE_PERSON_ID, str(EXAMPLE_PERSON_ID).upper()])
def test_an_emitted_record_is_the_record_of_the_event_build_makes(
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

    record = emitted_record_text(
        emitter(), data, subject=subject, id=event_id, time=EXAMPLE_TIME, traceparent=traceparent
    )

    assert record == to_kafka_record_text(built)
    headers = [(name, value.encode()) for name, value in record.headers]
    assert from_kafka_record(record.key.encode(), record.value.encode(), headers) == built


@pytest.mark.parametrize(
    "time",
    [
        EXAMPLE_TIME,
        datetime(2026, 11, 27, 16, 5, 3, 120, tzinfo=UTC),
        datetime(2026, 11, 27, 16, 5, 3, tzinfo=timezone(timedelta(0))),
        datetime(2026, 11, 27, 16, 5, 3, 999_999, tzinfo=timezone(timedelta(hours=1))),
        datetime(2026, 3, 29, 1, 59, 59, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        datetime(2026, 3, 29, 1, 59, 59, tzinfo=timezone(timedelta(seconds=30))),
    ],
)
def test_emitted_attributes_spell_the_time_as_the_events_json_does(time: datetime) -> None:
    event_id = uuid4()
    built = CloudEvent.build(
        ANY_DATA, source=SOURCE, subject=EXAMPLE_PERSON_ID, region=EXAMPLE_REGION, id=event_id, time=time
    )

    attributes = emitter().context_attributes(ANY_DATA, subject=EXAMPLE_PERSON_ID, id=event_id, time=time)

    assert attributes == built.context_attributes()
    assert list(attributes) == list(built.context_attributes()), "in the same order, as headers are"


def test_an_emitted_event_is_dated_now_unless_told() -> None:
    before = datetime.now(UTC)
    attributes = emitter().context_attributes(ANY_DATA, subject=EXAMPLE_PERSON_ID, id=uuid4())
    emitted_at = datetime.fromisoformat(attributes["time"])
    assert before <= emitted_at <= datetime.now(UTC)
    assert attributes["time"].endswith("Z")


@pytest.mark.parametrize(("source", "region"), [("has a space", EXAMPLE_REGION), (SOURCE, "Grand Est")])
def test_the_source_and_region_are_validated_once_when_the_emitter_is_made(source: str, region: str) -> None:
    with pytest.raises(ValidationError):
        EventEmitter(source=source, region=region)


def test_a_subject_that_is_not_a_person_id_is_refused() -> None:
    with pytest.raises(ValueError, match="badly formed"):
        emitter().context_attributes(ANY_DATA, subject="alice", id=uuid4())


def test_a_time_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        emitter().context_attributes(
            ANY_DATA, subject=EXAMPLE_PERSON_ID, id=uuid4(), time=datetime(2026, 1, 1, 9, 0)
        )


def test_data_that_is_not_a_model_of_the_catalogue_is_refused() -> None:
    class NotCatalogued(EventData):
        event_name = "referral.sent"

    with pytest.raises(ValueError, match="not a model of the catalogue"):
        emitter().context_attributes(NotCatalogued(), subject=EXAMPLE_PERSON_ID, id=uuid4())
