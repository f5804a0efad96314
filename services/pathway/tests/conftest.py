"""Builders of the events a pathway is made of, about one person, at a given day of their pathway."""

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pathway_world import PathwayWorld

from event_contracts.catalogue import partner, referral
from event_contracts.catalogue.base import EventData, EventReference
from event_contracts.catalogue.codes import (
    AttendanceStatus,
    BarrierCategory,
    BarrierSeverity,
    CareTeamJoinReason,
    CareTeamLeaveReason,
    ContractDurationClass,
    ContractType,
    DropOutReason,
    EmploymentEndReason,
    OrganisationKind,
    OutcomeFamily,
    ReferralParty,
    RejectionReason,
    RetractionReason,
    TrainingKind,
    WaitlistReason,
)
from event_contracts.envelope import CloudEvent
from event_contracts.topics import topics_for_region
from pathway.adapters.cloud_events import recorded
from pathway.entrypoints.cli import MIGRATIONS
from service_kit.database import create_database_engine
from service_kit.migrations import upgrade_to_head
from service_kit.provisioning import provision_region_topics, region_topic_names

REFERRAL_SERVICE = "/services/referral"
DAY_ONE = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def organisation_source(organisation_id: UUID) -> str:
    return f"/organisations/{organisation_id}"


@dataclass
class PathwayEvents:
    """`referral_sent(day=0)` etc.: CloudEvents about one person; partner events come from `partner`."""

    person_id: UUID = field(default_factory=uuid4)
    region: str = "grand-est"
    partner: UUID = field(default_factory=uuid4)
    prescriber: UUID = field(default_factory=uuid4)
    operator: UUID = field(default_factory=uuid4)
    referral_id: UUID = field(default_factory=uuid4)
    workshop_id: UUID = field(default_factory=uuid4)
    session_id: UUID = field(default_factory=uuid4)

    def _make(self, data: EventData, day: float, source: str) -> Any:
        return CloudEvent.build(
            data,
            source=source,
            subject=self.person_id,
            region=self.region,
            time=DAY_ONE + timedelta(days=day),
        )

    def _from_referral_service(self, data: EventData, day: float) -> Any:
        return self._make(data, day, REFERRAL_SERVICE)

    def _from_partner(self, data: EventData, day: float, sender: UUID | None) -> Any:
        return self._make(data, day, organisation_source(sender or self.partner))

    def referral_sent(self, day: float = 0) -> Any:
        return self._from_referral_service(
            referral.ReferralSent(
                referral_id=self.referral_id,
                prescriber_organisation_id=self.prescriber,
                operator_organisation_id=self.operator,
                reminder_due_on=date(2026, 9, 11),
                expires_on=date(2026, 10, 1),
            ),
            day,
        )

    def referral_accepted(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralAccepted(
                referral_id=self.referral_id,
                operator_organisation_id=self.operator,
                workshop_id=self.workshop_id,
            ),
            day,
        )

    def referral_rejected(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralRejected(
                referral_id=self.referral_id,
                operator_organisation_id=self.operator,
                reason_code=RejectionReason.PERSON_DECLINED,
            ),
            day,
        )

    def referral_waitlisted(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralWaitlisted(
                referral_id=self.referral_id,
                workshop_id=self.workshop_id,
                reason_code=WaitlistReason.SESSION_FULL,
            ),
            day,
        )

    def referral_scheduled(self, day: float, starts_on: date = date(2026, 9, 20)) -> Any:
        return self._from_referral_service(
            referral.ReferralScheduled(
                referral_id=self.referral_id,
                workshop_id=self.workshop_id,
                session_id=self.session_id,
                session_starts_on=starts_on,
            ),
            day,
        )

    def referral_started(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralStarted(
                referral_id=self.referral_id, workshop_id=self.workshop_id, session_id=self.session_id
            ),
            day,
        )

    def referral_paused(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralPaused(referral_id=self.referral_id, barrier_category=BarrierCategory.MOBILITY),
            day,
        )

    def referral_resumed(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralResumed(referral_id=self.referral_id, session_id=self.session_id), day
        )

    def referral_completed(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralCompleted(
                referral_id=self.referral_id,
                workshop_id=self.workshop_id,
                session_id=self.session_id,
                outcome=OutcomeFamily.POSITIVE_EXIT,
            ),
            day,
        )

    def referral_dropped_out(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralDroppedOut(referral_id=self.referral_id, reason_code=DropOutReason.HEALTH), day
        )

    def referral_cancelled(self, day: float) -> Any:
        return self._from_referral_service(
            referral.ReferralCancelled(
                referral_id=self.referral_id,
                cancelled_by=ReferralParty.OPERATOR,
                cancelling_organisation_id=self.operator,
            ),
            day,
        )

    def attendance(self, day: float, status: str) -> Any:
        return self._from_referral_service(
            referral.WorkshopAttendanceRecorded(
                referral_id=self.referral_id,
                workshop_id=self.workshop_id,
                session_id=self.session_id,
                sitting_on=(DAY_ONE + timedelta(days=day)).date(),
                attendance=AttendanceStatus(status),
            ),
            day,
        )

    def member_added(
        self,
        day: float,
        organisation: UUID | None = None,
        kind: OrganisationKind = OrganisationKind.SUPPORT_PARTNER,
    ) -> Any:
        return self._from_referral_service(
            referral.CareTeamMemberAdded(
                organisation_id=organisation or self.partner,
                organisation_kind=kind,
                reason_code=CareTeamJoinReason.ADDED_BY_REFERENT,
                member_since=date(2026, 9, 1),
            ),
            day,
        )

    def member_removed(self, day: float, organisation: UUID | None = None) -> Any:
        return self._from_referral_service(
            referral.CareTeamMemberRemoved(
                organisation_id=organisation or self.partner,
                reason_code=CareTeamLeaveReason.REMOVED_BY_REFERENT,
                member_until=date(2026, 9, 1),
            ),
            day,
        )

    def barrier_identified(
        self,
        day: float,
        barrier_id: UUID,
        severity: BarrierSeverity = BarrierSeverity.BLOCKING,
        sender: UUID | None = None,
    ) -> Any:
        return self._from_partner(
            partner.BarrierIdentified(
                barrier_id=barrier_id, category=BarrierCategory.MOBILITY, severity=severity
            ),
            day,
            sender,
        )

    def barrier_action_started(self, day: float, barrier_id: UUID, sender: UUID | None = None) -> Any:
        return self._from_partner(
            partner.BarrierActionStarted(
                barrier_id=barrier_id,
                category=BarrierCategory.MOBILITY,
                responsible_organisation_id=sender or self.partner,
            ),
            day,
            sender,
        )

    def barrier_lifted(self, day: float, barrier_id: UUID, sender: UUID | None = None) -> Any:
        return self._from_partner(
            partner.BarrierLifted(barrier_id=barrier_id, category=BarrierCategory.MOBILITY), day, sender
        )

    def barrier_persisting(self, day: float, barrier_id: UUID, sender: UUID | None = None) -> Any:
        return self._from_partner(
            partner.BarrierPersisting(
                barrier_id=barrier_id, category=BarrierCategory.MOBILITY, severity=BarrierSeverity.BLOCKING
            ),
            day,
            sender,
        )

    def training_entered(self, day: float, sender: UUID | None = None) -> Any:
        return self._from_partner(
            partner.TrainingEntered(
                training_id=uuid4(), training_provider_id=sender or self.partner, kind=TrainingKind.CLEA
            ),
            day,
            sender,
        )

    def training_abandoned(self, day: float, sender: UUID | None = None) -> Any:
        return self._from_partner(
            partner.TrainingAbandoned(
                training_id=uuid4(), kind=TrainingKind.CLEA, reason_code=DropOutReason.PERSONAL
            ),
            day,
            sender,
        )

    def employment_started(self, day: float, sender: UUID | None = None) -> Any:
        return self._from_partner(
            partner.EmploymentStarted(
                employment_id=uuid4(),
                contract_type=ContractType.PERMANENT,
                duration_class=ContractDurationClass.OPEN_ENDED,
            ),
            day,
            sender,
        )

    def employment_ended(self, day: float, sender: UUID | None = None) -> Any:
        return self._from_partner(
            partner.EmploymentEnded(employment_id=uuid4(), reason_code=EmploymentEndReason.RESIGNATION),
            day,
            sender,
        )

    def retraction(self, day: float, of: CloudEvent, sender: UUID | None = None) -> Any:
        """Sent by the retracted event's own source unless `sender` says otherwise."""
        return self._retraction(day, of.source, of.id, sender)

    def _retraction(self, day: float, source: str, event_id: UUID, sender: UUID | None) -> Any:
        data = partner.EventRetracted(
            retracted_event=EventReference(source=source, id=event_id),
            reason_code=RetractionReason.ENTERED_IN_ERROR,
        )
        return self._make(data, day, source if sender is None else organisation_source(sender))


