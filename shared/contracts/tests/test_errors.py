"""Refusals carry a machine reason and a human detail that never repeats what was sent."""

import pickle
from uuid import UUID

import pytest
from pydantic import BaseModel, Field, ValidationError

from event_contracts.errors import (
    InvalidEvent,
    InvalidEventReason,
    SchemaInvalidEvent,
    UndecodableEvent,
    describe_errors,
)

SECRET = "Jeanne Martin 1 rue des Lilas"


class _Shape(BaseModel):
    person: UUID
    age_band: int = Field(ge=0, le=9)
    kind: str = Field(pattern=r"^[a-z]+$")


def errors_for(document: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as failure:
        _Shape.model_validate(document)
    return failure.value


def test_the_detail_says_where_and_what_was_expected_but_not_what_was_received() -> None:
    failure = errors_for({"person": SECRET, "age_band": 42, "kind": SECRET})
    assert SECRET in str(failure)  # the reason this module exists

    detail = describe_errors(failure.errors(), location_prefix=("data",))

    assert SECRET not in detail
    assert "42" not in detail
    assert detail == (
        "data.person: uuid_parsing; data.age_band: less_than_equal (le 9); "
        "data.kind: string_pattern_mismatch (pattern ^[a-z]+$)"
    )


def test_refusals_are_invalid_events_with_a_reason_and_a_detail() -> None:
    refusal = SchemaInvalidEvent(InvalidEventReason.UNKNOWN_TYPE, "the event type is not in the catalogue v1")
    assert isinstance(refusal, InvalidEvent)
    assert refusal.reason == "unknown_type"
    assert str(refusal) == "unknown_type: the event type is not in the catalogue v1"
    assert issubclass(UndecodableEvent, InvalidEvent)
    assert not issubclass(UndecodableEvent, SchemaInvalidEvent)


def test_a_refusal_survives_pickling_for_process_pools() -> None:
    refusal = UndecodableEvent("undecodable", "the body is not JSON")
    copy = pickle.loads(pickle.dumps(refusal))
    assert (type(copy), copy.reason, copy.detail) == (UndecodableEvent, "undecodable", "the body is not JSON")
