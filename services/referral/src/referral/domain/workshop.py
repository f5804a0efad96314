"""Workshops and their sessions: seats up to the capacity, then a first-come, first-served waiting list.

A freed seat is not handed to the next person waiting by itself: that person's referral has to be
scheduled too (an event, a message to the person), and an operator first checks they can still come.
The seat is therefore kept for the head of the waiting list until the operator places them, or
removes them from the list.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from referral.domain.errors import (
    AlreadyOnSession,
    BlankName,
    CapacityNotPositive,
    NotOnSession,
    SessionEndsBeforeItStarts,
)


class Placement(StrEnum):
    PLACED = "placed"
    WAITLISTED = "waitlisted"


@dataclass(eq=False)
class Session:
    id: UUID
    workshop_id: UUID
    starts_on: date
    ends_on: date
    venue: str
    """A short label or a reference to a place; never part of an event."""
    capacity: int
    seated: tuple[UUID, ...] = ()
    waiting_list: tuple[UUID, ...] = ()

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise SessionEndsBeforeItStarts(self.starts_on, self.ends_on)
        if self.capacity < 1:
            raise CapacityNotPositive(self.capacity)

    @property
    def seats_left(self) -> int:
        return self.capacity - len(self.seated)

    @property
    def fill_rate(self) -> float:
        return len(self.seated) / self.capacity

    def holds_seat_for(self, referral_id: UUID) -> bool:
        return referral_id in self.seated

    def is_waiting(self, referral_id: UUID) -> bool:
        return referral_id in self.waiting_list

    def placement_for(self, referral_id: UUID) -> Placement:
        """What ``place`` would do, without doing it."""
        if self.holds_seat_for(referral_id):
            raise AlreadyOnSession(self.id, referral_id)
        first_in_line = not self.waiting_list or self.waiting_list[0] == referral_id
        return Placement.PLACED if self.seats_left > 0 and first_in_line else Placement.WAITLISTED

    def place(self, referral_id: UUID) -> Placement:
        """Seats the referral if a seat is free and nobody waits before it; otherwise it waits in line.

        Placing a referral that already waits keeps its place in line.
        """
        placement = self.placement_for(referral_id)
        if placement is Placement.PLACED:
            self.waiting_list = tuple(waiting for waiting in self.waiting_list if waiting != referral_id)
            self.seated = (*self.seated, referral_id)
        elif not self.is_waiting(referral_id):
            self.waiting_list = (*self.waiting_list, referral_id)
        return placement

    def remove(self, referral_id: UUID) -> None:
        """Frees the referral's seat or its place in line; promotes nobody (see the module's docstring)."""
        if not (self.holds_seat_for(referral_id) or self.is_waiting(referral_id)):
            raise NotOnSession(self.id, referral_id)
        self.seated = tuple(seated for seated in self.seated if seated != referral_id)
        self.waiting_list = tuple(waiting for waiting in self.waiting_list if waiting != referral_id)


@dataclass(eq=False)
class Workshop:
    """A workshop an operator runs; each session keeps its own seats so that placing locks one session."""

    id: UUID
    operator_organisation_id: UUID
    title: str

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise BlankName("title")

    def plan_session(
        self, *, session_id: UUID, starts_on: date, ends_on: date, venue: str, capacity: int
    ) -> Session:
        return Session(
            id=session_id,
            workshop_id=self.id,
            starts_on=starts_on,
            ends_on=ends_on,
            venue=venue,
            capacity=capacity,
        )