class RecordedPathwayEvents(PathwayEvents):
    """The same builders, giving what the domain sees of each event."""

    def _make(self, data: EventData, day: float, source: str) -> Any:
        return recorded(super()._make(data, day, source))

    def retraction(self, day: float, of: Any, sender: UUID | None = None) -> Any:
        return self._retraction(day, of.source, of.event_id, sender)


@pytest.fixture
def pathway_events() -> PathwayEvents:
    return PathwayEvents()


@pytest.fixture
def events() -> RecordedPathwayEvents:
    return RecordedPathwayEvents()


@pytest.fixture
async def pathway_world(kafka_bootstrap_servers: str, fresh_database: str) -> AsyncIterator[PathwayWorld]:
    region = f"test-{uuid4().hex[:12]}"
    await provision_region_topics(kafka_bootstrap_servers, region, partitions=3)
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_database_engine(fresh_database, pool_size=2)
    env = {
        **os.environ,
        "PATHWAY_REGION": region,
        "PATHWAY_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "PATHWAY_DATABASE_URL": fresh_database,
        "PATHWAY_OUTBOX_POLL_INTERVAL_SECONDS": "0.5",
        # Test events happened months ago: time-based alerts come only in the tests that ask for them.
        "PATHWAY_ALERT_SWEEP_INTERVAL_SECONDS": "3600",
    }
    world = PathwayWorld(region, topics_for_region(region), kafka_bootstrap_servers, engine, env)
    try:
        yield world
    finally:
        for process in world.processes:
            process.stop()
        await engine.dispose()
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
        await admin.start()
        try:
            await admin.delete_topics(region_topic_names(region))
        finally:
            await admin.close()
