"""What each action records beyond its transition: codes, ids, dates, and what stays out of events."""

import copy
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from referral.domain import events
from referral.domain.actor import SYSTEM, Actor, Party
from referral.domain.answer_clock import AnswerClock
from referral.domain.codes import (
    BarrierCategory,
    DropOutReason,
    OutcomeFamily,
    RejectionReason,
    WaitlistReason,
)
from referral.domain.errors import (
    ExpiryNotDue,
    NoSeatOnSession,
    NotAllowedForRole,
    SessionOfAnotherWorkshop,
    TimeBeforeLastChange,
    TimeWithoutZone,
    WorkshopOfAnotherOperator,
    WorkshopRequired,
)
from referral.domain.lifecycle import ReferralAction, ReferralStatus
from referral.domain.referral import Referral
from referral.domain.workshop import Workshop

if TYPE_CHECKING:
    from conftest import World

A, S = ReferralAction, ReferralStatus


def snapshot(referral: Referral) -> dict[str, object]:
    return copy.deepcopy(vars(referral))


def test_sending_starts_the_answer_clock_with_a_reminder_at_day_10_and_expiry_at_day_30(
    world: "World",
) -> None:
    referral = world.send()

    [sent] = referral.pending_events
    assert isinstance(sent, events.ReferralSent)
    assert sent.reminder_due_on == referral.sent_at.date() + timedelta(days=10)
    assert sent.expires_on == referral.sent_at.date() + timedelta(days=30)
    assert (sent.prescriber_organisation_id, sent.operator_organisation_id, sent.workshop_id) == (
        world.prescriber.organisation_id,
        world.operator.organisation_id,
        world.workshop.id,
    )
    assert referral.status is S.SENT
    assert referral.history[0].by == world.prescriber


def test_only_a_prescriber_sends_a_referral(world: "World") -> None:
    assert world.operator.organisation_id is not None
    with pytest.raises(NotAllowedForRole):
        Referral.send(
            referral_id=uuid4(),
            person_id=uuid4(),
            by=world.operator,
            operator_organisation_id=world.operator.organisation_id,
            workshop=None,
            at=world.now,
            answer_clock=world.answer_clock,
        )


def test_a_referral_asks_for_a_workshop_of_the_operator_it_is_sent_to(world: "World") -> None:
    someone_elses = Workshop(uuid4(), uuid4(), "Atelier d'ailleurs")

    with pytest.raises(WorkshopOfAnotherOperator):
        world.send(workshop=someone_elses)


def test_times_without_a_zone_are_refused(world: "World") -> None:
    referral = world.send()
    before = snapshot(referral)

    with pytest.raises(TimeWithoutZone):
        referral.mark_under_review(world.operator, datetime(2026, 9, 2, 9, 0))

    assert snapshot(referral) == before


def test_nothing_happens_to_a_referral_before_its_last_change(world: "World") -> None:
    referral = world.send()
    before = snapshot(referral)

    with pytest.raises(TimeBeforeLastChange):
        referral.mark_under_review(world.operator, referral.sent_at - timedelta(seconds=1))

    assert snapshot(referral) == before


def test_accepting_without_a_workshop_needs_one_named(world: "World") -> None:
    assert world.operator.organisation_id is not None
    referral = Referral.send(
        referral_id=uuid4(),
        person_id=uuid4(),
        by=world.prescriber,
        operator_organisation_id=world.operator.organisation_id,
        workshop=None,
        at=world.now,
        answer_clock=world.answer_clock,
    )
    before = snapshot(referral)

    with pytest.raises(WorkshopRequired):
        referral.accept(world.operator, world.later())
    assert snapshot(referral) == before

    referral.accept(world.operator, world.later(), world.workshop)
    assert referral.workshop_id == world.workshop.id


