"""The CloudEvents envelope: built from a payload, validated as a whole, keyed for idempotency."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from event_contracts.catalogue import ReferralRejected, ReferralSent, dataschema_for
from event_contracts.envelope import CloudEvent
from event_contracts.examples import EXAMPLE_PERSON_ID, example_data, example_event
from event_contracts.json_format import to_json_object

REJECTED = example_data(ReferralRejected)


def build(**overrides: object) -> CloudEvent:
    arguments: dict[str, object] = {
        "source": "/services/referral",
        "subject": EXAMPLE_PERSON_ID,
        "region": "grand-est",
    }
    return CloudEvent.build(REJECTED, **{**arguments, **overrides})  # type: ignore[arg-type]


def test_build_takes_type_and_dataschema_from_the_payload_model() -> None:
    event = build()
    assert event.type == "fr.premiere-marche.referral.rejected"
    assert event.dataschema == dataschema_for(ReferralRejected)
    assert event.specversion == "1.0"
    assert event.datacontenttype == "application/json"
    assert event.data is REJECTED


def test_build_gives_a_fresh_id_and_the_current_time_unless_told() -> None:
    before = datetime.now(UTC)
    first, second = build(), build()
    assert first.id != second.id
    assert first.time >= before
    assert first.time.tzinfo is not None
    chosen_id, chosen_time = uuid4(), datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    assert (build(id=chosen_id, time=chosen_time).id, build(time=chosen_time).time) == (
        chosen_id,
        chosen_time,
    )


def test_the_idempotency_key_is_source_and_id() -> None:
    event = build()
    assert event.idempotency_key == ("/services/referral", str(event.id))


def test_the_subject_is_the_person_id_in_one_spelling() -> None:
    event = build(subject=str(EXAMPLE_PERSON_ID).upper())
    assert event.subject == str(EXAMPLE_PERSON_ID)
    assert event.person_id == EXAMPLE_PERSON_ID


def test_the_subject_cannot_carry_anything_but_a_person_id() -> None:
    with pytest.raises(ValidationError):
        build(subject="Jeanne Martin")


def test_time_must_say_its_time_zone() -> None:
    with pytest.raises(ValidationError):
        build(time=datetime(2025, 1, 2, 3, 4))


@pytest.mark.parametrize("region", ["Grand-Est", "grand_est", "-grand-est", "grand--est", ""])
def test_the_region_must_be_a_slug(region: str) -> None:
    with pytest.raises(ValidationError):
        build(region=region)


def test_a_malformed_traceparent_is_dropped_rather_than_refusing_the_event() -> None:
    valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert build(traceparent=valid).traceparent == valid
    assert build(traceparent="not a trace").traceparent is None


def test_the_type_must_match_the_payload_model() -> None:
    fields = to_json_object(build())
    with pytest.raises(ValidationError) as refusal:
        CloudEvent.model_validate({**fields, "data": example_data(ReferralSent)})
    assert refusal.value.errors()[0]["type"] == "event_type_mismatch"


def test_the_dataschema_must_be_the_one_of_the_type() -> None:
    fields = to_json_object(build())
    with pytest.raises(ValidationError) as refusal:
        CloudEvent.model_validate({**fields, "dataschema": dataschema_for(ReferralSent)})
    assert refusal.value.errors()[0]["type"] == "unsupported_dataschema"


def test_a_missing_dataschema_is_implied_by_the_type() -> None:
    fields = to_json_object(build())
    del fields["dataschema"]
    assert CloudEvent.model_validate(fields).dataschema == dataschema_for(ReferralRejected)


def test_validating_a_mapping_gives_the_typed_payload() -> None:
    event = example_event(ReferralRejected)
    read = CloudEvent.model_validate(to_json_object(event))
    assert isinstance(read.data, ReferralRejected)
    assert read == event


def test_unknown_extensions_are_ignored() -> None:
    event = example_event(ReferralRejected)
    assert (
        CloudEvent.model_validate({**to_json_object(event), "partitionkey": "x", "comexampleext": 1}) == event
    )


def test_events_are_immutable() -> None:
    event = build()
    with pytest.raises(ValidationError):
        event.subject = str(UUID(int=1))  # type: ignore[misc]
