from uuid import uuid4

import pytest

from pathway.domain.pathway_state import fold
from pathway.domain.stages import Stage, stage_after
from pathway.domain.timeline import TimelineEntry


def stage_of(*events: object) -> Stage | None:
    return fold(TimelineEntry(event, seq) for seq, event in enumerate(events)).stage  # type: ignore[arg-type]


def test_a_sent_referral_makes_the_person_referred(events) -> None:
    assert stage_of(events.referral_sent(0)) is Stage.REFERRED


def test_the_workshop_the_barriers_training_and_work_follow_each_other(events) -> None:
    barrier = uuid4()
    path = [
        (events.referral_sent(0), Stage.REFERRED),
        (events.referral_accepted(1), Stage.REFERRED),
        (events.referral_started(2), Stage.IN_WORKSHOP),
        (events.referral_paused(3), Stage.BARRIERS_WORK),
        (events.barrier_identified(4, barrier), Stage.BARRIERS_WORK),
        (events.referral_resumed(5), Stage.IN_WORKSHOP),
        (events.referral_completed(6), Stage.BARRIERS_WORK),
        (events.training_entered(7), Stage.IN_TRAINING),
        (events.training_abandoned(8), Stage.BARRIERS_WORK),
        (events.training_entered(9), Stage.IN_TRAINING),
        (events.employment_started(10), Stage.EMPLOYED),
        (events.employment_ended(11), Stage.EXITED),
        (events.referral_sent(12), Stage.REFERRED),
    ]

    for upto in range(1, len(path) + 1):
        assert stage_of(*(event for event, _ in path[:upto])) is path[upto - 1][1], path[upto - 1][0].name


def test_action_on_a_barrier_moves_a_referred_person_to_barriers_work_but_no_one_further_on(events) -> None:
    barrier = uuid4()

    assert stage_of(events.referral_sent(0), events.barrier_action_started(1, barrier)) is Stage.BARRIERS_WORK
    assert (
        stage_of(
            events.referral_sent(0), events.training_entered(1), events.barrier_action_started(2, barrier)
        )
        is Stage.IN_TRAINING
    )


@pytest.mark.parametrize("ending", ["referral_rejected", "referral_cancelled", "referral_dropped_out"])
def test_a_referral_ending_before_or_in_the_workshop_exits_the_pathway(events, ending: str) -> None:
    end = getattr(events, ending)

    assert stage_of(events.referral_sent(0), end(1)) is Stage.EXITED
    assert stage_of(events.referral_sent(0), events.referral_started(1), end(2)) is Stage.EXITED


def test_a_referral_ending_after_the_workshop_leaves_the_stage_alone(events) -> None:
    assert (
        stage_of(events.referral_sent(0), events.training_entered(1), events.referral_cancelled(2))
        is Stage.IN_TRAINING
    )


def test_a_second_referral_does_not_pull_back_a_person_already_in_the_workshop() -> None:
    assert stage_after(Stage.IN_WORKSHOP, "referral.sent") is Stage.IN_WORKSHOP
    assert stage_after(None, "referral.sent") is Stage.REFERRED
    assert stage_after(Stage.EXITED, "referral.sent") is Stage.REFERRED


def test_events_without_a_stage_rule_leave_the_stage_alone() -> None:
    assert stage_after(Stage.IN_WORKSHOP, "workshop.attendance_recorded") is Stage.IN_WORKSHOP
    assert stage_after(None, "barrier.identified") is None
