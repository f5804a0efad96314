"""The prescriber withdraws a referral the operator has not answered yet."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain.actor import Actor
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import referral_of


@dataclass(frozen=True, kw_only=True)
class WithdrawReferral:
    referral_id: UUID
    prescriber_organisation_id: UUID
    at: datetime


async def withdraw_referral(command: WithdrawReferral, uow: UnitOfWork) -> None:
    referral = await referral_of(uow, command.referral_id, command.prescriber_organisation_id, lock=True)
    referral.withdraw(Actor.prescriber(command.prescriber_organisation_id), command.at)
    await uow.referrals.save(referral)
