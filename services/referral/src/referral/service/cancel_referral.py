"""Either side cancels an accepted referral; any seat or place in line it held is given up with it.

Sessions are locked before the referral, in id order, as placements lock them, so that neither waits
on the other in opposite orders.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain.actor import Actor
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import referral_of


@dataclass(frozen=True, kw_only=True)
class CancelReferral:
    referral_id: UUID
    organisation_id: UUID
    at: datetime


async def cancel_referral(command: CancelReferral, uow: UnitOfWork) -> None:
    unlocked = await referral_of(uow, command.referral_id, command.organisation_id)
    is_prescriber = command.organisation_id == unlocked.prescriber_organisation_id
    by = (
        Actor.prescriber(command.organisation_id)
        if is_prescriber
        else Actor.operator(command.organisation_id)
    )
    sessions = [
        session
        for session_id in await uow.workshops.sessions_holding(command.referral_id)
        if (session := await uow.workshops.get_session(session_id, lock=True)) is not None
    ]
    referral = await referral_of(uow, command.referral_id, command.organisation_id, lock=True)
    referral.cancel(by, command.at)
    for session in sessions:
        session.remove(referral.id)
        await uow.workshops.save_session(session)
    await uow.referrals.save(referral)
