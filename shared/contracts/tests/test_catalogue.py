"""The v1 catalogue: complete, documented, coded, and free of personal data by construction."""

import re
import types
import typing
from collections.abc import Iterator
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from event_contracts.catalogue import (
    EVENT_MODELS,
    EVENT_TYPE_PREFIX,
    EventData,
    ReferralRejected,
    dataschema_for,
    model_for,
    parse_data,
)
from event_contracts.catalogue.codes import RejectionReason
from event_contracts.envelope import CloudEvent
from event_contracts.errors import SchemaInvalidEvent
from event_contracts.examples import EXAMPLE_DATA, example_data

CATALOGUE_V1 = {
    "referral.sent", "referral.under_review", "referral.accepted", "referral.rejected", "referral.expired",
    "referral.withdrawn", "referral.waitlisted", "referral.scheduled", "referral.started", "referral.paused",
    "referral.resumed", "referral.completed", "referral.dropped_out", "referral.cancelled",
    "workshop.attendance_recorded", "care_team.member_added", "care_team.member_removed",
    "barrier.identified", "barrier.action_started", "barrier.lifted", "barrier.persisting",
    "assessment.recorded", "training.entered", "training.completed", "training.abandoned",
    "qualification.obtained", "employment.started", "employment.ended", "followup.checkpoint_recorded",
    "event.retracted",
    "timeline.entry_appended", "pathway.stage_changed", "pathway.alert_raised", "pathway.alert_withdrawn",
}  # fmt: skip

DIRECT_IDENTIFIER_HINTS = (
    "name", "first_name", "last_name", "birth", "phone", "email", "mail", "address", "street", "postal",
    "nir", "social_security",
)  # fmt: skip
FREE_TEXT_HINTS = ("message", "comment", "note", "free_text", "description")

MODELS = sorted(EVENT_MODELS.values(), key=lambda model: model.event_name)


def models_reachable_from(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield model
    for field in model.model_fields.values():
        for nested in _model_classes_in(field.annotation):
            yield from models_reachable_from(nested)


def _model_classes_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _model_classes_in(argument)


def test_the_registry_holds_exactly_the_catalogue_v1_under_the_platform_prefix() -> None:
    assert set(EVENT_MODELS) == {EVENT_TYPE_PREFIX + name for name in CATALOGUE_V1}
    assert all(
        event_type == EVENT_TYPE_PREFIX + model.event_name for event_type, model in EVENT_MODELS.items()
    )


def test_the_registry_cannot_be_changed_by_a_consumer() -> None:
    with pytest.raises(TypeError):
        EVENT_MODELS["fr.premiere-marche.referral.forged"] = ReferralRejected  # type: ignore[index]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.event_name)
def test_every_model_says_in_one_line_who_emits_it_and_when(model: type[EventData]) -> None:
    docstring = model.__doc__ or ""
    assert docstring.startswith("Emitted by ")
    assert " when " in docstring
    assert "\n" not in docstring.strip()


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.event_name)
def test_every_field_is_described(model: type[EventData]) -> None:
    for reachable in models_reachable_from(model):
        undescribed = [name for name, field in reachable.model_fields.items() if not field.description]
        assert not undescribed, f"{reachable.__name__} has fields without a description: {undescribed}"


def fields_suggesting_personal_data_or_free_text(model: type[BaseModel]) -> list[str]:
    return [
        f"{reachable.__name__}.{field_name}"
        for reachable in models_reachable_from(model)
        for field_name in reachable.model_fields
        if any(hint in field_name for hint in (*DIRECT_IDENTIFIER_HINTS, *FREE_TEXT_HINTS))
    ]


