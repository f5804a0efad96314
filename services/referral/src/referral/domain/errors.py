"""Refusals of the domain. Whatever raises one of these has changed nothing.

Three families, so the entrypoints map them once: ``NotPermittedError`` (403/404), ``StateConflictError``
(409) and ``InvalidValueError`` (422).
"""

# ruff: noqa: N818 - a refusal is named after the rule it enforces, as the domain says it (ImpossibleTransition)

from datetime import date, datetime
from uuid import UUID

from referral.domain.actor import Party
from referral.domain.lifecycle import ReferralAction, ReferralStatus


class DomainError(Exception):
    pass


class NotPermittedError(DomainError):
    pass


class StateConflictError(DomainError):
    pass


class InvalidValueError(DomainError):
    pass


class NotAPartyToTheReferral(NotPermittedError):
    def __init__(self, referral_id: UUID, organisation_id: UUID | None, party: Party) -> None:
        self.referral_id = referral_id
        self.organisation_id = organisation_id
        self.party = party
        super().__init__(f"organisation {organisation_id} is not the {party} of referral {referral_id}")


class NotAllowedForRole(NotPermittedError):
    def __init__(self, referral_id: UUID, party: Party, action: ReferralAction) -> None:
        self.referral_id = referral_id
        self.party = party
        self.action = action
        super().__init__(f"a {party} may not {action} referral {referral_id}")


class ImpossibleTransition(StateConflictError):
    def __init__(self, referral_id: UUID, status: ReferralStatus, action: ReferralAction) -> None:
        self.referral_id = referral_id
        self.status = status
        self.action = action
        super().__init__(f"referral {referral_id} is {status}: it cannot {action}")


class ExpiryNotDue(StateConflictError):
    def __init__(self, referral_id: UUID, expires_at: datetime) -> None:
        self.referral_id = referral_id
        self.expires_at = expires_at
        super().__init__(f"referral {referral_id} does not expire before {expires_at.isoformat()}")


class SessionFull(StateConflictError):
    def __init__(self, session_id: UUID, capacity: int) -> None:
        self.session_id = session_id
        self.capacity = capacity
        super().__init__(f"session {session_id} has no seat left for a new person (capacity {capacity})")


class NoSeatOnSession(StateConflictError):
    def __init__(self, session_id: UUID, referral_id: UUID) -> None:
        self.session_id = session_id
        self.referral_id = referral_id
        super().__init__(f"referral {referral_id} holds no seat on session {session_id}")


class AlreadyOnSession(StateConflictError):
    def __init__(self, session_id: UUID, referral_id: UUID) -> None:
        self.session_id = session_id
        self.referral_id = referral_id
        super().__init__(f"referral {referral_id} already holds a seat on session {session_id}")


class NotOnSession(StateConflictError):
    def __init__(self, session_id: UUID, referral_id: UUID) -> None:
        self.session_id = session_id
        self.referral_id = referral_id
        super().__init__(f"referral {referral_id} is neither seated nor waiting on session {session_id}")


class AlreadyInCareTeam(StateConflictError):
    def __init__(self, person_id: UUID, organisation_id: UUID) -> None:
        self.person_id = person_id
        self.organisation_id = organisation_id
        super().__init__(f"organisation {organisation_id} already follows person {person_id}")


class NotInCareTeam(StateConflictError):
    def __init__(self, person_id: UUID, organisation_id: UUID) -> None:
        self.person_id = person_id
        self.organisation_id = organisation_id
        super().__init__(f"organisation {organisation_id} does not follow person {person_id}")


class MembershipsWouldOverlap(StateConflictError):
    def __init__(self, organisation_id: UUID, previous_until: date, since: date) -> None:
        self.organisation_id = organisation_id
        self.previous_until = previous_until
        self.since = since
        super().__init__(
            f"organisation {organisation_id} followed the person until {previous_until}: "
            f"it cannot join again from {since}"
        )


class TimeWithoutZone(InvalidValueError):
    def __init__(self, at: datetime) -> None:
        self.at = at
        super().__init__(f"{at.isoformat()} has no time zone")


class TimeBeforeLastChange(InvalidValueError):
    def __init__(self, referral_id: UUID, at: datetime, last_change_at: datetime) -> None:
        self.referral_id = referral_id
        self.at = at
        self.last_change_at = last_change_at
        super().__init__(
            f"referral {referral_id} last changed at {last_change_at.isoformat()}: "
            f"nothing can happen to it at {at.isoformat()}"
        )


class WorkshopRequired(InvalidValueError):
    def __init__(self, referral_id: UUID) -> None:
        self.referral_id = referral_id
        super().__init__(f"referral {referral_id} names no workshop: accepting it must name one")


class WorkshopOfAnotherOperator(InvalidValueError):
    def __init__(self, workshop_id: UUID, operator_organisation_id: UUID) -> None:
        self.workshop_id = workshop_id
        self.operator_organisation_id = operator_organisation_id
        super().__init__(f"workshop {workshop_id} is not run by operator {operator_organisation_id}")


class SessionOfAnotherWorkshop(InvalidValueError):
    def __init__(self, session_id: UUID, workshop_id: UUID | None) -> None:
        self.session_id = session_id
        self.workshop_id = workshop_id
        super().__init__(f"session {session_id} is not a session of workshop {workshop_id}")


class SessionEndsBeforeItStarts(InvalidValueError):
    def __init__(self, starts_on: date, ends_on: date) -> None:
        self.starts_on = starts_on
        self.ends_on = ends_on
        super().__init__(f"a session cannot end on {ends_on}, before it starts on {starts_on}")


class CapacityNotPositive(InvalidValueError):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        super().__init__(f"a session needs at least one seat, not {capacity}")


class InvalidAnswerClock(InvalidValueError):
    def __init__(self, reminder_after_days: int, expires_after_days: int) -> None:
        self.reminder_after_days = reminder_after_days
        self.expires_after_days = expires_after_days
        super().__init__(
            f"the reminder (day {reminder_after_days}) must come after sending and before the expiry "
            f"(day {expires_after_days})"
        )


class BlankName(InvalidValueError):
    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(f"{field} must not be blank")


class ContactPreferenceUnreachable(InvalidValueError):
    def __init__(self, preference: str, missing: str) -> None:
        self.preference = preference
        self.missing = missing
        super().__init__(f"contact by {preference} needs {missing}")


class MembershipEndsBeforeItStarts(InvalidValueError):
    def __init__(self, organisation_id: UUID, since: date, until: date) -> None:
        self.organisation_id = organisation_id
        self.since = since
        self.until = until
        super().__init__(
            f"the membership of organisation {organisation_id} started on {since}: it cannot end on {until}"
        )


class AttendanceNotExpected(StateConflictError):
    def __init__(self, referral_id: UUID, status: ReferralStatus) -> None:
        self.referral_id = referral_id
        self.status = status
        super().__init__(f"referral {referral_id} is {status}: no attendance can be recorded for it")


class NotTheReferent(NotPermittedError):
    def __init__(self, person_id: UUID, organisation_id: UUID) -> None:
        self.person_id = person_id
        self.organisation_id = organisation_id
        super().__init__(
            f"organisation {organisation_id} is not the referent of person {person_id}: only the organisation"
            " that referred the person adds others to their care team or removes them from it"
        )


class ReferentCannotWithdraw(StateConflictError):
    def __init__(self, person_id: UUID, organisation_id: UUID) -> None:
        self.person_id = person_id
        self.organisation_id = organisation_id
        super().__init__(
            f"organisation {organisation_id} is the referent of person {person_id}: it cannot withdraw from"
            " their care team, since nobody could then bring other organisations in"
        )
