"""Placing referrals on sessions keeps the referral's status and the session's seats in step."""

import copy
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from referral.domain import events
from referral.domain.codes import WaitlistReason
from referral.domain.errors import (
    ImpossibleTransition,
    NoSeatOnSession,
    NotAllowedForRole,
    SessionOfAnotherWorkshop,
)
from referral.domain.lifecycle import ReferralStatus
from referral.domain.referral import Referral
from referral.domain.scheduling import move_back_to_waiting_list, place_on_session
from referral.domain.workshop import Placement, Session, Workshop

if TYPE_CHECKING:
    from conftest import World

S = ReferralStatus


def accepted(world: "World") -> Referral:
    referral = world.send()
    referral.accept(world.operator, world.later())
    return referral


def snapshot(*things: Referral | Session) -> list[dict[str, object]]:
    return [copy.deepcopy(vars(thing)) for thing in things]


def test_an_accepted_referral_takes_a_free_seat_and_is_scheduled(world: "World") -> None:
    referral, session = accepted(world), world.session(capacity=1)

    placement = place_on_session(referral, session, world.operator, world.later())

    assert placement is Placement.PLACED
    assert referral.status is S.SCHEDULED
    assert referral.session_id == session.id
    assert session.seated == (referral.id,)


def test_on_a_full_session_an_accepted_referral_waits_in_line_because_the_session_is_full(
    world: "World",
) -> None:
    session = world.session(capacity=1)
    place_on_session(accepted(world), session, world.operator, world.later())
    referral = accepted(world)

    placement = place_on_session(referral, session, world.operator, world.later())

    assert placement is Placement.WAITLISTED
    assert referral.status is S.WAITLISTED
    assert referral.history[-1].reason is WaitlistReason.SESSION_FULL
    assert session.waiting_list == (referral.id,)


def test_a_referral_already_waiting_joins_another_line_without_a_new_transition(world: "World") -> None:
    referral = accepted(world)
    referral.waitlist(world.operator, world.later(), WaitlistReason.NO_SESSION_PLANNED)
    full = world.session(capacity=1)
    full.place(uuid4())
    history_before = referral.history

    placement = place_on_session(referral, full, world.operator, world.later())

    assert placement is Placement.WAITLISTED
    assert referral.history == history_before
    assert full.waiting_list == (referral.id,)


def test_the_first_in_line_is_scheduled_once_the_operator_places_them_on_a_freed_seat(world: "World") -> None:
    session = world.session(capacity=1)
    first, waiting = accepted(world), accepted(world)
    place_on_session(first, session, world.operator, world.later())
    place_on_session(waiting, session, world.operator, world.later())

    move_back_to_waiting_list(first, session, world.operator, world.later(), WaitlistReason.SESSION_FULL)
    assert waiting.status is S.WAITLISTED

    assert place_on_session(waiting, session, world.operator, world.later()) is Placement.PLACED
    assert waiting.status is S.SCHEDULED
    assert session.seated == (waiting.id,)


def test_seated_on_another_session_a_referral_leaves_the_line_it_waited_in(world: "World") -> None:
    full, other = world.session(capacity=1), world.session(capacity=1)
    full.place(uuid4())
    referral, behind = accepted(world), accepted(world)
    place_on_session(referral, full, world.operator, world.later())
    place_on_session(behind, full, world.operator, world.later())

    placement = place_on_session(referral, other, world.operator, world.later(), lines_waited_in=[full])

    assert placement is Placement.PLACED
    assert referral.status is S.SCHEDULED
    assert referral.session_id == other.id
    assert full.waiting_list == (behind.id,)


def test_joining_another_line_keeps_the_place_in_the_first(world: "World") -> None:
    first, second = world.session(capacity=1), world.session(capacity=1)
    first.place(uuid4())
    second.place(uuid4())
    referral = accepted(world)
    place_on_session(referral, first, world.operator, world.later())

    placement = place_on_session(referral, second, world.operator, world.later(), lines_waited_in=[first])

    assert placement is Placement.WAITLISTED
    assert first.waiting_list == (referral.id,)
    assert second.waiting_list == (referral.id,)


def test_moving_back_to_the_waiting_list_frees_the_seat(world: "World") -> None:
    referral, session = accepted(world), world.session()
    place_on_session(referral, session, world.operator, world.later())

    move_back_to_waiting_list(
        referral, session, world.operator, world.later(), WaitlistReason.NO_SESSION_PLANNED
    )

    assert referral.status is S.WAITLISTED
    assert session.seated == ()
    waitlisted = referral.pending_events[-1]
    assert isinstance(waitlisted, events.ReferralWaitlisted)
    assert waitlisted.left_session_id == session.id


def test_a_refused_placement_changes_neither_the_referral_nor_the_session(world: "World") -> None:
    assert world.operator.organisation_id is not None
    sent = world.send()
    referral = accepted(world)
    other_workshop = Workshop(uuid4(), world.operator.organisation_id, "Atelier numérique")
    session, elsewhere = world.session(), world.session(workshop=other_workshop)
    before = snapshot(sent, referral, session, elsewhere)

    with pytest.raises(ImpossibleTransition):
        place_on_session(sent, session, world.operator, world.later())
    with pytest.raises(NotAllowedForRole):
        place_on_session(referral, session, world.prescriber, world.later())
    with pytest.raises(SessionOfAnotherWorkshop):
        place_on_session(referral, elsewhere, world.operator, world.later())

    assert snapshot(sent, referral, session, elsewhere) == before


def test_a_refused_move_back_changes_neither_the_referral_nor_the_session(world: "World") -> None:
    referral, session, other = accepted(world), world.session(), world.session()
    place_on_session(referral, session, world.operator, world.later())
    before = snapshot(referral, session, other)

    with pytest.raises(NoSeatOnSession):
        move_back_to_waiting_list(referral, other, world.operator, world.later(), WaitlistReason.SESSION_FULL)
    with pytest.raises(NotAllowedForRole):
        move_back_to_waiting_list(
            referral, session, world.prescriber, world.later(), WaitlistReason.SESSION_FULL
        )

    assert snapshot(referral, session, other) == before
