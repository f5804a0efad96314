"""A person's care team: who follows them, read by its members; the referent (the organisation that
referred the person) brings others in, such as the partners who lift the barriers in the person's way,
and removes them; any other member may withdraw."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.domain.care_team import CareTeam
from referral.domain.codes import CareTeamJoinReason, CareTeamLeaveReason, OrganisationKind
from referral.entrypoints.http.context import HttpContext, Idempotency
from referral.entrypoints.http.problems import PROBLEM_RESPONSES
from referral.entrypoints.http.scopes import MANAGE_CARE_TEAMS, READ_PERSONS
from referral.service.add_to_care_team import AddToCareTeam, add_to_care_team
from referral.service.end_care_team_membership import EndCareTeamMembership, end_care_team_membership
from referral.service.visibility import care_team_seen_by
from service_kit.http.api_keys import AuthenticatedOrganisation


class CareTeamMemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: UUID = Field(description="The organisation the referent brings into the care team.")


class CareTeamMembershipOut(BaseModel):
    organisation_id: UUID
    organisation_kind: OrganisationKind
    since: date
    join_reason: CareTeamJoinReason
    until: date | None
    leave_reason: CareTeamLeaveReason | None


class CareTeamOut(BaseModel):
    person_id: UUID
    memberships: list[CareTeamMembershipOut]
    """Past memberships stay, with the day they ended and why."""

    @classmethod
    def of(cls, care_team: CareTeam) -> "CareTeamOut":
        return cls(
            person_id=care_team.person_id,
            memberships=[
                CareTeamMembershipOut(
                    organisation_id=membership.organisation_id,
                    organisation_kind=membership.organisation_kind,
                    since=membership.since,
                    join_reason=membership.join_reason,
                    until=membership.until,
                    leave_reason=membership.leave_reason,
                )
                for membership in care_team.memberships
            ],
        )


def care_team_routes(context: HttpContext) -> APIRouter:
    router = APIRouter(tags=["persons"], responses=PROBLEM_RESPONSES)
    Reader = Annotated[AuthenticatedOrganisation, Depends(context.caller_with(READ_PERSONS))]  # noqa: N806 - a type
    Manager = Annotated[AuthenticatedOrganisation, Depends(context.caller_with(MANAGE_CARE_TEAMS))]  # noqa: N806 - a type

    @router.get("/persons/{person_id}/care-team", response_model=CareTeamOut)
    async def read_care_team(person_id: UUID, caller: Reader) -> CareTeamOut:
        """Who follows the person, and who did: for an organisation of their care team."""
        async with context.unit_of_work() as uow:
            care_team = await care_team_seen_by(uow, person_id, caller.organisation_id)
        return CareTeamOut.of(care_team)

    @router.post("/persons/{person_id}/care-team", status_code=201, response_model=CareTeamOut)
    async def add_member(
        person_id: UUID, body: CareTeamMemberIn, caller: Manager, idempotency: Idempotency
    ) -> Response:
        """The person's referent (the organisation that referred them) adds an organisation to their care
        team; `care_team.member_added` goes out with the change."""

        async def add(uow: SqlUnitOfWork, at: datetime) -> Response:
            command = AddToCareTeam(
                person_id=person_id,
                organisation_id=body.organisation_id,
                referent_id=caller.organisation_id,
                at=at,
            )
            care_team = await add_to_care_team(command, uow)
            return JSONResponse(CareTeamOut.of(care_team).model_dump(mode="json"), status_code=201)

        return await context.apply_once(caller, idempotency, add)

    @router.post("/persons/{person_id}/care-team/members/{organisation_id}/end", response_model=CareTeamOut)
    async def end_membership(
        person_id: UUID, organisation_id: UUID, caller: Manager, idempotency: Idempotency
    ) -> Response:
        """Ends a membership of the person's care team today: the referent removes another member
        (`removed_by_referent`), or a member withdraws its own organisation (`organisation_withdrew`); the
        referent itself cannot withdraw. `care_team.member_removed` goes out with the change. Answers with
        the care team as the change left it."""

        async def end(uow: SqlUnitOfWork, at: datetime) -> Response:
            command = EndCareTeamMembership(
                person_id=person_id,
                organisation_id=organisation_id,
                requested_by=caller.organisation_id,
                at=at,
            )
            care_team = await end_care_team_membership(command, uow)
            return JSONResponse(CareTeamOut.of(care_team).model_dump(mode="json"))

        return await context.apply_once(caller, idempotency, end)

    return router
