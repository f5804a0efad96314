"""What an organisation may see: referrals it sent or received, persons whose care team includes it."""

from uuid import UUID

from referral.domain.care_team import CareTeam
from referral.domain.person import Person
from referral.domain.referral import Referral
from referral.service.errors import PersonNotFound, ReferralNotFound
from referral.service.unit_of_work import UnitOfWork


async def referral_of(
    uow: UnitOfWork, referral_id: UUID, organisation_id: UUID, *, lock: bool = False
) -> Referral:
    referral = await uow.referrals.get(referral_id, lock=lock)
    if referral is None or organisation_id not in {
        referral.prescriber_organisation_id,
        referral.operator_organisation_id,
    }:
        raise ReferralNotFound(referral_id)
    return referral


async def person_followed_by(uow: UnitOfWork, person_id: UUID, organisation_id: UUID) -> Person:
    person = await uow.persons.get(person_id)
    if person is None or not (await uow.care_teams.get(person_id)).is_followed_by(organisation_id):
        raise PersonNotFound(person_id)
    return person


async def care_team_seen_by(
    uow: UnitOfWork, person_id: UUID, organisation_id: UUID, *, lock: bool = False
) -> CareTeam:
    care_team = await uow.care_teams.get(person_id, lock=lock)
    if not care_team.is_followed_by(organisation_id):
        raise PersonNotFound(person_id)
    return care_team
