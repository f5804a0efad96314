"""The referral aggregate: a prescriber's request that an operator welcome a person to a workshop.

Every action checks, in this order, that the actor is this referral's prescriber or operator (or the
system), that its side may take the action, that the lifecycle allows it from the current status, and
then the action's own rules; only when all pass does it change the status, append to the history and
queue one domain event. A refused action changes nothing.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypedDict
from uuid import UUID

from referral.domain import events
from referral.domain.actor import Actor, Party
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
    ImpossibleTransition,
    NoSeatOnSession,
    NotAllowedForRole,
    NotAPartyToTheReferral,
    SessionOfAnotherWorkshop,
    TimeBeforeLastChange,
    WorkshopOfAnotherOperator,
    WorkshopRequired,
)
from referral.domain.lifecycle import (
    RULE_FOR,
    ReferralAction,
    ReferralStatus,
    may_act,
    possible_actions,
    target_of,
)
from referral.domain.status_change import StatusChange
from referral.domain.time_zone import require_time_zone
from referral.domain.workshop import Session, Workshop

_A = ReferralAction


class _EventIds(TypedDict):
    referral_id: UUID
    person_id: UUID
    occurred_at: datetime


@dataclass(eq=False)
class Referral:
    id: UUID
    person_id: UUID
    prescriber_organisation_id: UUID
    operator_organisation_id: UUID
    workshop_id: UUID | None
    status: ReferralStatus
    history: tuple[StatusChange, ...]
    session_id: UUID | None = None
    pending_events: list[events.ReferralEvent] = field(default_factory=list)

    @classmethod
    def send(
        cls,
        *,
        referral_id: UUID,
        person_id: UUID,
        by: Actor,
        operator_organisation_id: UUID,
        workshop: Workshop | None,
        at: datetime,
        answer_clock: AnswerClock,
    ) -> "Referral":
        """Creates the referral, on the prescriber's side, for the operator and maybe one of its workshops."""
        if not may_act(by.party, _A.SEND) or by.organisation_id is None:
            raise NotAllowedForRole(referral_id, by.party, _A.SEND)
        require_time_zone(at)
        if workshop is not None and workshop.operator_organisation_id != operator_organisation_id:
            raise WorkshopOfAnotherOperator(workshop.id, operator_organisation_id)
        workshop_id = workshop.id if workshop else None
        sent = RULE_FOR[_A.SEND].target
        change = StatusChange(
            action=_A.SEND, from_status=None, to_status=sent, at=at, by=by, workshop_id=workshop_id
        )
        referral = cls(
            id=referral_id,
            person_id=person_id,
            prescriber_organisation_id=by.organisation_id,
            operator_organisation_id=operator_organisation_id,
            workshop_id=workshop_id,
            status=sent,
            history=(change,),
        )
        referral.pending_events.append(
            events.ReferralSent(
                **referral._ids(at),
                prescriber_organisation_id=by.organisation_id,
                operator_organisation_id=operator_organisation_id,
                workshop_id=workshop_id,
                reminder_due_on=answer_clock.reminder_due_on(at),
                expires_on=answer_clock.expires_on(at),
            )
        )
        return referral

    @property
    def sent_at(self) -> datetime:
        return self.history[0].at

    def actions_open_to(self, by: Actor) -> frozenset[ReferralAction]:
        if not self._is_party(by):
            return frozenset()
        return possible_actions(self.status, by.party)

    def ensure_possible(self, by: Actor, action: ReferralAction, at: datetime) -> None:
        """Raises what ``action`` would raise before its own rules; changes nothing."""
        self._prepare(by, action, at)

    def pull_events(self) -> list[events.ReferralEvent]:
        pulled, self.pending_events = self.pending_events, []
        return pulled

    def mark_under_review(self, by: Actor, at: datetime) -> None:
        change = self._prepare(by, _A.MARK_UNDER_REVIEW, at)
        operator_id = self.operator_organisation_id
        event = events.ReferralMarkedUnderReview(**self._ids(at), operator_organisation_id=operator_id)
        self._record(change, event)

    def accept(self, by: Actor, at: datetime, workshop: Workshop | None = None) -> None:
        """Accepts for the given workshop, or for the one the prescriber asked for when none is given."""
        change = self._prepare(by, _A.ACCEPT, at)
        if workshop is not None and workshop.operator_organisation_id != self.operator_organisation_id:
            raise WorkshopOfAnotherOperator(workshop.id, self.operator_organisation_id)
        workshop_id = workshop.id if workshop else self.workshop_id
        if workshop_id is None:
            raise WorkshopRequired(self.id)
        self.workshop_id = workshop_id
        self._record(
            replace(change, workshop_id=workshop_id),
            events.ReferralAccepted(
                **self._ids(at),
                operator_organisation_id=self.operator_organisation_id,
                workshop_id=workshop_id,
            ),
        )

    def reject(
        self, by: Actor, at: datetime, reason: RejectionReason, message_for_prescriber: str | None = None
    ) -> None:
        change = self._prepare(by, _A.REJECT, at)
        message = message_for_prescriber.strip() if message_for_prescriber else None
        self._record(
            replace(change, reason=reason, message_for_prescriber=message or None),
            events.ReferralRejected(
                **self._ids(at), operator_organisation_id=self.operator_organisation_id, reason_code=reason
            ),
        )

    def expire(self, by: Actor, at: datetime, answer_clock: AnswerClock) -> None:
        change = self._prepare(by, _A.EXPIRE, at)
        if not answer_clock.expiry_due(self.status, self.sent_at, at):
            raise ExpiryNotDue(self.id, answer_clock.expires_at(self.sent_at))
        unanswered_days = (at - self.sent_at).days
        self._record(change, events.ReferralExpired(**self._ids(at), unanswered_days=unanswered_days))

    def withdraw(self, by: Actor, at: datetime) -> None:
        change = self._prepare(by, _A.WITHDRAW, at)
        prescriber_id = self.prescriber_organisation_id
        event = events.ReferralWithdrawn(**self._ids(at), prescriber_organisation_id=prescriber_id)
        self._record(change, event)

    def waitlist(self, by: Actor, at: datetime, reason: WaitlistReason) -> None:
        """Puts the referral in wait for a session; leaving a session's seat is ``scheduling``'s business."""
        change = self._prepare(by, _A.WAITLIST, at)
        workshop_id = self._accepted_workshop_id()
        left_session_id, self.session_id = self.session_id, None
        self._record(
            replace(change, workshop_id=workshop_id, session_id=left_session_id, reason=reason),
            events.ReferralWaitlisted(
                **self._ids(at), workshop_id=workshop_id, reason_code=reason, left_session_id=left_session_id
            ),
        )

    def schedule(self, by: Actor, at: datetime, session: Session) -> None:
        """Records the seat the referral holds on ``session``; ``scheduling`` takes the seat first."""
        change = self._prepare(by, _A.SCHEDULE, at)
        workshop_id = self._accepted_workshop_id()
        if session.workshop_id != workshop_id:
            raise SessionOfAnotherWorkshop(session.id, workshop_id)
        if not session.holds_seat_for(self.id):
            raise NoSeatOnSession(session.id, self.id)
        self.session_id = session.id
        self._record(
            replace(change, workshop_id=workshop_id, session_id=session.id),
            events.ReferralScheduled(
                **self._ids(at),
                workshop_id=workshop_id,
                session_id=session.id,
                session_starts_on=session.starts_on,
            ),
        )

    def start(self, by: Actor, at: datetime) -> None:
        """Records the person's first attendance."""
        change = self._prepare(by, _A.START, at)
        workshop_id, session_id = self._accepted_workshop_id(), self._session_id(change.action)
        self._record(
            replace(change, session_id=session_id),
            events.ReferralStarted(**self._ids(at), workshop_id=workshop_id, session_id=session_id),
        )

    def pause(
        self, by: Actor, at: datetime, barrier: BarrierCategory, barrier_id: UUID | None = None
    ) -> None:
        change = self._prepare(by, _A.PAUSE, at)
        self._record(
            replace(change, barrier_category=barrier, barrier_id=barrier_id),
            events.ReferralPaused(**self._ids(at), barrier_category=barrier, barrier_id=barrier_id),
        )

    def resume(self, by: Actor, at: datetime) -> None:
        change = self._prepare(by, _A.RESUME, at)
        session_id = self._session_id(change.action)
        event = events.ReferralResumed(**self._ids(at), session_id=session_id)
        self._record(replace(change, session_id=session_id), event)

    def complete(self, by: Actor, at: datetime, outcome: OutcomeFamily) -> None:
        change = self._prepare(by, _A.COMPLETE, at)
        workshop_id, session_id = self._accepted_workshop_id(), self._session_id(change.action)
        self._record(
            replace(change, outcome=outcome),
            events.ReferralCompleted(
                **self._ids(at), workshop_id=workshop_id, session_id=session_id, outcome=outcome
            ),
        )

    def drop_out(self, by: Actor, at: datetime, reason: DropOutReason) -> None:
        change = self._prepare(by, _A.DROP_OUT, at)
        session_id = self._session_id(change.action)
        self._record(
            replace(change, reason=reason),
            events.ReferralDroppedOut(**self._ids(at), reason_code=reason, session_id=session_id),
        )

    def cancel(self, by: Actor, at: datetime) -> None:
        """Cancels on either side's behalf; a seat still held on a session is freed by ``scheduling``."""
        change = self._prepare(by, _A.CANCEL, at)
        cancelling_organisation_id = (
            self.prescriber_organisation_id if by.party is Party.PRESCRIBER else self.operator_organisation_id
        )
        self._record(
            change,
            events.ReferralCancelled(
                **self._ids(at),
                cancelled_by=by.party,
                cancelling_organisation_id=cancelling_organisation_id,
                session_id=self.session_id,
            ),
        )

    def _is_party(self, by: Actor) -> bool:
        return (
            by.party is Party.SYSTEM
            or (by.party is Party.PRESCRIBER and by.organisation_id == self.prescriber_organisation_id)
            or (by.party is Party.OPERATOR and by.organisation_id == self.operator_organisation_id)
        )

    def _prepare(self, by: Actor, action: ReferralAction, at: datetime) -> StatusChange:
        if not self._is_party(by):
            raise NotAPartyToTheReferral(self.id, by.organisation_id, by.party)
        if not may_act(by.party, action):
            raise NotAllowedForRole(self.id, by.party, action)
        target = target_of(self.status, action)
        if target is None:
            raise ImpossibleTransition(self.id, self.status, action)
        require_time_zone(at)
        if at < self.history[-1].at:
            raise TimeBeforeLastChange(self.id, at, self.history[-1].at)
        return StatusChange(action=action, from_status=self.status, to_status=target, at=at, by=by)

    def _record(self, change: StatusChange, event: events.ReferralEvent) -> None:
        self.status = change.to_status
        self.history = (*self.history, change)
        self.pending_events.append(event)

    def _ids(self, at: datetime) -> _EventIds:
        return {"referral_id": self.id, "person_id": self.person_id, "occurred_at": at}

    # Both ids are set by the transitions that lead to the statuses asking for them; the checks only
    # tell mypy so, and would refuse a referral rebuilt with a missing id rather than emit a broken event.
    def _accepted_workshop_id(self) -> UUID:
        if self.workshop_id is None:
            raise WorkshopRequired(self.id)
        return self.workshop_id

    def _session_id(self, action: ReferralAction) -> UUID:
        if self.session_id is None:
            raise ImpossibleTransition(self.id, self.status, action)
        return self.session_id
