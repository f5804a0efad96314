"""Attendance at sittings: the first presence starts the workshop; every record is an event."""

from datetime import date
from typing import TYPE_CHECKING

import pytest

from referral.domain import events
from referral.domain.attendance import record_attendance
from referral.domain.codes import AttendanceStatus
from referral.domain.errors import AttendanceNotExpected, NotAPartyToTheReferral
from referral.domain.lifecycle import ReferralStatus
from referral.domain.referral import Referral
from referral.domain.scheduling import place_on_session

if TYPE_CHECKING:
    from conftest import World

SITTING = date(2026, 10, 5)


def scheduled(world: "World") -> Referral:
    referral = world.send()
    referral.accept(world.operator, world.later())
    place_on_session(referral, world.session(), world.operator, world.later())
    referral.pull_events()
    return referral


def test_a_first_presence_starts_the_workshop_and_is_recorded(world: "World") -> None:
    referral = scheduled(world)

    record_attendance(referral, world.operator, world.later(), SITTING, AttendanceStatus.PRESENT)

    assert referral.status is ReferralStatus.STARTED
    started, recorded = referral.pull_events()
    assert isinstance(started, events.ReferralStarted)
    assert isinstance(recorded, events.AttendanceRecorded)
    assert (recorded.sitting_on, recorded.attendance) == (SITTING, AttendanceStatus.PRESENT)
    assert recorded.session_id == referral.session_id


@pytest.mark.parametrize("attendance", [AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED])
def test_an_absence_is_recorded_without_starting(world: "World", attendance: AttendanceStatus) -> None:
    referral = scheduled(world)

    record_attendance(referral, world.operator, world.later(), SITTING, attendance)

    assert referral.status is ReferralStatus.SCHEDULED
    assert [type(event) for event in referral.pull_events()] == [events.AttendanceRecorded]


def test_no_attendance_is_recorded_before_a_session_is_given(world: "World") -> None:
    referral = world.send()
    referral.accept(world.operator, world.later())
    referral.pull_events()

    with pytest.raises(AttendanceNotExpected):
        record_attendance(referral, world.operator, world.later(), SITTING, AttendanceStatus.PRESENT)
    assert referral.pull_events() == []


@pytest.mark.parametrize("who", ["prescriber", "stranger"])
def test_only_the_referrals_operator_records_attendance(world: "World", who: str) -> None:
    referral = scheduled(world)

    with pytest.raises(NotAPartyToTheReferral):
        record_attendance(referral, getattr(world, who), world.later(), SITTING, AttendanceStatus.PRESENT)
    assert referral.status is ReferralStatus.SCHEDULED
