"""Attendance at the sittings of a session: the person's first presence starts their workshop."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from uuid import UUID

from referral.domain.actor import Actor, Party
from referral.domain.codes import AttendanceStatus
from referral.domain.errors import AttendanceNotExpected, NotAPartyToTheReferral
from referral.domain.events import AttendanceRecorded
from referral.domain.lifecycle import ReferralStatus
from referral.domain.referral import Referral
from referral.domain.time_zone import require_time_zone

_ATTENDING: Final = frozenset({ReferralStatus.SCHEDULED, ReferralStatus.STARTED})


@dataclass(frozen=True)
class AttendanceRecord:
    referral_id: UUID
    session_id: UUID
    sitting_on: date
    attendance: AttendanceStatus
    recorded_at: datetime


def record_attendance(
    referral: Referral, by: Actor, at: datetime, sitting_on: date, attendance: AttendanceStatus
) -> AttendanceRecord:
    """Records one sitting; a first presence while scheduled also starts the referral."""
    if by.party is not Party.OPERATOR or by.organisation_id != referral.operator_organisation_id:
        raise NotAPartyToTheReferral(referral.id, by.organisation_id, Party.OPERATOR)
    require_time_zone(at)
    if referral.status not in _ATTENDING or referral.session_id is None or referral.workshop_id is None:
        raise AttendanceNotExpected(referral.id, referral.status)
    session_id, workshop_id = referral.session_id, referral.workshop_id
    if attendance is AttendanceStatus.PRESENT and referral.status is ReferralStatus.SCHEDULED:
        referral.start(by, at)
    referral.pending_events.append(
        AttendanceRecorded(
            referral_id=referral.id,
            person_id=referral.person_id,
            occurred_at=at,
            workshop_id=workshop_id,
            session_id=session_id,
            sitting_on=sitting_on,
            attendance=attendance,
        )
    )
    return AttendanceRecord(referral.id, session_id, sitting_on, attendance, at)