def test_the_operator_may_accept_for_another_of_its_workshops_but_not_for_someone_elses(
    world: "World",
) -> None:
    assert world.operator.organisation_id is not None
    referral = world.send()
    before = snapshot(referral)

    with pytest.raises(WorkshopOfAnotherOperator):
        referral.accept(world.operator, world.later(), Workshop(uuid4(), uuid4(), "Ailleurs"))
    assert snapshot(referral) == before

    closer = Workshop(uuid4(), world.operator.organisation_id, "Première marche, Liévin")
    referral.accept(world.operator, world.later(), closer)
    accepted = referral.pending_events[-1]
    assert isinstance(accepted, events.ReferralAccepted)
    assert accepted.workshop_id == referral.workshop_id == closer.id


def test_a_rejection_keeps_its_message_for_the_prescriber_out_of_the_event(world: "World") -> None:
    referral = world.send()

    referral.reject(
        world.operator, world.later(), RejectionReason.NOT_IN_TARGET_PUBLIC, "  Orienter vers FLE  "
    )

    assert referral.history[-1].reason is RejectionReason.NOT_IN_TARGET_PUBLIC
    assert referral.history[-1].message_for_prescriber == "Orienter vers FLE"
    rejected = referral.pending_events[-1]
    assert isinstance(rejected, events.ReferralRejected)
    assert rejected.reason_code is RejectionReason.NOT_IN_TARGET_PUBLIC
    assert "Orienter vers FLE" not in repr(asdict(rejected))


def test_a_blank_message_for_the_prescriber_is_no_message(world: "World") -> None:
    referral = world.send()

    referral.reject(world.operator, world.later(), RejectionReason.DUPLICATE, "   ")

    assert referral.history[-1].message_for_prescriber is None


def test_a_referral_expires_only_once_its_answer_delay_is_over(world: "World") -> None:
    referral = world.send()
    expires_at = world.answer_clock.expires_at(referral.sent_at)
    before = snapshot(referral)

    with pytest.raises(ExpiryNotDue):
        referral.expire(SYSTEM, expires_at - timedelta(minutes=1), world.answer_clock)
    assert snapshot(referral) == before

    referral.expire(SYSTEM, expires_at, world.answer_clock)
    expired = referral.pending_events[-1]
    assert isinstance(expired, events.ReferralExpired)
    assert expired.unanswered_days == 30


def test_a_region_may_give_operators_longer_to_answer(world: "World") -> None:
    referral = world.send()
    patient_region = AnswerClock(reminder_after_days=15, expires_after_days=45)

    with pytest.raises(ExpiryNotDue):
        referral.expire(SYSTEM, referral.sent_at + timedelta(days=44), patient_region)
    referral.expire(SYSTEM, referral.sent_at + timedelta(days=46), patient_region)

    expired = referral.pending_events[-1]
    assert isinstance(expired, events.ReferralExpired)
    assert expired.unanswered_days == 46


def accepted(world: "World") -> Referral:
    referral = world.send()
    referral.accept(world.operator, world.later())
    return referral


def test_scheduling_names_the_session_and_its_first_day_but_not_its_venue(world: "World") -> None:
    referral, session = accepted(world), world.session()
    session.place(referral.id)

    referral.schedule(world.operator, world.later(), session)

    scheduled = referral.pending_events[-1]
    assert isinstance(scheduled, events.ReferralScheduled)
    assert (scheduled.session_id, scheduled.session_starts_on) == (session.id, date(2026, 10, 5))
    assert referral.session_id == session.id
    assert session.venue not in repr(asdict(scheduled))


def test_scheduling_needs_a_seat_on_a_session_of_the_referrals_workshop(world: "World") -> None:
    assert world.operator.organisation_id is not None
    referral = accepted(world)
    other_workshop = Workshop(uuid4(), world.operator.organisation_id, "Atelier numérique")
    elsewhere, without_a_seat = world.session(workshop=other_workshop), world.session()
    elsewhere.place(referral.id)
    before = snapshot(referral)

    with pytest.raises(SessionOfAnotherWorkshop):
        referral.schedule(world.operator, world.later(), elsewhere)
    with pytest.raises(NoSeatOnSession):
        referral.schedule(world.operator, world.later(), without_a_seat)

    assert snapshot(referral) == before


