"""Valid v1 catalogue events a pathway is made of, spread over persons, for the assembler's benchmark.

Each person is referred by the referral service (trusted on the referral topic), which also adds one
support partner to the care team and accepts the referral. The partner, registered with the right to
emit `barrier.*`, then sends barrier events about the person on the partner topic. Every event passes
the assembler's checks, so none is dead-lettered; a run checks it.
"""

import math
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from event_contracts.catalogue import partner, referral
from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.codes import (
    BarrierCategory,
    BarrierSeverity,
    CareTeamJoinReason,
    OrganisationKind,
)
from event_contracts.envelope import CloudEvent
from event_contracts.examples import EXAMPLE_TRACEPARENT

REFERRAL_SERVICE = "/services/referral"
PRESCRIBER = uuid.UUID("5f0c2d5e-6a55-4c7e-9a1f-1b2c3d4e5f60")
OPERATOR = uuid.UUID("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
PARTNER = uuid.UUID("9c8b7a6d-5e4f-4d3c-8b2a-1f0e9d8c7b6a")
PARTNER_KIND = OrganisationKind.SUPPORT_PARTNER
PARTNER_MAY_EMIT = ("barrier.*",)
WORKSHOP = uuid.UUID("3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b")
THE_DAY_BEFORE = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
"""When the workload's pathways begin: recent enough that no time-based alert falls due during a run
(the service's alert sweeper would otherwise compete with the assembler)."""
CATEGORIES = (BarrierCategory.MOBILITY, BarrierCategory.CHILDCARE_FAMILY, BarrierCategory.HOUSING)


@dataclass(frozen=True)
class Routed:
    """An event and the topic it travels on: "referral" or "partner"."""

    topic: str
    event: CloudEvent


class PathwayWorkload:
    """Deterministic for a seed. ``set_up`` makes the persons known and puts the partner in their care
    teams, then gives each person about ``prior_entries`` entries; ``timed`` is what the assembler is timed
    on; ``barrier_identified`` makes one more event."""

    TIMED_PER_PERSON = 4
    REFERRAL_SET_UP_PER_PERSON = 3
    BARRIER_CYCLE = 3
    """Events of one barrier cycle: identified, action started, lifted."""
    PRIOR_CYCLES_BETWEEN_HOURS = (0.5, 1.0)
    """The prior barrier cycles happen after the partner joins the care team and before the timed events."""

    def __init__(self, region: str, persons: int, seed: int = 20_261_127, *, prior_entries: int = 0) -> None:
        self._random = random.Random(seed)
        self.region = region
        self.persons = [self._uuid() for _ in range(persons)]
        self._referrals = {person: self._uuid() for person in self.persons}
        self.prior_cycles = math.ceil(
            max(0, prior_entries - self.REFERRAL_SET_UP_PER_PERSON) / self.BARRIER_CYCLE
        )

    @property
    def prior_entries(self) -> int:
        """Entries each person has after ``set_up``."""
        return self.REFERRAL_SET_UP_PER_PERSON + self.prior_cycles * self.BARRIER_CYCLE

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self._random.getrandbits(128), version=4)

    def _event(self, data: EventData, person: uuid.UUID, hours: float, source: str) -> CloudEvent:
        return CloudEvent.build(
            data,
            source=source,
            subject=person,
            region=self.region,
            id=self._uuid(),
            time=THE_DAY_BEFORE + timedelta(hours=hours),
            traceparent=EXAMPLE_TRACEPARENT,
        )

    def _from_referral_service(self, data: EventData, person: uuid.UUID, hours: float) -> Routed:
        return Routed("referral", self._event(data, person, hours, REFERRAL_SERVICE))

    def _from_partner(self, data: EventData, person: uuid.UUID, hours: float) -> Routed:
        return Routed("partner", self._event(data, person, hours, f"/organisations/{PARTNER}"))

    def set_up(self) -> list[Routed]:
        """Per person: `referral.sent`, `care_team.member_added` for the partner and `referral.accepted`;
        then, from the partner, the prior barrier cycles (none by default). Kafka keeps no order across the
        two topics: the partner's events must go in once the care teams are stored."""
        return self._referral_set_up() + self._prior_barrier_cycles()

    def _referral_set_up(self) -> list[Routed]:
        routed = []
        for person in self.persons:
            sent = referral.ReferralSent(
                referral_id=self._referrals[person],
                prescriber_organisation_id=PRESCRIBER,
                operator_organisation_id=OPERATOR,
                workshop_id=WORKSHOP,
                reminder_due_on=THE_DAY_BEFORE.date() + timedelta(days=10),
                expires_on=THE_DAY_BEFORE.date() + timedelta(days=30),
            )
            joined = referral.CareTeamMemberAdded(
                organisation_id=PARTNER,
                organisation_kind=PARTNER_KIND,
                reason_code=CareTeamJoinReason.ADDED_BY_REFERENT,
                member_since=THE_DAY_BEFORE.date(),
                referral_id=self._referrals[person],
            )
            accepted = referral.ReferralAccepted(
                referral_id=self._referrals[person], operator_organisation_id=OPERATOR, workshop_id=WORKSHOP
            )
            routed += [
                self._from_referral_service(sent, person, 0),
                self._from_referral_service(joined, person, 0.25),
                self._from_referral_service(accepted, person, 0.4),
            ]
        return routed

    def _prior_barrier_cycles(self) -> list[Routed]:
        first, last = self.PRIOR_CYCLES_BETWEEN_HOURS
        step = (last - first) / (self.prior_cycles * self.BARRIER_CYCLE + 1)
        routed = []
        for person in self.persons:
            for cycle in range(self.prior_cycles):
                identified_at = first + (cycle * self.BARRIER_CYCLE + 1) * step
                barrier, category = self._fresh_barrier()
                routed += self._barrier_cycle(person, identified_at, step, barrier, category)
        return routed

    def _fresh_barrier(self) -> tuple[uuid.UUID, BarrierCategory]:
        return self._uuid(), self._random.choice(CATEGORIES)

    def _barrier_cycle(
        self,
        person: uuid.UUID,
        identified_at: float,
        step: float,
        barrier: uuid.UUID,
        category: BarrierCategory,
    ) -> list[Routed]:
        """The barrier identified at ``identified_at`` hours, its action started ``step`` later and lifted
        ``step`` after that."""
        return [
            self.barrier_identified(person, identified_at, barrier=barrier, category=category),
            self._from_partner(
                partner.BarrierActionStarted(
                    barrier_id=barrier, category=category, responsible_organisation_id=PARTNER
                ),
                person,
                identified_at + step,
            ),
            self._from_partner(
                partner.BarrierLifted(barrier_id=barrier, category=category), person, identified_at + 2 * step
            ),
        ]

    def timed(self) -> list[Routed]:
        """Per person, from the partner, in order on the partner topic: `barrier.identified`,
        `barrier.action_started` and `barrier.lifted` of one barrier, then another barrier identified.

        All on one topic: Kafka keeps no order across topics, and an event read after a later one of its
        person arrives late, which folds the whole timeline again. With the referral's acceptance among
        them on the referral topic (until the eighth session), whether a drain read it first depended on
        the order the consumer was handed the two topics' partitions: about half the runs folded every
        timeline again, and were the slow ones."""
        routed = []
        for person in self.persons:
            barrier, category = self._fresh_barrier()
            routed += [
                *self._barrier_cycle(person, 1, 1, barrier, category),
                self.barrier_identified(person, 4, category=category),
            ]
        return routed

    def barrier_identified(
        self,
        person: uuid.UUID,
        hours: float,
        *,
        barrier: uuid.UUID | None = None,
        category: BarrierCategory = BarrierCategory.MOBILITY,
    ) -> Routed:
        data = partner.BarrierIdentified(
            barrier_id=barrier or self._uuid(), category=category, severity=BarrierSeverity.HINDERING
        )
        return self._from_partner(data, person, hours)
