"""Operators list incoming referrals, answer them, place people on sessions and follow them through."""

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from fastapi.types import DecoratedCallable

from referral.adapters.referral_queries import incoming_referrals
from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.domain.lifecycle import ReferralStatus
from referral.entrypoints.http.context import HttpContext, Idempotency
from referral.entrypoints.http.problems import PROBLEM_RESPONSES
from referral.entrypoints.http.referral_schemas import (
    AcceptIn,
    AttendanceIn,
    CompleteIn,
    DropOutIn,
    PauseIn,
    PlacementIn,
    ReferralOut,
    ReferralPage,
    ReferralSummaryOut,
    RejectIn,
    WaitingListIn,
)
from referral.entrypoints.http.scopes import ANSWER_REFERRALS
from referral.service import answer_referral as answer
from referral.service import follow_workshop as follow
from referral.service import place_on_session as placing
from service_kit.http.api_keys import AuthenticatedOrganisation
from service_kit.http.problems import Problem, ProblemError, problem_type


def operator_routes(context: HttpContext) -> APIRouter:
    router = APIRouter(prefix="/referrals", tags=["referrals"], responses=PROBLEM_RESPONSES)
    Operator = Annotated[AuthenticatedOrganisation, Depends(context.caller_with(ANSWER_REFERRALS))]  # noqa: N806 - a type

    @router.get("/incoming", response_model=ReferralPage)
    async def list_incoming(
        caller: Operator,
        status: Annotated[list[ReferralStatus] | None, Query(description="Only these statuses.")] = None,
        workshop_id: Annotated[UUID | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    ) -> ReferralPage:
        """Referrals sent to the calling operator, oldest first."""
        async with context.unit_of_work() as uow:
            summaries = await incoming_referrals(
                uow.session,
                caller.organisation_id,
                statuses=status or [],
                workshop_id=workshop_id,
                after=_decoded(cursor) if cursor else None,
                limit=limit + 1,
            )
        items = [ReferralSummaryOut(**vars(summary)) for summary in summaries[:limit]]
        last = summaries[limit - 1] if len(summaries) > limit else None
        return ReferralPage(items=items, next_cursor=_encoded(last.sent_at, last.id) if last else None)

    def operator_step(path: str, summary: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
        return router.post(path, response_model=ReferralOut, summary=summary)

    @operator_step("/{referral_id}/under-review", "Mark a referral as under review")
    async def mark_under_review(referral_id: UUID, caller: Operator, idempotency: Idempotency) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = answer.MarkUnderReview(
                referral_id=referral_id, operator_organisation_id=caller.organisation_id, at=at
            )
            await answer.mark_under_review(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/accept", "Accept a referral, for the given workshop or the one asked for")
    async def accept(
        referral_id: UUID, caller: Operator, idempotency: Idempotency, body: AcceptIn | None = None
    ) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = answer.AcceptReferral(
                referral_id=referral_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
                workshop_id=body.workshop_id if body else None,
            )
            await answer.accept_referral(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/reject", "Refuse a referral with a coded reason")
    async def reject(
        referral_id: UUID, body: RejectIn, caller: Operator, idempotency: Idempotency
    ) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = answer.RejectReferral(
                referral_id=referral_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
                reason=body.reason_code,
                message_for_prescriber=body.message_for_prescriber,
            )
            await answer.reject_referral(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/placement", "Place the person on a session, or in its line if it is full")
    async def place(
        referral_id: UUID, body: PlacementIn, caller: Operator, idempotency: Idempotency
    ) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = placing.PlaceOnSession(
                referral_id=referral_id,
                session_id=body.session_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
            )
            await placing.place_on_session(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step(
        "/{referral_id}/waiting-list", "Move an accepted or scheduled referral to the waiting list"
    )
    async def wait(
        referral_id: UUID, caller: Operator, idempotency: Idempotency, body: WaitingListIn | None = None
    ) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = placing.MoveToWaitingList(
                referral_id=referral_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
                reason=(body or WaitingListIn()).reason_code,
            )
            await placing.move_to_waiting_list(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/attendance", "Record attendance at a sitting (present, absent, excused)")
    async def attend(
        referral_id: UUID, body: AttendanceIn, caller: Operator, idempotency: Idempotency
    ) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = follow.RecordAttendance(
                referral_id=referral_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
                sitting_on=body.sitting_on,
                attendance=body.attendance,
            )
            await follow.record_attendance(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/pause", "Pause a started workshop because of a barrier")
    async def pause(referral_id: UUID, body: PauseIn, caller: Operator, idempotency: Idempotency) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = follow.PauseReferral(
                referral_id=referral_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
                barrier_category=body.barrier_category,
                barrier_id=body.barrier_id,
            )
            await follow.pause_referral(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/resume", "Resume a paused workshop")
    async def resume(referral_id: UUID, caller: Operator, idempotency: Idempotency) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = follow.ResumeReferral(
                referral_id=referral_id, operator_organisation_id=caller.organisation_id, at=at
            )
            await follow.resume_referral(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/complete", "Close the workshop with an outcome")
    async def complete(
        referral_id: UUID, body: CompleteIn, caller: Operator, idempotency: Idempotency
    ) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = follow.CompleteReferral(
                referral_id=referral_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
                outcome=body.outcome,
            )
            await follow.complete_referral(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @operator_step("/{referral_id}/drop-out", "Record that the person left early, with a coded reason")
    async def drop_out(
        referral_id: UUID, body: DropOutIn, caller: Operator, idempotency: Idempotency
    ) -> Response:
        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = follow.RecordDropOut(
                referral_id=referral_id,
                operator_organisation_id=caller.organisation_id,
                at=at,
                reason=body.reason_code,
            )
            await follow.record_drop_out(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    return router


def _encoded(sent_at: datetime, referral_id: UUID) -> str:
    raw = json.dumps([sent_at.isoformat(), str(referral_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decoded(cursor: str) -> tuple[datetime, UUID]:
    try:
        sent_at, referral_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(sent_at), UUID(referral_id)
    except (ValueError, TypeError, binascii.Error) as error:
        problem = Problem(
            type=problem_type("invalid-cursor"),
            title="Invalid cursor",
            status=422,
            detail="Pass back the `next_cursor` of a previous page, unchanged.",
        )
        raise ProblemError(problem) from error
