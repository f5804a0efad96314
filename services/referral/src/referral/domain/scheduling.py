"""Moving a referral on and off a session's seats, keeping the referral and the session in step.

Every check of both sides runs before either changes, so a refusal leaves both as they were.
"""

from collections.abc import Sequence
from datetime import datetime

from referral.domain.actor import Actor
from referral.domain.codes import WaitlistReason
from referral.domain.errors import NoSeatOnSession, SessionOfAnotherWorkshop
from referral.domain.lifecycle import ReferralAction, ReferralStatus
from referral.domain.referral import Referral
from referral.domain.workshop import Placement, Session


def place_on_session(
    referral: Referral,
    session: Session,
    by: Actor,
    at: datetime,
    *,
    lines_waited_in: Sequence[Session] = (),
) -> Placement:
    """Schedules an accepted or waiting referral on a seat of the session, or puts it in the session's line.

    A referral already waiting stays ``waitlisted`` when it joins another line; an accepted one becomes
    ``waitlisted`` with the reason ``session_full``. Once seated, it leaves ``lines_waited_in`` (the other
    sessions whose line it is in), so that their kept seat goes to the next person waiting.
    """
    referral.ensure_possible(by, ReferralAction.SCHEDULE, at)
    if session.workshop_id != referral.workshop_id:
        raise SessionOfAnotherWorkshop(session.id, referral.workshop_id)
    placement = session.placement_for(referral.id)
    starts_waiting = placement is Placement.WAITLISTED and referral.status is not ReferralStatus.WAITLISTED
    if starts_waiting:
        referral.ensure_possible(by, ReferralAction.WAITLIST, at)

    session.place(referral.id)
    if placement is Placement.PLACED:
        referral.schedule(by, at, session)
        for line in lines_waited_in:
            line.remove(referral.id)
    elif starts_waiting:
        referral.waitlist(by, at, WaitlistReason.SESSION_FULL)
    return placement


def move_back_to_waiting_list(
    referral: Referral, session: Session, by: Actor, at: datetime, reason: WaitlistReason
) -> None:
    """Frees a scheduled referral's seat and puts the referral back in wait for a session."""
    referral.ensure_possible(by, ReferralAction.WAITLIST, at)
    if referral.session_id != session.id or not session.holds_seat_for(referral.id):
        raise NoSeatOnSession(session.id, referral.id)

    referral.waitlist(by, at, reason)
    session.remove(referral.id)
