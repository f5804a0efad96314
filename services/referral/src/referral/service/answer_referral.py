"""The operator answers a referral: looks at it, accepts it (joining the person's care team) or refuses it."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain.actor import Actor
from referral.domain.codes import CareTeamJoinReason, OrganisationKind, RejectionReason
from referral.service.errors import UnknownWorkshop
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import referral_of


@dataclass(frozen=True, kw_only=True)
class MarkUnderReview:
    referral_id: UUID
    operator_organisation_id: UUID
    at: datetime


@dataclass(frozen=True, kw_only=True)
class AcceptReferral:
    referral_id: UUID
    operator_organisation_id: UUID
    at: datetime
    workshop_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class RejectReferral:
    referral_id: UUID
    operator_organisation_id: UUID
    at: datetime
    reason: RejectionReason
    message_for_prescriber: str | None = None


async def mark_under_review(command: MarkUnderReview, uow: UnitOfWork) -> None:
    referral = await referral_of(uow, command.referral_id, command.operator_organisation_id, lock=True)
    referral.mark_under_review(Actor.operator(command.operator_organisation_id), command.at)
    await uow.referrals.save(referral)


async def accept_referral(command: AcceptReferral, uow: UnitOfWork) -> None:
    referral = await referral_of(uow, command.referral_id, command.operator_organisation_id, lock=True)
    workshop = None
    if command.workshop_id is not None:
        workshop = await uow.workshops.get(command.workshop_id)
        if workshop is None:
            raise UnknownWorkshop(command.workshop_id)
    referral.accept(Actor.operator(command.operator_organisation_id), command.at, workshop)
    await uow.referrals.save(referral)
    care_team = await uow.care_teams.get(referral.person_id, lock=True)
    if not care_team.is_followed_by(command.operator_organisation_id):
        care_team.add(
            organisation_id=command.operator_organisation_id,
            organisation_kind=OrganisationKind.OPERATOR,
            reason=CareTeamJoinReason.ACCEPTED_THE_REFERRAL,
            at=command.at,
            referral_id=referral.id,
        )
        await uow.care_teams.save(care_team)


async def reject_referral(command: RejectReferral, uow: UnitOfWork) -> None:
    referral = await referral_of(uow, command.referral_id, command.operator_organisation_id, lock=True)
    referral.reject(
        Actor.operator(command.operator_organisation_id),
        command.at,
        command.reason,
        command.message_for_prescriber,
    )
    await uow.referrals.save(referral)
