"""What every route needs: a transaction, the calling organisation, and applying a POST once."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.subscriptions import SqlSubscriptions
from notification.domain.subscriptions import SubscriptionNotFoundError
from notification.entrypoints.http.scopes import MANAGE_SUBSCRIPTIONS
from service_kit.database import UnitOfWork
from service_kit.http.api_key_auth import require_api_key
from service_kit.http.api_keys import AuthenticatedOrganisation
from service_kit.http.idempotency import IdempotentRequest, claim_idempotency_key
from service_kit.http.idempotency_header import idempotent_request

Idempotency = Annotated[IdempotentRequest | None, Depends(idempotent_request)]
Answer = Callable[[SqlSubscriptions], Awaitable[Response]]
T = TypeVar("T")


@dataclass(frozen=True)
class HttpContext:
    session_factory: async_sessionmaker[AsyncSession]
    secret_cipher: WebhookSecretCipher

    def subscriber(self) -> Callable[..., Awaitable[AuthenticatedOrganisation]]:
        return require_api_key(self.session_factory, scope=MANAGE_SUBSCRIPTIONS)

    async def apply_once(
        self, caller: AuthenticatedOrganisation, idempotency: IdempotentRequest | None, answer: Answer
    ) -> Response:
        """Runs the change and commits with its answer, or replays the answer a retry already got."""
        async with UnitOfWork(self.session_factory) as uow:
            claim = await claim_idempotency_key(uow, caller.organisation_id, idempotency)
            if claim.replayed:
                return claim.stored_response()
            return await claim.commit(await answer(SqlSubscriptions(uow.session, self.secret_cipher)))

    async def remove(self, removal: Callable[[SqlSubscriptions], Awaitable[bool]], missing: str) -> Response:
        """204 once removed; 404 when the calling organisation has nothing of the kind with this id."""
        async with UnitOfWork(self.session_factory) as uow:
            if not await removal(SqlSubscriptions(uow.session, self.secret_cipher)):
                raise SubscriptionNotFoundError(f"no {missing}")
            await uow.commit()
        return Response(status_code=204)

    async def read(self, query: Callable[[SqlSubscriptions], Awaitable[T]]) -> T:
        async with self.session_factory() as session:
            return await query(SqlSubscriptions(session, self.secret_cipher))
