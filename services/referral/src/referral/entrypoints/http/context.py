"""What every route needs: units of work, the calling organisation, the clock, and applying a POST once."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.config import ReferralSettings
from referral.entrypoints.http.referral_schemas import ReferralOut
from referral.service.errors import ReferralNotFound
from service_kit.http.api_key_auth import OrganisationDependency, require_api_key
from service_kit.http.api_keys import AuthenticatedOrganisation
from service_kit.http.idempotency import IdempotentRequest, claim_idempotency_key
from service_kit.http.idempotency_header import idempotent_request

Idempotency = Annotated[IdempotentRequest | None, Depends(idempotent_request)]
Clock = Callable[[], datetime]
UseCase = Callable[[SqlUnitOfWork, datetime], Awaitable[Any]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HttpContext:
    session_factory: async_sessionmaker[AsyncSession]
    settings: ReferralSettings
    clock: Clock = utc_now

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.session_factory,
            region=self.settings.region,
            events_topic=self.settings.topics.referral_events,
        )

    def caller_with(self, scope: str) -> OrganisationDependency:
        return require_api_key(self.session_factory, scope=scope)

    def any_partner(self) -> OrganisationDependency:
        return require_api_key(self.session_factory)

    async def apply_once(
        self,
        caller: AuthenticatedOrganisation,
        idempotency: IdempotentRequest | None,
        answer: Callable[[SqlUnitOfWork, datetime], Awaitable[Response]],
    ) -> Response:
        """Runs the use case and commits with its answer, or replays the answer a retry already got."""
        async with self.unit_of_work() as uow:
            claim = await claim_idempotency_key(uow, caller.organisation_id, idempotency)
            if claim.replayed:
                return claim.stored_response()
            return await claim.commit(await answer(uow, self.clock()))

    async def change_referral(
        self,
        caller: AuthenticatedOrganisation,
        idempotency: IdempotentRequest | None,
        referral_id: UUID,
        use_case: UseCase,
    ) -> Response:
        """Applies a use case to one referral and answers with the referral as it now is."""

        async def answer(uow: SqlUnitOfWork, at: datetime) -> Response:
            await use_case(uow, at)
            return JSONResponse(await referral_document(uow, referral_id))

        return await self.apply_once(caller, idempotency, answer)


async def referral_document(uow: SqlUnitOfWork, referral_id: UUID) -> dict[str, Any]:
    referral = await uow.referrals.get(referral_id)
    if referral is None:
        raise ReferralNotFound(referral_id)
    return ReferralOut.of(referral).model_dump(mode="json")
