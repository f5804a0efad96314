"""Timeline events about one person, as the pathway service publishes them, and a region of its own so that
a test's router never joins a real region's consumer group."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from event_contracts.catalogue import partner, referral
from event_contracts.catalogue.base import EventData, EventReference
from event_contracts.catalogue.codes import (
    AlertKind,
    BarrierCategory,
    BarrierSeverity,
    CareTeamJoinReason,
    CareTeamLeaveReason,
    EntryVisibility,
    OrganisationKind,
    PathwayStage,
    ReferralParty,
    RejectionReason,
    RetractionReason,
    WaitlistReason,
)
from event_contracts.catalogue.registry import dataschema_for, event_type_for
from event_contracts.catalogue.timeline import (
    OriginalEvent,
    PathwayAlertRaised,
    PathwayAlertWithdrawn,
    PathwayStageChanged,
    TimelineEntryAppended,
)
from event_contracts.envelope import CloudEvent

PATHWAY = "/services/pathway"
REFERRAL_SERVICE = "/services/referral"
CARE_TEAM_PROFESSIONALS = (
    OrganisationKind.PRESCRIBER,
    OrganisationKind.OPERATOR,
    OrganisationKind.SUPPORT_PARTNER,
    OrganisationKind.TRAINING_PROVIDER,
)


def isolated_region() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def _visibility_of(category: BarrierCategory) -> EntryVisibility:
    """As the pathway service sees a barrier: a health barrier is told as its category and status only."""
    if category is BarrierCategory.HEALTH:
        return EntryVisibility.CATEGORY_AND_STATUS_ONLY
    return EntryVisibility.FULL


@dataclass
class PersonTimeline:
    """`referral_sent()`, `member_added(org, kind, reason)`, `stage_changed()`…: what the timeline topic
    carries about one person referred by `prescriber` to `operator`."""

    region: str = "grand-est"
    person_id: UUID = field(default_factory=uuid4)
    prescriber: UUID = field(default_factory=uuid4)
    operator: UUID = field(default_factory=uuid4)
    referral_id: UUID = field(default_factory=uuid4)
    seq: int = 0

    def _timeline(self, data: EventData) -> CloudEvent:
        return CloudEvent.build(data, source=PATHWAY, subject=self.person_id, region=self.region)

    def entry(
        self,
        original: EventData,
        source: str = REFERRAL_SERVICE,
        visibility: EntryVisibility = EntryVisibility.FULL,
    ) -> CloudEvent:
        self.seq += 1
        recorded = OriginalEvent(
            type=event_type_for(type(original)),
            source=source,
            id=uuid4(),
            time=datetime.now(UTC),
            dataschema=dataschema_for(type(original)),
            data=original.model_dump(mode="json"),
        )
        return self._timeline(
            TimelineEntryAppended(
                seq=self.seq,
                original_event=recorded,
                visibility=visibility,
                audience=CARE_TEAM_PROFESSIONALS,
            )
        )

    def barrier_identified(self, by: UUID, category: BarrierCategory, barrier_id: UUID) -> CloudEvent:
        identified = partner.BarrierIdentified(
            barrier_id=barrier_id,
            category=category,
            severity=BarrierSeverity.BLOCKING,
            responsible_organisation_id=by,
        )
        return self.entry(identified, f"/organisations/{by}", _visibility_of(category))

    def barrier_lifted(self, by: UUID, category: BarrierCategory, barrier_id: UUID) -> CloudEvent:
        lifted = partner.BarrierLifted(barrier_id=barrier_id, category=category)
        return self.entry(lifted, f"/organisations/{by}", _visibility_of(category))

    def referral_sent(self) -> CloudEvent:
        return self.entry(
            referral.ReferralSent(
                referral_id=self.referral_id,
                prescriber_organisation_id=self.prescriber,
                operator_organisation_id=self.operator,
                reminder_due_on=date(2026, 12, 7),
                expires_on=date(2026, 12, 27),
            )
        )

    def referral_accepted(self) -> CloudEvent:
        return self.entry(
            referral.ReferralAccepted(
                referral_id=self.referral_id, operator_organisation_id=self.operator, workshop_id=uuid4()
            )
        )

    def referral_rejected(self) -> CloudEvent:
        return self.entry(
            referral.ReferralRejected(
                referral_id=self.referral_id,
                operator_organisation_id=self.operator,
                reason_code=RejectionReason.SESSION_FULL_NO_DATE,
            )
        )

    def referral_scheduled(self, session_starts_on: date, session_id: UUID | None = None) -> CloudEvent:
        return self.entry(
            referral.ReferralScheduled(
                referral_id=self.referral_id,
                workshop_id=uuid4(),
                session_id=session_id or uuid4(),
                session_starts_on=session_starts_on,
            )
        )

    def referral_waitlisted(self) -> CloudEvent:
        return self.entry(
            referral.ReferralWaitlisted(
                referral_id=self.referral_id, workshop_id=uuid4(), reason_code=WaitlistReason.SESSION_FULL
            )
        )

    def retraction_of(self, entry: CloudEvent) -> CloudEvent:
        """The original event of `entry` withdrawn by its own source."""
        assert isinstance(entry.data, TimelineEntryAppended)
        original = entry.data.original_event
        return self.entry(
            partner.EventRetracted(
                retracted_event=EventReference(source=original.source, id=original.id),
                reason_code=RetractionReason.ENTERED_IN_ERROR,
            ),
            source=original.source,
        )

    def referral_cancelled_by_prescriber(self) -> CloudEvent:
        return self.entry(
            referral.ReferralCancelled(
                referral_id=self.referral_id,
                cancelled_by=ReferralParty.PRESCRIBER,
                cancelling_organisation_id=self.prescriber,
            )
        )

    def referral_cancelled_by_operator(self) -> CloudEvent:
        return self.entry(
            referral.ReferralCancelled(
                referral_id=self.referral_id,
                cancelled_by=ReferralParty.OPERATOR,
                cancelling_organisation_id=self.operator,
            )
        )

    def referral_withdrawn(self) -> CloudEvent:
        return self.entry(
            referral.ReferralWithdrawn(
                referral_id=self.referral_id, prescriber_organisation_id=self.prescriber
            )
        )

    def member_added(
        self, organisation_id: UUID, kind: OrganisationKind, reason: CareTeamJoinReason
    ) -> CloudEvent:
        return self.entry(
            referral.CareTeamMemberAdded(
                organisation_id=organisation_id,
                organisation_kind=kind,
                reason_code=reason,
                member_since=date(2026, 11, 27),
                referral_id=self.referral_id,
            )
        )

    def prescriber_joined(self) -> CloudEvent:
        return self.member_added(
            self.prescriber, OrganisationKind.PRESCRIBER, CareTeamJoinReason.REFERRED_THE_PERSON
        )

    def operator_joined(self) -> CloudEvent:
        return self.member_added(
            self.operator, OrganisationKind.OPERATOR, CareTeamJoinReason.ACCEPTED_THE_REFERRAL
        )

    def member_removed(self, organisation_id: UUID) -> CloudEvent:
        return self.entry(
            referral.CareTeamMemberRemoved(
                organisation_id=organisation_id,
                reason_code=CareTeamLeaveReason.REMOVED_BY_REFERENT,
                member_until=date(2026, 11, 27),
            )
        )

    def stage_changed(self, stage: PathwayStage = PathwayStage.IN_WORKSHOP) -> CloudEvent:
        return self._timeline(
            PathwayStageChanged(
                previous_stage=PathwayStage.REFERRED,
                stage=stage,
                triggered_by=EventReference(source=REFERRAL_SERVICE, id=uuid4()),
            )
        )

    def alert_raised(self, kind: AlertKind = AlertKind.TWO_CONSECUTIVE_ABSENCES) -> CloudEvent:
        return self._timeline(PathwayAlertRaised(alert_id=uuid4(), kind=kind, referral_id=self.referral_id))

    def alert_withdrawn(self, raised: CloudEvent) -> CloudEvent:
        """The alert `raised` taken back, as a partner retracted the event that revealed it."""
        assert isinstance(raised.data, PathwayAlertRaised)
        return self._timeline(
            PathwayAlertWithdrawn(
                alert_id=raised.data.alert_id,
                kind=raised.data.kind,
                referral_id=raised.data.referral_id,
                barrier_id=raised.data.barrier_id,
                withdrawn_because=EventReference(source=f"/organisations/{self.operator}", id=uuid4()),
            )
        )
