"""Caseworkers read a person's timeline and pathway summary, or find the person by platform or referral
id. Only professionals of an organisation in the person's care team see the person (others get 404),
each as their organisation's audience may; every read is written to the access audit with its purpose."""

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Final, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pathway.adapters.access_audit import SqlAccessAudit
from pathway.adapters.caseworker_reads import SqlCaseworkerReads
from pathway.adapters.oidc_tokens import OidcTokenVerifier
from pathway.domain.alerts_due import CALENDAR_ZONE
from pathway.domain.caseworkers import Caseworker, PersonRead, ReadPurpose
from pathway.entrypoints.http.caseworker_auth import require_caseworker
from pathway.entrypoints.http.caseworker_schemas import (
    PathwaySummaryOut,
    TimelineEntryOut,
    TimelinePageOut,
    TimelineQuery,
    cursor_of,
    position_of,
)
from pathway.entrypoints.http.problems import problem_responses
from pathway.service.ports import AccessAudit, CaseworkerReads, TimelineFilter, TimelinePosition
from pathway.service.read_pathways import person_of_referral, read_summary, read_timeline
from service_kit.http.problems import Problem, ProblemError, problem_for_status, problem_type

T = TypeVar("T")
NOT_FOUND: Final = "No person this caseworker may see has this id."

_RESPONSES: Final = problem_responses(
    {
        401: "No bearer token, or one that is expired, not for this API or not signed by the provider.",
        404: NOT_FOUND,
        422: "A missing purpose, or an invalid filter or cursor: `errors` says which.",
        503: "The identity provider's keys are out of reach, or caseworker sign-in is not configured.",
    }
)
Purpose = Annotated[ReadPurpose, Query(description="Why the person's pathway is read; kept in the audit.")]


def caseworker_routes(
    sessions: async_sessionmaker[AsyncSession], verifier: OidcTokenVerifier | None
) -> APIRouter:
    router = APIRouter(tags=["caseworkers"], responses=_RESPONSES)
    Reader = Annotated[Caseworker, Depends(require_caseworker(verifier))]  # noqa: N806 - a type

    async def in_one_transaction(read: Callable[[CaseworkerReads, AccessAudit], Awaitable[T | None]]) -> T:
        """The read and its audit row commit together, before the answer, granted or not."""
        async with sessions() as session, session.begin():
            found = await read(SqlCaseworkerReads(session), SqlAccessAudit(session))
        if found is None:
            raise ProblemError(problem_for_status(404, NOT_FOUND))
        return found

    @router.get("/persons/{person_id}/timeline", response_model=TimelinePageOut)
    async def timeline(
        person_id: UUID, caseworker: Reader, asked: Annotated[TimelineQuery, Query()]
    ) -> TimelinePageOut:
        """The person's timeline in order of occurrence, without retracted entries, as the caseworker's
        audience may see it; keyset pages."""
        until = asked.occurred_until
        query = TimelineFilter(
            event_names=frozenset(asked.type),
            barrier_category=None if asked.barrier_category is None else asked.barrier_category.value,
            occurred_from=None if asked.occurred_from is None else _start_of(asked.occurred_from),
            occurred_before=None if until is None else _start_of(until + timedelta(days=1)),
        )
        position, limit = _position(asked.after), asked.limit
        read = PersonRead(caseworker, str(person_id), asked.purpose)
        page = await in_one_transaction(
            lambda reads, audit: read_timeline(
                read, query, after=position, limit=limit, reads=reads, audit=audit
            )
        )
        return TimelinePageOut(
            person_id=person_id,
            entries=[TimelineEntryOut.of(seen) for seen in page.entries],
            next_cursor=None if page.next_after is None else cursor_of(page.next_after),
        )

    @router.get("/persons/{person_id}/pathway", response_model=PathwaySummaryOut)
    async def summary(person_id: UUID, caseworker: Reader, purpose: Purpose) -> PathwaySummaryOut:
        """Stage, barriers, care team, last activity, next session and the alerts still standing, as the
        caseworker may see them."""
        read = PersonRead(caseworker, str(person_id), purpose)
        seen = await in_one_transaction(lambda reads, audit: read_summary(read, reads=reads, audit=audit))
        return PathwaySummaryOut.of(person_id, seen)

    @router.get("/persons", response_model=PathwaySummaryOut)
    async def lookup(
        caseworker: Reader,
        purpose: Purpose,
        platform_id: UUID | None = None,
        referral_id: UUID | None = None,
    ) -> PathwaySummaryOut:
        """The pathway summary of the person named by `platform_id`, or of the person a referral is
        about (`referral_id`): exactly one of them."""
        if platform_id is not None and referral_id is None:
            person_id = platform_id
        elif referral_id is not None and platform_id is None:
            async with sessions() as session:
                found = await person_of_referral(str(referral_id), SqlCaseworkerReads(session))
            if found is None:
                raise ProblemError(problem_for_status(404, NOT_FOUND))
            person_id = UUID(found)
        else:
            raise ProblemError(
                Problem(
                    type=problem_type("one-lookup-key"),
                    title="Look a person up by one id",
                    status=422,
                    detail="Give either platform_id or referral_id.",
                )
            )
        read = PersonRead(caseworker, str(person_id), purpose)
        seen = await in_one_transaction(lambda reads, audit: read_summary(read, reads=reads, audit=audit))
        return PathwaySummaryOut.of(person_id, seen)

    return router


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), CALENDAR_ZONE)


def _position(cursor: str | None) -> TimelinePosition | None:
    if cursor is None:
        return None
    try:
        return position_of(cursor)
    except ValueError:
        raise ProblemError(
            Problem(
                type=problem_type("invalid-cursor"),
                title="The cursor is not one this API gave",
                status=422,
                detail="Pass `next_cursor` of the previous page as it was, or no `after` at all.",
            )
        ) from None
