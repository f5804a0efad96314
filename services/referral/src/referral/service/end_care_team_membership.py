"""A membership of the person's care team ends: the referent removes another organisation, or a member
withdraws its own. From then on that organisation may no longer read the person nor speak about them
(the pathway service learns it from `care_team.member_removed`)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain.care_team import CareTeam
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import care_team_seen_by


@dataclass(frozen=True, kw_only=True)
class EndCareTeamMembership:
    person_id: UUID
    organisation_id: UUID
    requested_by: UUID
    at: datetime


async def end_care_team_membership(command: EndCareTeamMembership, uow: UnitOfWork) -> CareTeam:
    care_team = await care_team_seen_by(uow, command.person_id, command.requested_by, lock=True)
    care_team.end_at_request_of(command.requested_by, organisation_id=command.organisation_id, at=command.at)
    await uow.care_teams.save(care_team)
    return care_team
