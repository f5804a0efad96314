"""What a partner is answered after sending events: one result per event, in the order sent."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from event_contracts.envelope import CloudEvent
from event_contracts.errors import InvalidEvent
from pathway.domain.ingestion import Outcome, Verdict


class EventResult(BaseModel):
    index: int = Field(description="Position of the event in the request (0 in structured mode).")
    status: Literal["accepted", "duplicate", "rejected"] = Field(
        description="accepted: on the partner topic; duplicate: this (source, id) is already on a "
        "timeline or earlier in the request; rejected: see `reason`."
    )
    id: UUID | None = Field(default=None, description="The event's id, when it could be read.")
    source: str | None = Field(default=None, description="The event's source, when it could be read.")
    reason: str | None = Field(
        default=None,
        description="Why it was rejected, as a code: undecodable, missing_attribute, invalid_attribute, "
        "unknown_type, unsupported_dataschema, schema_invalid, region_mismatch, "
        "source_not_an_organisation, source_of_another_organisation, unknown_sender, type_not_allowed, "
        "not_in_care_team, retracted_event_unknown, retracted_event_of_another_source, "
        "retracted_event_already_retracted, retraction_cannot_be_retracted.",
    )
    detail: str | None = Field(default=None, description="For people; never quotes what was sent.")

    @classmethod
    def of(cls, index: int, event: CloudEvent, verdict: Verdict) -> "EventResult":
        return cls(
            index=index,
            status=verdict.outcome.value,
            id=event.id,
            source=event.source,
            reason=verdict.reason,
            detail=verdict.detail,
        )

    @classmethod
    def undecodable(cls, index: int, refusal: InvalidEvent) -> "EventResult":
        return cls(index=index, status=Outcome.REJECTED.value, reason=refusal.reason, detail=refusal.detail)


class IngestionAnswer(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    results: list[EventResult]

    @classmethod
    def of(cls, results: list[EventResult]) -> "IngestionAnswer":
        statuses = [result.status for result in results]
        return cls(
            accepted=statuses.count("accepted"),
            duplicates=statuses.count("duplicate"),
            rejected=statuses.count("rejected"),
            results=results,
        )
