"""Sessions seat people up to their capacity, then line them up first come, first served."""

from contextlib import suppress
from datetime import date
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral.domain.errors import (
    AlreadyOnSession,
    BlankName,
    CapacityNotPositive,
    NotOnSession,
    SessionEndsBeforeItStarts,
)
from referral.domain.workshop import Placement, Session, Workshop

WORKSHOP = Workshop(uuid4(), uuid4(), "Première marche, Lens")


def session(capacity: int) -> Session:
    return WORKSHOP.plan_session(
        session_id=uuid4(),
        starts_on=date(2026, 10, 5),
        ends_on=date(2026, 11, 27),
        venue="Maison de quartier",
        capacity=capacity,
    )


def test_people_are_seated_until_the_session_is_full_then_wait_in_line() -> None:
    full_soon = session(capacity=2)
    anne, bruno, chloe, driss = (uuid4() for _ in range(4))

    placements = [full_soon.place(referral) for referral in (anne, bruno, chloe, driss)]

    assert placements == [Placement.PLACED, Placement.PLACED, Placement.WAITLISTED, Placement.WAITLISTED]
    assert full_soon.seated == (anne, bruno)
    assert full_soon.waiting_list == (chloe, driss)
    assert full_soon.fill_rate == 1.0
    assert full_soon.seats_left == 0


def test_a_freed_seat_goes_to_nobody_until_the_first_in_line_is_placed() -> None:
    full = session(capacity=1)
    anne, bruno, chloe, newcomer = (uuid4() for _ in range(4))
    for referral in (anne, bruno, chloe):
        full.place(referral)

    full.remove(anne)

    assert full.seated == ()
    assert full.waiting_list == (bruno, chloe)
    assert full.place(newcomer) is Placement.WAITLISTED
    assert full.place(chloe) is Placement.WAITLISTED
    assert full.waiting_list == (bruno, chloe, newcomer)
    assert full.place(bruno) is Placement.PLACED
    assert (full.seated, full.waiting_list) == ((bruno,), (chloe, newcomer))


def test_leaving_the_line_lets_the_next_one_in() -> None:
    full = session(capacity=1)
    anne, bruno, chloe = (uuid4() for _ in range(3))
    for referral in (anne, bruno, chloe):
        full.place(referral)
    full.remove(anne)

    full.remove(bruno)

    assert full.place(chloe) is Placement.PLACED


def test_the_fill_rate_counts_seated_people_only() -> None:
    half_empty = session(capacity=4)
    for _ in range(2):
        half_empty.place(uuid4())

    assert half_empty.fill_rate == 0.5
    assert half_empty.seats_left == 2


def test_nobody_takes_two_seats_and_nobody_unknown_leaves() -> None:
    any_session = session(capacity=3)
    anne = uuid4()
    any_session.place(anne)

    with pytest.raises(AlreadyOnSession):
        any_session.place(anne)
    with pytest.raises(NotOnSession):
        any_session.remove(uuid4())
    assert any_session.seated == (anne,)


def test_a_session_has_seats_and_ends_after_it_starts() -> None:
    with pytest.raises(CapacityNotPositive):
        session(capacity=0)
    with pytest.raises(SessionEndsBeforeItStarts):
        WORKSHOP.plan_session(
            session_id=uuid4(), starts_on=date(2026, 10, 5), ends_on=date(2026, 10, 4), venue="", capacity=8
        )
    with pytest.raises(BlankName):
        Workshop(uuid4(), uuid4(), "  ")


PEOPLE = [uuid4() for _ in range(8)]
MOVES = st.lists(st.tuples(st.sampled_from(["place", "remove"]), st.sampled_from(PEOPLE)), max_size=60)


@given(capacity=st.integers(1, 4), moves=MOVES)
def test_any_moves_keep_the_capacity_and_serve_the_line_in_order(
    capacity: int, moves: list[tuple[str, UUID]]
) -> None:
    any_session = session(capacity)
    joined_the_line: list[UUID] = []

    for move, referral in moves:
        was_waiting, line_before = any_session.is_waiting(referral), any_session.waiting_list
        had_room = any_session.seats_left > 0
        if move == "remove":
            with suppress(NotOnSession):
                any_session.remove(referral)
        elif not any_session.holds_seat_for(referral):
            placement = any_session.place(referral)
            first_in_line = not line_before or line_before[0] == referral
            assert (placement is Placement.PLACED) == (had_room and first_in_line)
            if placement is Placement.WAITLISTED and not was_waiting:
                joined_the_line = [*(earlier for earlier in joined_the_line if earlier != referral), referral]

        seated, waiting = any_session.seated, any_session.waiting_list
        assert len(seated) <= capacity
        assert len(set(seated)) == len(seated)
        assert len(set(waiting)) == len(waiting)
        assert not set(seated) & set(waiting)
        assert list(waiting) == [referral for referral in joined_the_line if referral in waiting]
