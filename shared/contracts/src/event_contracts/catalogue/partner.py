"""Partner events: barriers, assessments, training, qualifications, employment, follow-up, retractions.

Emitted by partner organisations (source ``/organisations/{organisation_id}``) over HTTP or their own
Kafka producer, on ``{region}.partner.events.v1``.
"""

from datetime import date
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field, StringConstraints

from event_contracts.catalogue.base import EventData, EventReference
from event_contracts.catalogue.codes import (
    AssessmentStage,
    BarrierCategory,
    BarrierSeverity,
    BasicSkillsProfile,
    ContractDurationClass,
    ContractType,
    DropOutReason,
    EmploymentEndReason,
    FollowupCheckpoint,
    OutcomeFamily,
    QualificationKind,
    RetractionReason,
    TrainingKind,
    WorkingTime,
)

ServiceDirectoryId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
RncpCode = Annotated[str, StringConstraints(pattern=r"^RNCP[0-9]{1,6}$")]

_BARRIER_ID = "Barrier, identified by the organisation that recorded it first."
_BARRIER_CATEGORY = "Category of the barrier (sensitive categories are shown as category and status only)."
_TRAINING_ID = "Training course the person follows at the training provider."
_EMPLOYMENT_ID = "Employment, identified by the organisation that recorded its start."
_REFERRAL_ID = "Workshop referral this relates to, when known."


class BarrierIdentified(EventData):
    """Emitted by a care-team organisation when it identifies a barrier to entering or staying."""

    event_name: ClassVar[str] = "barrier.identified"

    barrier_id: UUID = Field(description=_BARRIER_ID)
    category: BarrierCategory = Field(description=_BARRIER_CATEGORY)
    severity: BarrierSeverity = Field(description="Whether the barrier blocks or only hinders.")
    responsible_organisation_id: UUID | None = Field(
        default=None, description="Organisation that takes charge of lifting it, once known."
    )


class BarrierActionStarted(EventData):
    """Emitted by the organisation lifting a barrier when it starts acting on it."""

    event_name: ClassVar[str] = "barrier.action_started"

    barrier_id: UUID = Field(description=_BARRIER_ID)
    category: BarrierCategory = Field(description=_BARRIER_CATEGORY)
    responsible_organisation_id: UUID = Field(description="Organisation acting to lift the barrier.")
    referred_service_id: ServiceDirectoryId | None = Field(
        default=None,
        description="Service of the national inclusion service directory the person was referred to.",
    )


class BarrierLifted(EventData):
    """Emitted by the organisation lifting a barrier when the barrier no longer stands in the way."""

    event_name: ClassVar[str] = "barrier.lifted"

    barrier_id: UUID = Field(description=_BARRIER_ID)
    category: BarrierCategory = Field(description=_BARRIER_CATEGORY)


class BarrierPersisting(EventData):
    """Emitted by the organisation lifting a barrier when the action ended without lifting it."""

    event_name: ClassVar[str] = "barrier.persisting"

    barrier_id: UUID = Field(description=_BARRIER_ID)
    category: BarrierCategory = Field(description=_BARRIER_CATEGORY)
    severity: BarrierSeverity = Field(description="Severity as reassessed.")


class AssessmentRecorded(EventData):
    """Emitted by the workshop operator when it records a basic-skills assessment (restricted audience)."""

    event_name: ClassVar[str] = "assessment.recorded"

    assessment_id: UUID = Field(description="Assessment, identified by the organisation that made it.")
    stage: AssessmentStage = Field(description="When in the pathway the assessment took place.")
    profile: BasicSkillsProfile = Field(description="ANLCI basic-skills profile found.")
    referral_id: UUID | None = Field(default=None, description=_REFERRAL_ID)


class TrainingEntered(EventData):
    """Emitted by a training provider (or the referent) when the person enters a training course."""

    event_name: ClassVar[str] = "training.entered"

    training_id: UUID = Field(description=_TRAINING_ID)
    training_provider_id: UUID = Field(description="Training provider organisation.")
    kind: TrainingKind = Field(description="Kind of training.")
    planned_end_on: date | None = Field(default=None, description="Planned last day of the training.")


class TrainingCompleted(EventData):
    """Emitted by a training provider when the person finishes a training course."""

    event_name: ClassVar[str] = "training.completed"

    training_id: UUID = Field(description=_TRAINING_ID)
    kind: TrainingKind = Field(description="Kind of training.")


class TrainingAbandoned(EventData):
    """Emitted by a training provider when the person leaves a training course before its end."""

    event_name: ClassVar[str] = "training.abandoned"

    training_id: UUID = Field(description=_TRAINING_ID)
    kind: TrainingKind = Field(description="Kind of training.")
    reason_code: DropOutReason = Field(description="Why the person left.")


class QualificationObtained(EventData):
    """Emitted by a training provider or certifying body when the person obtains a certificate."""

    event_name: ClassVar[str] = "qualification.obtained"

    kind: QualificationKind = Field(description="Kind of certificate or qualification.")
    rncp_code: RncpCode | None = Field(
        default=None, description="Code of the certification in the national register (RNCP), if any."
    )
    training_id: UUID | None = Field(default=None, description="Training that led to it, if any.")


class EmploymentStarted(EventData):
    """Emitted by a care-team organisation (or the employer) when the person starts a job."""

    event_name: ClassVar[str] = "employment.started"

    employment_id: UUID = Field(description=_EMPLOYMENT_ID)
    contract_type: ContractType = Field(description="Type of contract.")
    duration_class: ContractDurationClass = Field(description="Planned length class of the contract.")
    working_time: WorkingTime | None = Field(default=None, description="Full or part time, if known.")
    employer_organisation_id: UUID | None = Field(
        default=None, description="Employer, when it is a partner organisation."
    )


class EmploymentEnded(EventData):
    """Emitted by a care-team organisation (or the employer) when the person's job ends."""

    event_name: ClassVar[str] = "employment.ended"

    employment_id: UUID = Field(description=_EMPLOYMENT_ID)
    reason_code: EmploymentEndReason = Field(description="Why the employment ended.")


class FollowupCheckpointRecorded(EventData):
    """Emitted by the referent's organisation when it records the 3, 6 or 12-month follow-up."""

    event_name: ClassVar[str] = "followup.checkpoint_recorded"

    checkpoint: FollowupCheckpoint = Field(description="Which checkpoint after the workshop.")
    situation: OutcomeFamily | None = Field(
        default=None,
        description="Situation of the person at the checkpoint; absent when they could not be reached.",
    )
    referral_id: UUID | None = Field(default=None, description=_REFERRAL_ID)


class EventRetracted(EventData):
    """Emitted by the emitter of an event when that event was wrong and must be undone everywhere."""

    event_name: ClassVar[str] = "event.retracted"

    retracted_event: EventReference = Field(description="The event withdrawn (its source and id).")
    reason_code: RetractionReason = Field(description="Why the event is retracted.")


PARTNER_EVENT_MODELS: tuple[type[EventData], ...] = (
    BarrierIdentified,
    BarrierActionStarted,
    BarrierLifted,
    BarrierPersisting,
    AssessmentRecorded,
    TrainingEntered,
    TrainingCompleted,
    TrainingAbandoned,
    QualificationObtained,
    EmploymentStarted,
    EmploymentEnded,
    FollowupCheckpointRecorded,
    EventRetracted,
)
