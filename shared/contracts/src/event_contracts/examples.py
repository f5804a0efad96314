"""One valid example of every catalogue event, for documentation (AsyncAPI) and for tests.

Ids are fixed so that examples are stable from one run to the next.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Final, TypeVar, cast
from uuid import UUID

from event_contracts.catalogue import codes
from event_contracts.catalogue import partner as p
from event_contracts.catalogue import referral as r
from event_contracts.catalogue import timeline as t
from event_contracts.catalogue.base import EventData, EventReference
from event_contracts.catalogue.registry import dataschema_for, event_type_for
from event_contracts.envelope import CloudEvent

DataT = TypeVar("DataT", bound=EventData)

EXAMPLE_PERSON_ID: Final = UUID("7d1f2c3a-5b4e-4f6a-9c8d-0e1f2a3b4c5d")
EXAMPLE_REGION: Final = "grand-est"
EXAMPLE_TIME: Final = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
EXAMPLE_TRACEPARENT: Final = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

PRESCRIBER_ID: Final = UUID("0a8f3e2d-1c4b-4a59-8e7f-6d5c4b3a2f10")
OPERATOR_ID: Final = UUID("1b9e4f3c-2d5a-4b6c-9f80-7e6d5c4b3a21")
SUPPORT_PARTNER_ID: Final = UUID("2cae5a4d-3e6b-4c7d-8a91-8f7e6d5c4b32")
TRAINING_PROVIDER_ID: Final = UUID("3dbf6b5e-4f7c-4d8e-9ba2-9a8f7e6d5c43")
EMPLOYER_ID: Final = UUID("4ec07c6f-5a8d-4e9f-8cb3-ab9a8f7e6d54")
REFERRAL_ID: Final = UUID("5fd18d7a-6b9e-4fa0-9dc4-bcab9a8f7e65")
WORKSHOP_ID: Final = UUID("60e29e8b-7caf-40b1-8ed5-cdbcab9a8f76")
SESSION_ID: Final = UUID("71f3af9c-8db0-41c2-9fe6-dedcbcab9a87")
BARRIER_ID: Final = UUID("8204b0ad-9ec1-42d3-a0f7-efedcdbcab98")
TRAINING_ID: Final = UUID("9315c1be-afd2-43e4-b108-f0fedfedcba9")
EMPLOYMENT_ID: Final = UUID("a426d2cf-b0e3-44f5-8219-0102e0fedcba")
ASSESSMENT_ID: Final = UUID("b537e3d0-c1f4-4506-932a-1213f10fedcb")
ALERT_ID: Final = UUID("c648f4e1-d205-4617-a43b-2324021fedcc")
EVENT_ID: Final = UUID("d7590502-e316-4728-b54c-343503210edd")

REFERRAL_SERVICE: Final = "/services/referral"
PATHWAY_SERVICE: Final = "/services/pathway"
RETRACTED_EVENT: Final = EventReference(source=f"/organisations/{SUPPORT_PARTNER_ID}", id=EVENT_ID)

_EXAMPLE_BARRIER = p.BarrierIdentified(
    barrier_id=BARRIER_ID,
    category=codes.BarrierCategory.MOBILITY,
    severity=codes.BarrierSeverity.BLOCKING,
    responsible_organisation_id=SUPPORT_PARTNER_ID,
)

_EXAMPLES: tuple[EventData, ...] = (
    r.ReferralSent(
        referral_id=REFERRAL_ID,
        prescriber_organisation_id=PRESCRIBER_ID,
        operator_organisation_id=OPERATOR_ID,
        workshop_id=WORKSHOP_ID,
        reminder_due_on=date(2025, 3, 13),
        expires_on=date(2025, 4, 2),
    ),
    r.ReferralUnderReview(referral_id=REFERRAL_ID, operator_organisation_id=OPERATOR_ID),
    r.ReferralAccepted(
        referral_id=REFERRAL_ID, operator_organisation_id=OPERATOR_ID, workshop_id=WORKSHOP_ID
    ),
    r.ReferralRejected(
        referral_id=REFERRAL_ID,
        operator_organisation_id=OPERATOR_ID,
        reason_code=codes.RejectionReason.NOT_IN_TARGET_PUBLIC,
    ),
    r.ReferralExpired(referral_id=REFERRAL_ID, unanswered_days=30),
    r.ReferralWithdrawn(referral_id=REFERRAL_ID, prescriber_organisation_id=PRESCRIBER_ID),
    r.ReferralWaitlisted(
        referral_id=REFERRAL_ID, workshop_id=WORKSHOP_ID, reason_code=codes.WaitlistReason.SESSION_FULL
    ),
    r.ReferralScheduled(
        referral_id=REFERRAL_ID,
        workshop_id=WORKSHOP_ID,
        session_id=SESSION_ID,
        session_starts_on=date(2025, 4, 7),
    ),
    r.ReferralStarted(referral_id=REFERRAL_ID, workshop_id=WORKSHOP_ID, session_id=SESSION_ID),
    r.ReferralPaused(
        referral_id=REFERRAL_ID,
        barrier_category=codes.BarrierCategory.CHILDCARE_FAMILY,
        barrier_id=BARRIER_ID,
    ),
    r.ReferralResumed(referral_id=REFERRAL_ID, session_id=SESSION_ID),
    r.ReferralCompleted(
        referral_id=REFERRAL_ID,
        workshop_id=WORKSHOP_ID,
        session_id=SESSION_ID,
        outcome=codes.OutcomeFamily.POSITIVE_EXIT,
    ),
    r.ReferralDroppedOut(referral_id=REFERRAL_ID, reason_code=codes.DropOutReason.MOBILITY),
    r.ReferralCancelled(
        referral_id=REFERRAL_ID,
        cancelled_by=codes.ReferralParty.PRESCRIBER,
        cancelling_organisation_id=PRESCRIBER_ID,
    ),
    r.WorkshopAttendanceRecorded(
        referral_id=REFERRAL_ID,
        workshop_id=WORKSHOP_ID,
        session_id=SESSION_ID,
        sitting_on=date(2025, 4, 10),
        attendance=codes.AttendanceStatus.EXCUSED,
    ),
    r.CareTeamMemberAdded(
        organisation_id=OPERATOR_ID,
        organisation_kind=codes.OrganisationKind.OPERATOR,
        reason_code=codes.CareTeamJoinReason.ACCEPTED_THE_REFERRAL,
        member_since=date(2025, 3, 5),
        referral_id=REFERRAL_ID,
    ),
    r.CareTeamMemberRemoved(
        organisation_id=SUPPORT_PARTNER_ID,
        reason_code=codes.CareTeamLeaveReason.PATHWAY_ENDED,
        member_until=date(2025, 12, 31),
    ),
    _EXAMPLE_BARRIER,
    p.BarrierActionStarted(
        barrier_id=BARRIER_ID,
        category=codes.BarrierCategory.MOBILITY,
        responsible_organisation_id=SUPPORT_PARTNER_ID,
        referred_service_id="mobilite-grand-est--solidarite-permis",
    ),
    p.BarrierLifted(barrier_id=BARRIER_ID, category=codes.BarrierCategory.MOBILITY),
    p.BarrierPersisting(
        barrier_id=BARRIER_ID,
        category=codes.BarrierCategory.MOBILITY,
        severity=codes.BarrierSeverity.HINDERING,
    ),
    p.AssessmentRecorded(
        assessment_id=ASSESSMENT_ID,
        stage=codes.AssessmentStage.INITIAL,
        profile=codes.BasicSkillsProfile.PROFILE_2,
        referral_id=REFERRAL_ID,
    ),
    p.TrainingEntered(
        training_id=TRAINING_ID,
        training_provider_id=TRAINING_PROVIDER_ID,
        kind=codes.TrainingKind.CLEA,
        planned_end_on=date(2025, 11, 28),
    ),
    p.TrainingCompleted(training_id=TRAINING_ID, kind=codes.TrainingKind.CLEA),
    p.TrainingAbandoned(
        training_id=TRAINING_ID, kind=codes.TrainingKind.QUALIFYING, reason_code=codes.DropOutReason.HEALTH
    ),
    p.QualificationObtained(
        kind=codes.QualificationKind.RNCP_CERTIFICATION, rncp_code="RNCP5080", training_id=TRAINING_ID
    ),
    p.EmploymentStarted(
        employment_id=EMPLOYMENT_ID,
        contract_type=codes.ContractType.FIXED_TERM,
        duration_class=codes.ContractDurationClass.SIX_MONTHS_OR_MORE,
        working_time=codes.WorkingTime.PART_TIME,
        employer_organisation_id=EMPLOYER_ID,
    ),
    p.EmploymentEnded(
        employment_id=EMPLOYMENT_ID, reason_code=codes.EmploymentEndReason.CONTRACT_TERM_REACHED
    ),
    p.FollowupCheckpointRecorded(
        checkpoint=codes.FollowupCheckpoint.MONTH_6,
        situation=codes.OutcomeFamily.SUSTAINABLE_EMPLOYMENT,
        referral_id=REFERRAL_ID,
    ),
    p.EventRetracted(retracted_event=RETRACTED_EVENT, reason_code=codes.RetractionReason.ENTERED_IN_ERROR),
    t.TimelineEntryAppended(
        seq=7,
        original_event=t.OriginalEvent(
            type=event_type_for(p.BarrierIdentified),
            source=f"/organisations/{SUPPORT_PARTNER_ID}",
            id=EVENT_ID,
            time=EXAMPLE_TIME,
            dataschema=dataschema_for(p.BarrierIdentified),
            data=_EXAMPLE_BARRIER.model_dump(mode="json"),
        ),
        visibility=codes.EntryVisibility.FULL,
        audience=(codes.OrganisationKind.OPERATOR, codes.OrganisationKind.PRESCRIBER),
        arrived_late=True,
    ),
    t.PathwayStageChanged(
        previous_stage=codes.PathwayStage.IN_WORKSHOP,
        stage=codes.PathwayStage.BARRIERS_WORK,
        triggered_by=RETRACTED_EVENT,
        recomputed=True,
    ),
    t.PathwayAlertRaised(
        alert_id=ALERT_ID,
        kind=codes.AlertKind.BLOCKING_BARRIER,
        referral_id=REFERRAL_ID,
        barrier_id=BARRIER_ID,
        triggered_by=RETRACTED_EVENT,
    ),
    t.PathwayAlertWithdrawn(
        alert_id=ALERT_ID,
        kind=codes.AlertKind.BLOCKING_BARRIER,
        referral_id=REFERRAL_ID,
        barrier_id=BARRIER_ID,
        withdrawn_because=RETRACTED_EVENT,
    ),
)

EXAMPLE_DATA: Mapping[type[EventData], EventData] = MappingProxyType(
    {example.__class__: example for example in _EXAMPLES}
)


def example_data(model: type[DataT]) -> DataT:
    """The example payload of ``model``, with every optional field filled in."""
    # EXAMPLE_DATA maps each model to an instance of that very model, by construction.
    return cast(DataT, EXAMPLE_DATA[model])


def example_event(model: type[EventData]) -> CloudEvent:
    """A complete example event of ``model``, with every optional field filled in."""
    data = example_data(model)
    source = REFERRAL_SERVICE if model in r.REFERRAL_EVENT_MODELS else PATHWAY_SERVICE
    if model in p.PARTNER_EVENT_MODELS:
        source = f"/organisations/{SUPPORT_PARTNER_ID}"
    return CloudEvent.build(
        data,
        source=source,
        subject=EXAMPLE_PERSON_ID,
        region=EXAMPLE_REGION,
        id=EVENT_ID,
        time=EXAMPLE_TIME,
        traceparent=EXAMPLE_TRACEPARENT,
    )
