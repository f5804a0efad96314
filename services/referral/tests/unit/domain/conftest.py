"""A small world for driving referrals: a prescriber, an operator, one of its workshops and a clock."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from referral.domain.actor import SYSTEM, Actor, Party
from referral.domain.answer_clock import AnswerClock
from referral.domain.codes import (
    BarrierCategory,
    DropOutReason,
    OutcomeFamily,
    RejectionReason,
    WaitlistReason,
)
from referral.domain.lifecycle import ReferralAction
from referral.domain.referral import Referral
from referral.domain.workshop import Session, Workshop

A = ReferralAction
MESSAGE_FOR_PRESCRIBER = "Mme Éloïse Le Goff-Martin ne souhaite pas venir, rappeler au 06 12 34 56 78"


class World:
    def __init__(self) -> None:
        self.prescriber = Actor.prescriber(uuid4())
        self.operator = Actor.operator(uuid4())
        self.stranger = Actor.operator(uuid4())
        assert self.operator.organisation_id is not None
        self.workshop = Workshop(uuid4(), self.operator.organisation_id, "Première marche, Lens")
        self.answer_clock = AnswerClock()
        self.now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)

    def later(self, **delta: float) -> datetime:
        self.now += timedelta(**delta) if delta else timedelta(hours=1)
        return self.now

    def send(self, *, workshop: Workshop | None = None, person_id: UUID | None = None) -> Referral:
        assert self.operator.organisation_id is not None
        return Referral.send(
            referral_id=uuid4(),
            person_id=person_id or uuid4(),
            by=self.prescriber,
            operator_organisation_id=self.operator.organisation_id,
            workshop=workshop or self.workshop,
            at=self.later(),
            answer_clock=self.answer_clock,
        )

    def session(self, capacity: int = 12, workshop: Workshop | None = None) -> Session:
        return (workshop or self.workshop).plan_session(
            session_id=uuid4(),
            starts_on=date(2026, 10, 5),
            ends_on=date(2026, 11, 27),
            venue="Médiathèque",
            capacity=capacity,
        )

    def rightful_actor(self, action: ReferralAction) -> Actor:
        if action is A.EXPIRE:
            return SYSTEM
        if action is A.WITHDRAW:
            return self.prescriber
        return self.operator

    def actor_of(self, party: Party) -> Actor:
        return {Party.PRESCRIBER: self.prescriber, Party.OPERATOR: self.operator, Party.SYSTEM: SYSTEM}[party]

    def perform(
        self, referral: Referral, action: ReferralAction, by: Actor | None = None, at: datetime | None = None
    ) -> None:
        """Takes ``action`` with arguments its own rules accept, so that only the lifecycle may refuse it."""
        by = by or self.rightful_actor(action)
        if action is A.EXPIRE and at is None:
            at = self.now = max(self.now, self.answer_clock.expires_at(referral.sent_at))
        at = at or self.later()
        steps: dict[ReferralAction, Callable[[], None]] = {
            A.MARK_UNDER_REVIEW: lambda: referral.mark_under_review(by, at),
            A.ACCEPT: lambda: referral.accept(by, at, self.workshop),
            A.REJECT: lambda: referral.reject(
                by, at, RejectionReason.PERSON_DECLINED, MESSAGE_FOR_PRESCRIBER
            ),
            A.EXPIRE: lambda: referral.expire(by, at, self.answer_clock),
            A.WITHDRAW: lambda: referral.withdraw(by, at),
            A.WAITLIST: lambda: referral.waitlist(by, at, WaitlistReason.NO_SESSION_PLANNED),
            A.SCHEDULE: lambda: referral.schedule(by, at, self._session_with_a_seat_for(referral)),
            A.START: lambda: referral.start(by, at),
            A.PAUSE: lambda: referral.pause(by, at, BarrierCategory.HEALTH, uuid4()),
            A.RESUME: lambda: referral.resume(by, at),
            A.COMPLETE: lambda: referral.complete(by, at, OutcomeFamily.POSITIVE_EXIT),
            A.DROP_OUT: lambda: referral.drop_out(by, at, DropOutReason.LOST_CONTACT),
            A.CANCEL: lambda: referral.cancel(by, at),
        }
        steps[action]()

    def _session_with_a_seat_for(self, referral: Referral) -> Session:
        session = self.session()
        session.place(referral.id)
        return session


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def new_world() -> Callable[[], World]:
    return World