def started(world: "World") -> Referral:
    referral, session = accepted(world), world.session()
    session.place(referral.id)
    referral.schedule(world.operator, world.later(), session)
    referral.start(world.operator, world.later())
    return referral


def test_a_pause_names_the_barrier_and_resuming_names_the_session(world: "World") -> None:
    referral = started(world)
    barrier_id = uuid4()

    referral.pause(world.operator, world.later(), BarrierCategory.CHILDCARE_FAMILY, barrier_id)
    referral.resume(world.operator, world.later())

    paused, resumed = referral.pending_events[-2:]
    assert isinstance(paused, events.ReferralPaused)
    assert (paused.barrier_category, paused.barrier_id) == (BarrierCategory.CHILDCARE_FAMILY, barrier_id)
    assert isinstance(resumed, events.ReferralResumed)
    assert resumed.session_id == referral.session_id
    assert referral.status is S.STARTED


def test_completing_records_the_outcome_and_dropping_out_the_reason(world: "World") -> None:
    completing, dropping = started(world), started(world)

    completing.complete(world.operator, world.later(), OutcomeFamily.TRANSITION_EMPLOYMENT)
    dropping.drop_out(world.operator, world.later(), DropOutReason.EMPLOYMENT_FOUND)

    assert completing.history[-1].outcome is OutcomeFamily.TRANSITION_EMPLOYMENT
    completed = completing.pending_events[-1]
    assert isinstance(completed, events.ReferralCompleted)
    assert completed.outcome is OutcomeFamily.TRANSITION_EMPLOYMENT
    assert dropping.history[-1].reason is DropOutReason.EMPLOYMENT_FOUND
    dropped = dropping.pending_events[-1]
    assert isinstance(dropped, events.ReferralDroppedOut)
    assert dropped.reason_code is DropOutReason.EMPLOYMENT_FOUND


@pytest.mark.parametrize("side", [Party.PRESCRIBER, Party.OPERATOR])
def test_either_side_may_cancel_and_the_event_says_which(world: "World", side: Party) -> None:
    referral = accepted(world)
    by = world.actor_of(side)

    referral.cancel(by, world.later())

    cancelled = referral.pending_events[-1]
    assert isinstance(cancelled, events.ReferralCancelled)
    assert (cancelled.cancelled_by, cancelled.cancelling_organisation_id) == (side, by.organisation_id)


def test_going_back_to_the_waiting_list_leaves_the_session(world: "World") -> None:
    referral, session = accepted(world), world.session()
    session.place(referral.id)
    referral.schedule(world.operator, world.later(), session)

    referral.waitlist(world.operator, world.later(), WaitlistReason.SESSION_FULL)

    waitlisted = referral.pending_events[-1]
    assert isinstance(waitlisted, events.ReferralWaitlisted)
    assert (waitlisted.left_session_id, waitlisted.reason_code) == (session.id, WaitlistReason.SESSION_FULL)
    assert referral.session_id is None


def test_each_side_is_offered_only_the_actions_it_may_take_now(world: "World") -> None:
    referral = world.send()

    assert referral.actions_open_to(world.prescriber) == {A.WITHDRAW}
    assert referral.actions_open_to(world.operator) == {A.MARK_UNDER_REVIEW, A.ACCEPT, A.REJECT}
    assert referral.actions_open_to(SYSTEM) == {A.EXPIRE}
    assert referral.actions_open_to(Actor.operator(uuid4())) == frozenset()


def test_pulling_events_hands_them_over_once(world: "World") -> None:
    referral = world.send()
    referral.mark_under_review(world.operator, world.later())

    pulled = referral.pull_events()

    assert [type(event) for event in pulled] == [events.ReferralSent, events.ReferralMarkedUnderReview]
    assert referral.pull_events() == []
    assert len(referral.history) == 2