def fields_accepting_unconstrained_text(model: type[BaseModel]) -> list[str]:
    found = []
    for reachable in models_reachable_from(model):
        properties = reachable.model_json_schema()["properties"]
        for name, field in reachable.model_fields.items():
            schema = properties[name]
            patterns = [schema.get("pattern")] + [option.get("pattern") for option in schema.get("anyOf", [])]
            if _accepts_text(field.annotation) and not any(patterns):
                found.append(f"{reachable.__name__}.{name}")
    return found


class _CarelessPayload(EventData):
    """Emitted by nobody when a test needs a model that breaks the privacy rules."""

    event_name = "careless.payload"

    last_name: str
    comment_to_prescriber: str | None = None
    contact: "_CarelessContact"


class _CarelessContact(BaseModel):
    phone_number: str


_CarelessPayload.model_rebuild()


def test_the_privacy_guards_catch_a_careless_model() -> None:
    assert fields_suggesting_personal_data_or_free_text(_CarelessPayload) == [
        "_CarelessPayload.last_name",
        "_CarelessPayload.comment_to_prescriber",
        "_CarelessContact.phone_number",
    ]
    assert fields_accepting_unconstrained_text(_CarelessPayload) == [
        "_CarelessPayload.last_name",
        "_CarelessPayload.comment_to_prescriber",
        "_CarelessContact.phone_number",
    ]


@pytest.mark.parametrize("model", [*MODELS, CloudEvent], ids=lambda model: model.__name__)
def test_no_field_name_suggests_a_direct_identifier_or_free_text(model: type[BaseModel]) -> None:
    assert fields_suggesting_personal_data_or_free_text(model) == []


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.event_name)
def test_no_field_accepts_unconstrained_text(model: type[EventData]) -> None:
    assert fields_accepting_unconstrained_text(model) == [], "give these fields a pattern or a coded type"


def _accepts_text(annotation: object) -> bool:
    if annotation is str:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (
        typing.Union,
        typing.Annotated,
    ):
        return any(_accepts_text(argument) for argument in typing.get_args(annotation))
    return False


def test_payloads_are_immutable() -> None:
    rejected = example_data(ReferralRejected)
    with pytest.raises(ValidationError):
        rejected.reason_code = RejectionReason.OTHER  # type: ignore[misc]


def test_a_field_added_by_a_newer_minor_version_is_ignored() -> None:
    known = example_data(ReferralRejected).model_dump(mode="json")
    read = parse_data(EVENT_TYPE_PREFIX + "referral.rejected", {**known, "added_in_v1_3": "whatever"})
    assert read == example_data(ReferralRejected)


def test_an_unknown_type_is_refused_as_schema_invalid() -> None:
    with pytest.raises(SchemaInvalidEvent) as refusal:
        model_for("fr.premiere-marche.referral.teleported")
    assert refusal.value.reason == "unknown_type"


def test_data_that_does_not_fit_is_refused_without_echoing_it() -> None:
    sent_by_mistake = "jeanne.martin@example.org"
    with pytest.raises(SchemaInvalidEvent) as refusal:
        parse_data(
            EVENT_TYPE_PREFIX + "referral.rejected",
            {"referral_id": sent_by_mistake, "operator_organisation_id": str(uuid4()), "reason_code": "rude"},
        )
    assert refusal.value.reason == "schema_invalid"
    assert "data.referral_id" in refusal.value.detail
    assert "data.reason_code" in refusal.value.detail
    assert sent_by_mistake not in str(refusal.value)
    assert "rude" not in str(refusal.value)


def test_dataschemas_are_versioned_uris_named_after_the_event() -> None:
    assert (
        dataschema_for(ReferralRejected)
        == "https://schemas.premiere-marche.fr/events/v1/referral.rejected.json"
    )
    assert all(
        re.fullmatch(
            r"https://schemas\.premiere-marche\.fr/events/v1/[a-z_]+\.[a-z_]+\.json", dataschema_for(m)
        )
        for m in MODELS
    )


def test_every_model_has_an_example() -> None:
    assert set(EXAMPLE_DATA) == set(EVENT_MODELS.values())
