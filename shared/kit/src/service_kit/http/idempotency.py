"""Retried POSTs apply once: the first answer under an `Idempotency-Key` is stored and replayed.

The key is claimed by inserting its row in the use case's own transaction, and the answer is written to
that row just before the commit. A use case that fails therefore leaves no trace and the key stays free
for a retry. A retry arriving while the first request is still in flight waits on the row's lock (at most
`lock_wait`, then 409) and is answered with what the first request stored.

    async with UnitOfWork(sessions) as uow:
        claim = await claim_idempotency_key(uow, caller.organisation_id, idempotency)
        if claim.replayed:
            return claim.stored_response()
        referral_id = await submit_referral(uow, command)
        return await claim.commit(JSONResponse({"id": str(referral_id)}, status_code=201))

Needs READ COMMITTED (PostgreSQL's default): the retry must see the row committed while it waited.
"""

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, TypeVar
from uuid import UUID

import structlog
from fastapi import Response
from fastapi.responses import StreamingResponse
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Uuid,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service_kit.database import UnitOfWork
from service_kit.http.problems import Problem, ProblemError, problem_type

_log = structlog.get_logger(__name__)

IDEMPOTENCY_TABLE: Final = "idempotency_keys"
MAX_KEY_LENGTH: Final = 255
DEFAULT_LOCK_WAIT: Final = timedelta(seconds=10)
DEFAULT_RETENTION: Final = timedelta(hours=24)
REPLAYED_HEADER: Final = "Idempotent-Replayed"
STORED_RESPONSE_HEADERS: Final = frozenset({"content-type", "location", "content-location", "etag"})

_LOCK_NOT_AVAILABLE: Final = "55P03"

ResponseType = TypeVar("ResponseType", bound=Response)


