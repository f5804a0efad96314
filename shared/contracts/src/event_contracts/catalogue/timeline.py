"""Timeline events: the canonical timeline and what the pathway service derives from it.

Emitted by the pathway service (source ``/services/pathway``) on ``{region}.pathway.timeline.v1``.
"""

from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, JsonValue, PositiveInt

from event_contracts.catalogue.base import DataschemaUri, EventData, EventReference, EventSource, EventType
from event_contracts.catalogue.codes import AlertKind, EntryVisibility, OrganisationKind, PathwayStage


def _distinct_and_sorted(kinds: tuple[OrganisationKind, ...]) -> tuple[OrganisationKind, ...]:
    return tuple(sorted(set(kinds)))


Audience = Annotated[tuple[OrganisationKind, ...], AfterValidator(_distinct_and_sorted)]


class OriginalEvent(BaseModel):
    """The event a timeline entry records, as the pathway service accepted it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: EventType = Field(description="CloudEvents type of the original event.")
    source: EventSource = Field(description="CloudEvents source of the original event.")
    id: UUID = Field(description="CloudEvents id of the original event.")
    time: AwareDatetime = Field(
        description="When the original event occurred; the timeline is in this order."
    )
    dataschema: DataschemaUri = Field(description="Schema the original data was validated against.")
    data: dict[str, JsonValue] = Field(
        description=(
            "Data of the original event, valid against its dataschema; "
            "decode it with event_contracts.catalogue.parse_data(type, data)."
        )
    )

    @property
    def reference(self) -> EventReference:
        return EventReference(source=self.source, id=self.id)


class TimelineEntryAppended(EventData):
    """Emitted by the pathway service when it appends an accepted event to a person's canonical timeline."""

    event_name: ClassVar[str] = "timeline.entry_appended"

    seq: PositiveInt = Field(description="Gapless per-person sequence number, in order of arrival.")
    original_event: OriginalEvent = Field(description="The event recorded by this entry.")
    visibility: EntryVisibility = Field(description="How much of the entry its audience may see.")
    audience: Audience = Field(
        description="Kinds of care-team organisations that may see the entry (distinct, sorted)."
    )
    arrived_late: bool = Field(
        default=False,
        description="True when it occurred before entries that arrived earlier and was put in its place.",
    )


class PathwayStageChanged(EventData):
    """Emitted by the pathway service when a person's pathway stage changes."""

    event_name: ClassVar[str] = "pathway.stage_changed"

    previous_stage: PathwayStage | None = Field(
        default=None, description="Stage before the change; absent for the first stage."
    )
    stage: PathwayStage = Field(description="Stage after the change.")
    triggered_by: EventReference = Field(description="Event whose arrival or retraction changed the stage.")
    recomputed: bool = Field(
        default=False, description="True when a late event or a retraction rewrote the pathway's history."
    )


class PathwayAlertRaised(EventData):
    """Emitted by the pathway service when a situation needs the care team's attention."""

    event_name: ClassVar[str] = "pathway.alert_raised"

    alert_id: UUID = Field(description="Alert, so that deliveries and acknowledgements can refer to it.")
    kind: AlertKind = Field(description="Situation detected.")
    referral_id: UUID | None = Field(default=None, description="Referral concerned, if any.")
    barrier_id: UUID | None = Field(default=None, description="Barrier concerned, if any.")
    triggered_by: EventReference | None = Field(
        default=None, description="Event that revealed the situation; absent when only time passing did."
    )


class PathwayAlertWithdrawn(EventData):
    """Emitted by the pathway service when a retraction takes back the situation an alert warned of."""

    event_name: ClassVar[str] = "pathway.alert_withdrawn"

    alert_id: UUID = Field(description="The alert raised before, as `pathway.alert_raised` named it.")
    kind: AlertKind = Field(description="Situation the alert warned of.")
    referral_id: UUID | None = Field(default=None, description="Referral concerned, if any.")
    barrier_id: UUID | None = Field(default=None, description="Barrier concerned, if any.")
    withdrawn_because: EventReference = Field(
        description="The `event.retracted` that took the situation back."
    )


TIMELINE_EVENT_MODELS: tuple[type[EventData], ...] = (
    TimelineEntryAppended,
    PathwayStageChanged,
    PathwayAlertRaised,
    PathwayAlertWithdrawn,
)
