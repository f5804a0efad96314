"""The operator follows the person through the workshop: attendance, pauses, and how it ends."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from referral.domain.actor import Actor
from referral.domain.attendance import record_attendance as record_sitting
from referral.domain.codes import AttendanceStatus, BarrierCategory, DropOutReason, OutcomeFamily
from referral.domain.referral import Referral
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import referral_of


@dataclass(frozen=True, kw_only=True)
class OperatorStep:
    referral_id: UUID
    operator_organisation_id: UUID
    at: datetime

    @property
    def by(self) -> Actor:
        return Actor.operator(self.operator_organisation_id)


@dataclass(frozen=True, kw_only=True)
class RecordAttendance(OperatorStep):
    sitting_on: date
    attendance: AttendanceStatus


@dataclass(frozen=True, kw_only=True)
class PauseReferral(OperatorStep):
    barrier_category: BarrierCategory
    barrier_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ResumeReferral(OperatorStep):
    pass


@dataclass(frozen=True, kw_only=True)
class CompleteReferral(OperatorStep):
    outcome: OutcomeFamily


@dataclass(frozen=True, kw_only=True)
class RecordDropOut(OperatorStep):
    reason: DropOutReason


async def record_attendance(command: RecordAttendance, uow: UnitOfWork) -> None:
    referral = await _locked(command, uow)
    record = record_sitting(referral, command.by, command.at, command.sitting_on, command.attendance)
    await uow.attendances.record(record)
    await uow.referrals.save(referral)


async def pause_referral(command: PauseReferral, uow: UnitOfWork) -> None:
    referral = await _locked(command, uow)
    referral.pause(command.by, command.at, command.barrier_category, command.barrier_id)
    await uow.referrals.save(referral)


async def resume_referral(command: ResumeReferral, uow: UnitOfWork) -> None:
    referral = await _locked(command, uow)
    referral.resume(command.by, command.at)
    await uow.referrals.save(referral)


async def complete_referral(command: CompleteReferral, uow: UnitOfWork) -> None:
    referral = await _locked(command, uow)
    referral.complete(command.by, command.at, command.outcome)
    await uow.referrals.save(referral)


async def record_drop_out(command: RecordDropOut, uow: UnitOfWork) -> None:
    referral = await _locked(command, uow)
    referral.drop_out(command.by, command.at, command.reason)
    await uow.referrals.save(referral)


async def _locked(command: OperatorStep, uow: UnitOfWork) -> Referral:
    return await referral_of(uow, command.referral_id, command.operator_organisation_id, lock=True)
