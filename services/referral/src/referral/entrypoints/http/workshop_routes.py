"""Operators publish workshops and their sessions, and read how full each session is."""

from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from referral.adapters.referral_queries import sessions_of_workshop, workshops_of_region
from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.entrypoints.http.context import HttpContext, Idempotency
from referral.entrypoints.http.problems import PROBLEM_RESPONSES
from referral.entrypoints.http.referral_schemas import Request, ShortText
from referral.entrypoints.http.scopes import MANAGE_WORKSHOPS
from referral.service.publish_sessions import (
    PublishSession,
    PublishWorkshop,
    publish_session,
    publish_workshop,
    workshop_of,
)
from service_kit.http.api_keys import AuthenticatedOrganisation


class WorkshopIn(Request):
    title: ShortText


class WorkshopOut(BaseModel):
    id: UUID
    operator_organisation_id: UUID
    title: str


class SessionIn(Request):
    starts_on: date
    ends_on: date
    venue: ShortText = Field(description="A short label for the place; never part of an event.")
    capacity: int = Field(ge=1, le=1000)

    @model_validator(mode="after")
    def ends_after_it_starts(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("a session ends on or after the day it starts")
        return self


class SessionOut(BaseModel):
    id: UUID
    workshop_id: UUID
    starts_on: date
    ends_on: date
    venue: str
    capacity: int
    seated: int
    waiting: int
    fill_rate: float = Field(description="Seats taken over capacity, from 0 to 1.")


def workshop_routes(context: HttpContext) -> APIRouter:
    router = APIRouter(prefix="/workshops", tags=["workshops"], responses=PROBLEM_RESPONSES)
    Operator = Annotated[AuthenticatedOrganisation, Depends(context.caller_with(MANAGE_WORKSHOPS))]  # noqa: N806 - a type
    AnyPartner = Annotated[AuthenticatedOrganisation, Depends(context.any_partner())]  # noqa: N806 - a type

    @router.get("", response_model=list[WorkshopOut])
    async def list_workshops(
        _caller: AnyPartner,
        operator_organisation_id: Annotated[UUID | None, Query(description="Only this operator's.")] = None,
    ) -> list[WorkshopOut]:
        """The workshops of the region, for prescribers choosing where to refer; no one's data in it."""
        async with context.unit_of_work() as uow:
            listings = await workshops_of_region(uow.session, operator_organisation_id)
        return [WorkshopOut(**vars(listing)) for listing in listings]

    @router.post("", status_code=201, response_model=WorkshopOut)
    async def create_workshop(body: WorkshopIn, caller: Operator, idempotency: Idempotency) -> Response:
        async def publish(uow: SqlUnitOfWork, _at: datetime) -> Response:
            command = PublishWorkshop(
                workshop_id=uuid4(), operator_organisation_id=caller.organisation_id, title=body.title
            )
            workshop = await publish_workshop(command, uow)
            document = WorkshopOut(
                id=workshop.id,
                operator_organisation_id=workshop.operator_organisation_id,
                title=workshop.title,
            )
            return JSONResponse(
                document.model_dump(mode="json"),
                status_code=201,
                headers={"Location": f"/workshops/{workshop.id}"},
            )

        return await context.apply_once(caller, idempotency, publish)

    @router.post("/{workshop_id}/sessions", status_code=201, response_model=SessionOut)
    async def create_session(
        workshop_id: UUID, body: SessionIn, caller: Operator, idempotency: Idempotency
    ) -> Response:
        async def publish(uow: SqlUnitOfWork, _at: datetime) -> Response:
            command = PublishSession(
                session_id=uuid4(),
                workshop_id=workshop_id,
                operator_organisation_id=caller.organisation_id,
                starts_on=body.starts_on,
                ends_on=body.ends_on,
                venue=body.venue,
                capacity=body.capacity,
            )
            session = await publish_session(command, uow)
            document = SessionOut(
                id=session.id,
                workshop_id=workshop_id,
                starts_on=session.starts_on,
                ends_on=session.ends_on,
                venue=session.venue,
                capacity=session.capacity,
                seated=0,
                waiting=0,
                fill_rate=0.0,
            )
            return JSONResponse(document.model_dump(mode="json"), status_code=201)

        return await context.apply_once(caller, idempotency, publish)

    @router.get("/{workshop_id}/sessions", response_model=list[SessionOut])
    async def list_sessions(workshop_id: UUID, caller: Operator) -> list[SessionOut]:
        """The workshop's sessions with seats taken, people waiting and fill rate."""
        async with context.unit_of_work() as uow:
            await workshop_of(uow, workshop_id, caller.organisation_id)
            fills = await sessions_of_workshop(uow.session, workshop_id)
        return [
            SessionOut(
                id=fill.id,
                workshop_id=workshop_id,
                starts_on=fill.starts_on,
                ends_on=fill.ends_on,
                venue=fill.venue,
                capacity=fill.capacity,
                seated=fill.seated,
                waiting=fill.waiting,
                fill_rate=fill.fill_rate,
            )
            for fill in fills
        ]

    return router