def define_idempotency_table(metadata: MetaData) -> Table:
    return Table(
        IDEMPOTENCY_TABLE,
        metadata,
        Column("organisation_id", Uuid, primary_key=True),
        Column("idempotency_key", String(MAX_KEY_LENGTH), primary_key=True),
        Column("request_fingerprint", String(64), nullable=False),
        # Empty only inside the claiming transaction: the answer is written before it commits.
        Column("response_status", SmallInteger),
        Column("response_body", LargeBinary),
        Column("response_headers", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index(f"{IDEMPOTENCY_TABLE}_created_at", "created_at"),
    )


_keys = define_idempotency_table(MetaData())


@dataclass(frozen=True)
class IdempotentRequest:
    """The `Idempotency-Key` a request carries, and what identifies the request itself."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes
    headers: dict[str, str]


class IdempotencyClaim:
    """What a route does next: replay the stored answer, or apply the use case and commit with its answer."""

    def __init__(
        self, uow: UnitOfWork, organisation_id: UUID, key: str | None, stored: StoredResponse | None
    ) -> None:
        self._uow = uow
        self._organisation_id = organisation_id
        self._key = key
        self._stored = stored

    @property
    def replayed(self) -> bool:
        return self._stored is not None

    def stored_response(self) -> Response:
        if self._stored is None:
            raise RuntimeError("only a replayed claim has a stored response")
        headers = {**self._stored.headers, REPLAYED_HEADER: "true"}
        return Response(content=self._stored.body, status_code=self._stored.status, headers=headers)

    async def commit(self, response: ResponseType) -> ResponseType:
        """Stores the answer under the key, commits the unit of work, and gives the answer back."""
        if self._stored is not None:
            raise RuntimeError("a replayed request has nothing to commit")
        if self._key is not None:
            await self._store(response)
        await self._uow.commit()
        return response

    async def _store(self, response: Response) -> None:
        if isinstance(response, StreamingResponse):
            raise TypeError("an idempotent answer is stored whole; a streaming response cannot be")
        headers = {name: value for name, value in response.headers.items() if name in STORED_RESPONSE_HEADERS}
        await self._uow.session.execute(
            update(_keys)
            .where(_keys.c.organisation_id == self._organisation_id, _keys.c.idempotency_key == self._key)
            .values(
                response_status=response.status_code,
                response_body=bytes(response.body),
                response_headers=headers,
            )
        )


async def claim_idempotency_key(
    uow: UnitOfWork,
    organisation_id: UUID,
    request: IdempotentRequest | None,
    *,
    lock_wait: timedelta = DEFAULT_LOCK_WAIT,
) -> IdempotencyClaim:
    """Claims the key in the unit of work's transaction; without a key, the claim only commits.

    Refuses with 422 (`idempotency-key-reused`) a key already used for a different request, and with
    409 (`idempotency-key-in-flight`) when the first request holds the key longer than `lock_wait`.
    """
    if request is None:
        return IdempotencyClaim(uow, organisation_id, None, None)
    session = uow.session
    # A concurrent purge may delete the row between the conflicting insert and the read: claim again.
    for _ in range(2):
        if await _insert_claim(session, organisation_id, request, lock_wait):
            return IdempotencyClaim(uow, organisation_id, request.key, None)
        stored = await _stored_answer(session, organisation_id, request)
        if stored is not None:
            return IdempotencyClaim(uow, organisation_id, request.key, stored)
    raise RuntimeError("the idempotency key could neither be claimed nor read")


async def purge_expired_idempotency_keys(
    session: AsyncSession, *, retention: timedelta = DEFAULT_RETENTION
) -> int:
    """Forgets keys older than `retention`, so a key is honoured for at least that long."""
    purged = delete(_keys).where(_keys.c.created_at < func.now() - retention).returning(_keys.c.created_at)
    counted = select(func.count()).select_from(purged.cte("purged"))
    return (await session.execute(counted)).scalar_one()


async def purge_expired_idempotency_keys_forever(
    session_factory: async_sessionmaker[AsyncSession], *, interval_seconds: float
) -> None:
    """Every instance forgets expired keys on an interval; several at once delete each key once."""
    while True:
        try:
            async with session_factory() as session, session.begin():
                purged = await purge_expired_idempotency_keys(session)
            if purged:
                _log.info("expired idempotency keys purged", count=purged)
        except Exception as error:
            # The next interval tries again; a database that is away must not stop the service.
            _log.warning("purging idempotency keys failed; retrying later", error_class=type(error).__name__)
        await asyncio.sleep(interval_seconds)


async def _insert_claim(
    session: AsyncSession, organisation_id: UUID, request: IdempotentRequest, lock_wait: timedelta
) -> bool:
    claim = (
        insert(_keys)
        .values(
            organisation_id=organisation_id,
            idempotency_key=request.key,
            request_fingerprint=request.fingerprint,
        )
        .on_conflict_do_nothing()
        .returning(_keys.c.idempotency_key)
    )
    # The insert waits on an uncommitted claim of the same key; lock_timeout bounds that wait alone.
    previous_timeout = (await session.execute(text("SELECT current_setting('lock_timeout')"))).scalar_one()
    await _set_local_lock_timeout(session, f"{max(1, int(lock_wait.total_seconds() * 1000))}ms")
    try:
        claimed = (await session.execute(claim)).scalar_one_or_none() is not None
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise _in_flight(lock_wait) from error
        raise
    await _set_local_lock_timeout(session, previous_timeout)
    return claimed


async def _set_local_lock_timeout(session: AsyncSession, setting: str) -> None:
    await session.execute(text("SELECT set_config('lock_timeout', :setting, true)"), {"setting": setting})


async def _stored_answer(
    session: AsyncSession, organisation_id: UUID, request: IdempotentRequest
) -> StoredResponse | None:
    row = (
        await session.execute(
            select(
                _keys.c.request_fingerprint,
                _keys.c.response_status,
                _keys.c.response_body,
                _keys.c.response_headers,
            ).where(_keys.c.organisation_id == organisation_id, _keys.c.idempotency_key == request.key)
        )
    ).one_or_none()
    if row is None:
        return None
    if row.request_fingerprint != request.fingerprint:
        raise _reused()
    if row.response_status is None:
        raise RuntimeError("an idempotency key was committed without its answer; commit through the claim")
    return StoredResponse(
        status=row.response_status, body=row.response_body, headers=dict(row.response_headers)
    )


def _reused() -> ProblemError:
    return ProblemError(
        Problem(
            type=problem_type("idempotency-key-reused"),
            title="Idempotency key already used for another request",
            status=422,
            detail="This Idempotency-Key came first with a different request; a new request needs a new key.",
        )
    )


def _in_flight(lock_wait: timedelta) -> ProblemError:
    retry_after = max(1, int(lock_wait.total_seconds()))
    return ProblemError(
        Problem(
            type=problem_type("idempotency-key-in-flight"),
            title="A request with this idempotency key is still being processed",
            status=409,
            detail="Retry later to receive its answer.",
        ),
        headers={"Retry-After": str(retry_after)},
    )
