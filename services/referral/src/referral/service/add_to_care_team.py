"""The referent adds an organisation to the person's care team: from then on it may read the person and
speak about them on the shared timeline (the pathway service learns it from `care_team.member_added`)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain.care_team import CareTeam
from referral.service.errors import UnknownOrganisation
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import care_team_seen_by


@dataclass(frozen=True, kw_only=True)
class AddToCareTeam:
    person_id: UUID
    organisation_id: UUID
    referent_id: UUID
    at: datetime


async def add_to_care_team(command: AddToCareTeam, uow: UnitOfWork) -> CareTeam:
    care_team = await care_team_seen_by(uow, command.person_id, command.referent_id, lock=True)
    organisation = await uow.organisations.get(command.organisation_id)
    if organisation is None:
        raise UnknownOrganisation(command.organisation_id, "organisation")
    care_team.add_by_referent(
        referent_id=command.referent_id,
        organisation_id=organisation.id,
        organisation_kind=organisation.kind,
        at=command.at,
    )
    await uow.care_teams.save(care_team)
    return care_team
