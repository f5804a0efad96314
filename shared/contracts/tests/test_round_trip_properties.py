"""Any valid event, with any mix of optional fields, reads back equal on every binding."""

import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any
from uuid import UUID

from annotated_types import Gt
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel

from event_contracts.catalogue import EVENT_MODELS, EventData, dataschema_for, event_type_for, parse_data
from event_contracts.catalogue.timeline import OriginalEvent
from event_contracts.envelope import CloudEvent
from event_contracts.http_binding import (
    from_structured_json,
    parse_batch_json,
    to_batch_json,
    to_structured_json,
)
from event_contracts.kafka_binding import from_kafka_record, to_kafka_record

MODELS = sorted(EVENT_MODELS.values(), key=lambda model: model.event_name)
ORIGINAL_MODELS = [model for model in MODELS if model.event_name != "timeline.entry_appended"]

offsets = [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=3, minutes=30))]
aware_datetimes = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.sampled_from(offsets))
SIMPLE_VALUES: dict[Any, st.SearchStrategy[Any]] = {
    UUID: st.uuids(),
    bool: st.booleans(),
    date: st.dates(),
    AwareDatetime: aware_datetimes,
    type(None): st.none(),
}


def value_of(annotation: Any, constraints: list[Any]) -> st.SearchStrategy[Any]:
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or origin is typing.Union:
        return st.one_of([value_of(option, constraints) for option in arguments])
    if origin is typing.Annotated:
        return value_of(arguments[0], [*constraints, *arguments[1:]])
    if origin is tuple:
        return st.lists(value_of(arguments[0], []), max_size=4).map(tuple)
    return leaf_values(annotation, constraints)


def leaf_values(annotation: Any, constraints: list[Any]) -> st.SearchStrategy[Any]:
    if annotation in SIMPLE_VALUES:
        return SIMPLE_VALUES[annotation]
    if issubclass(annotation, StrEnum):
        return st.sampled_from(list(annotation))
    if issubclass(annotation, BaseModel):
        return model_instances(annotation)
    if annotation is int:
        positive = any(isinstance(constraint, Gt) for constraint in constraints)
        return st.integers(min_value=1 if positive else 0, max_value=2**53)
    patterns = [getattr(constraint, "pattern", None) for constraint in constraints]
    pattern = next(pattern for pattern in patterns if pattern)
    return st.from_regex(pattern, fullmatch=True, alphabet=st.characters(codec="ascii", min_codepoint=33))


def model_instances(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    if model is OriginalEvent:
        return original_events()
    fields = {
        name: value_of(field.annotation, list(field.metadata)) for name, field in model.model_fields.items()
    }
    return st.builds(model, **fields)


@st.composite
def original_events(draw: st.DrawFn) -> OriginalEvent:
    model = draw(st.sampled_from(ORIGINAL_MODELS))
    data = draw(model_instances(model))
    return OriginalEvent(
        type=event_type_for(model),
        source=draw(sources),
        id=draw(st.uuids()),
        time=draw(aware_datetimes),
        dataschema=dataschema_for(model),
        data=data.model_dump(mode="json"),
    )


sources = st.from_regex(r"/(organisations|services)/[a-z0-9-]{1,40}", fullmatch=True)
regions = st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,2}", fullmatch=True)
traceparents = st.none() | st.from_regex(r"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]", fullmatch=True)


@st.composite
def events(draw: st.DrawFn) -> CloudEvent:
    model = draw(st.sampled_from(MODELS))
    return CloudEvent.build(
        draw(model_instances(model)),
        source=draw(sources),
        subject=draw(st.uuids()),
        region=draw(regions),
        id=draw(st.uuids()),
        time=draw(aware_datetimes),
        traceparent=draw(traceparents),
    )


@settings(max_examples=300)
@given(events())
def test_any_event_reads_back_equal_from_kafka(event: CloudEvent) -> None:
    record = to_kafka_record(event)
    assert from_kafka_record(record.key, record.value, record.headers) == event


@settings(max_examples=300)
@given(events())
def test_any_event_reads_back_equal_from_a_structured_body(event: CloudEvent) -> None:
    assert from_structured_json(to_structured_json(event)) == event


@given(st.lists(events(), max_size=5))
def test_any_batch_reads_back_equal(batch: list[CloudEvent]) -> None:
    assert parse_batch_json(to_batch_json(batch)) == batch


@given(original_events())
def test_the_original_event_of_a_timeline_entry_reads_back_as_its_model(original: OriginalEvent) -> None:
    data: EventData = parse_data(original.type, original.data)
    assert data.model_dump(mode="json") == original.data
