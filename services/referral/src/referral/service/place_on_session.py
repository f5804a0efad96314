"""The operator places a person on a session, or puts them on the waiting list.

Locks are always taken sessions first, in id order, then referral, so that two placements never wait on
each other in opposite orders.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain import scheduling
from referral.domain.actor import Actor
from referral.domain.codes import WaitlistReason
from referral.domain.lifecycle import ReferralStatus
from referral.domain.referral import Referral
from referral.domain.workshop import Placement, Session
from referral.service.errors import SessionNotFound
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import referral_of


@dataclass(frozen=True, kw_only=True)
class PlaceOnSession:
    referral_id: UUID
    session_id: UUID
    operator_organisation_id: UUID
    at: datetime


@dataclass(frozen=True, kw_only=True)
class MoveToWaitingList:
    referral_id: UUID
    operator_organisation_id: UUID
    at: datetime
    reason: WaitlistReason = WaitlistReason.NO_SESSION_PLANNED


async def place_on_session(command: PlaceOnSession, uow: UnitOfWork) -> Placement:
    await referral_of(uow, command.referral_id, command.operator_organisation_id)
    waited_in = set(await uow.workshops.sessions_holding(command.referral_id)) - {command.session_id}
    locked: dict[UUID, Session] = {}
    for session_id in sorted({command.session_id, *waited_in}):
        if session_id == command.session_id:
            locked[session_id] = await _session_of_operator(uow, session_id, command.operator_organisation_id)
        elif (line := await uow.workshops.get_session(session_id, lock=True)) is not None:
            locked[session_id] = line
    session = locked.pop(command.session_id)
    referral = await referral_of(uow, command.referral_id, command.operator_organisation_id, lock=True)
    by = Actor.operator(command.operator_organisation_id)
    lines = [line for line in locked.values() if line.is_waiting(referral.id)]
    placement = scheduling.place_on_session(referral, session, by, command.at, lines_waited_in=lines)
    for changed in (session, *lines) if placement is Placement.PLACED else (session,):
        await uow.workshops.save_session(changed)
    await uow.referrals.save(referral)
    return placement


async def move_to_waiting_list(command: MoveToWaitingList, uow: UnitOfWork) -> None:
    """A scheduled person gives up their seat; an accepted one waits for a session yet to be planned."""
    unlocked = await referral_of(uow, command.referral_id, command.operator_organisation_id)
    by = Actor.operator(command.operator_organisation_id)
    if unlocked.status is ReferralStatus.SCHEDULED and unlocked.session_id is not None:
        session = await _session_of_operator(uow, unlocked.session_id, command.operator_organisation_id)
        referral = await _locked(uow, command)
        scheduling.move_back_to_waiting_list(referral, session, by, command.at, command.reason)
        await uow.workshops.save_session(session)
    else:
        referral = await _locked(uow, command)
        referral.waitlist(by, command.at, command.reason)
    await uow.referrals.save(referral)


async def _locked(uow: UnitOfWork, command: MoveToWaitingList) -> Referral:
    return await referral_of(uow, command.referral_id, command.operator_organisation_id, lock=True)


async def _session_of_operator(uow: UnitOfWork, session_id: UUID, operator_id: UUID) -> Session:
    session = await uow.workshops.get_session(session_id, lock=True)
    workshop = await uow.workshops.get(session.workshop_id) if session else None
    if session is None or workshop is None or workshop.operator_organisation_id != operator_id:
        raise SessionNotFound(session_id)
    return session
