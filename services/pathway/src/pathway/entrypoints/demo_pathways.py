"""What the demo partners say about three of the referral demo's persons, so that a caseworker opening
their timelines sees several organisations at work: barriers identified and lifted by a support partner
(over HTTP), a training entered and a job started (each partner's own Kafka producer).

Event and barrier ids are derived from names, so loading the demo again sends the same events, which
the platform recognises as duplicates."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from uuid import UUID, uuid5

from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.codes import (
    BarrierCategory,
    BarrierSeverity,
    ContractDurationClass,
    ContractType,
    OrganisationKind,
    TrainingKind,
    WorkingTime,
)
from event_contracts.catalogue.partner import (
    BarrierActionStarted,
    BarrierIdentified,
    BarrierLifted,
    EmploymentStarted,
    TrainingEntered,
)
from event_contracts.envelope import CloudEvent

_IDS: Final = UUID("0a0d0e00-0000-4000-8000-000000000300")


@dataclass(frozen=True)
class DemoPartner:
    organisation_id: UUID
    name: str
    kind: OrganisationKind
    may_emit: tuple[str, ...]

    @property
    def source(self) -> str:
        return f"/organisations/{self.organisation_id}"


SUPPORT_PARTNER: Final = DemoPartner(
    UUID("0a0d0e00-0000-4000-8000-000000000301"),
    "Mobilité Solidaire Moselle",
    OrganisationKind.SUPPORT_PARTNER,
    ("barrier.*",),
)
TRAINING_PROVIDER: Final = DemoPartner(
    UUID("0a0d0e00-0000-4000-8000-000000000302"),
    "GRETA Lorraine Nord",
    OrganisationKind.TRAINING_PROVIDER,
    ("training.*", "qualification.*"),
)
EMPLOYER: Final = DemoPartner(
    UUID("0a0d0e00-0000-4000-8000-000000000303"),
    "Régie de quartier Metz-Borny",
    OrganisationKind.EMPLOYER,
    ("employment.*",),
)
PARTNERS: Final = (SUPPORT_PARTNER, TRAINING_PROVIDER, EMPLOYER)
REGIONAL_COORDINATOR: Final = DemoPartner(
    UUID("0a0d0e00-0000-4000-8000-000000000304"),
    "ANLCI, chargée de mission Grand Est",
    OrganisationKind.COORDINATOR,
    (),
)
"""Registered so that its coordinators read the region's indicators; it speaks about nobody."""

# Persons of `referral demo-data`, named by how far their referral went there.
WAITLISTED: Final = UUID("0a0d0e00-0000-4000-8000-000000000203")
SCHEDULED: Final = UUID("0a0d0e00-0000-4000-8000-000000000204")
STARTED: Final = UUID("0a0d0e00-0000-4000-8000-000000000205")

CARE_TEAMS: Final[dict[UUID, tuple[DemoPartner, ...]]] = {
    STARTED: (SUPPORT_PARTNER, TRAINING_PROVIDER),
    SCHEDULED: (SUPPORT_PARTNER,),
    WAITLISTED: (SUPPORT_PARTNER, EMPLOYER),
}
"""Who the referent adds to each person's care team, so that these partners may speak about them."""
JOINED_DAYS_AGO: Final = 6
"""When the referent adds them: after the referrals (a week ago), before the partners first speak."""

EXPECTED_STAGES: Final = {STARTED: "in_training", SCHEDULED: "barriers_work", WAITLISTED: "employed"}


@dataclass(frozen=True)
class DemoPathways:
    """The partners' events, each as the channel its sender uses."""

    over_http: list[CloudEvent]
    over_kafka: list[CloudEvent]


@dataclass(frozen=True)
class _Said:
    """What `sender` says about `person`, some days before now."""

    region: str
    now: datetime
    sender: DemoPartner
    person: UUID

    def __call__(self, data: EventData, days_ago: float) -> CloudEvent:
        return CloudEvent.build(
            data,
            id=uuid5(_IDS, f"{self.person}/{data.event_name}/{days_ago}"),
            source=self.sender.source,
            subject=self.person,
            region=self.region,
            time=self.now - timedelta(days=days_ago),
        )


def _barrier(person: UUID, category: BarrierCategory) -> UUID:
    return uuid5(_IDS, f"{person}/barrier/{category}")


def _lifted_mobility_then_training(region: str, now: datetime) -> tuple[list[CloudEvent], list[CloudEvent]]:
    support = _Said(region, now, SUPPORT_PARTNER, STARTED)
    training = _Said(region, now, TRAINING_PROVIDER, STARTED)
    mobility = BarrierCategory.MOBILITY
    barrier, acting = _barrier(STARTED, mobility), SUPPORT_PARTNER.organisation_id
    over_http = [
        support(
            BarrierIdentified(barrier_id=barrier, category=mobility, severity=BarrierSeverity.BLOCKING), 5
        ),
        support(
            BarrierActionStarted(barrier_id=barrier, category=mobility, responsible_organisation_id=acting), 4
        ),
        support(BarrierLifted(barrier_id=barrier, category=mobility), 2),
    ]
    entered = TrainingEntered(
        training_id=uuid5(_IDS, f"{STARTED}/training"),
        training_provider_id=TRAINING_PROVIDER.organisation_id,
        kind=TrainingKind.CLEA,
        planned_end_on=(now + timedelta(weeks=10)).date(),
    )
    return over_http, [training(entered, 1)]


def _childcare_in_the_way(region: str, now: datetime) -> list[CloudEvent]:
    support = _Said(region, now, SUPPORT_PARTNER, SCHEDULED)
    childcare = BarrierCategory.CHILDCARE_FAMILY
    barrier, acting = _barrier(SCHEDULED, childcare), SUPPORT_PARTNER.organisation_id
    identified = BarrierIdentified(
        barrier_id=barrier,
        category=childcare,
        severity=BarrierSeverity.BLOCKING,
        responsible_organisation_id=acting,
    )
    action = BarrierActionStarted(barrier_id=barrier, category=childcare, responsible_organisation_id=acting)
    return [support(identified, 4), support(action, 3)]


def _digital_lifted_then_a_job(region: str, now: datetime) -> tuple[list[CloudEvent], list[CloudEvent]]:
    support = _Said(region, now, SUPPORT_PARTNER, WAITLISTED)
    employer = _Said(region, now, EMPLOYER, WAITLISTED)
    digital = BarrierCategory.DIGITAL
    barrier = _barrier(WAITLISTED, digital)
    over_http = [
        support(
            BarrierIdentified(barrier_id=barrier, category=digital, severity=BarrierSeverity.HINDERING), 5
        ),
        support(BarrierLifted(barrier_id=barrier, category=digital), 3),
    ]
    job = EmploymentStarted(
        employment_id=uuid5(_IDS, f"{WAITLISTED}/employment"),
        contract_type=ContractType.INTEGRATION_THROUGH_WORK,
        duration_class=ContractDurationClass.SIX_MONTHS_OR_MORE,
        working_time=WorkingTime.PART_TIME,
        employer_organisation_id=EMPLOYER.organisation_id,
    )
    return over_http, [employer(job, 1)]


def demo_pathways(region: str, now: datetime) -> DemoPathways:
    mobility_over_http, training_over_kafka = _lifted_mobility_then_training(region, now)
    digital_over_http, job_over_kafka = _digital_lifted_then_a_job(region, now)
    return DemoPathways(
        over_http=mobility_over_http + _childcare_in_the_way(region, now) + digital_over_http,
        over_kafka=training_over_kafka + job_over_kafka,
    )
