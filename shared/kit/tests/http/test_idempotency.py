import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID, uuid4

import pytest
from fastapi import Depends, FastAPI, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Column, MetaData, Table, Text, Uuid, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from service_kit.database import UnitOfWork
from service_kit.http.api_key_auth import require_api_key
from service_kit.http.api_keys import AuthenticatedOrganisation, issue_api_key
from service_kit.http.idempotency import (
    REPLAYED_HEADER,
    IdempotentRequest,
    claim_idempotency_key,
    purge_expired_idempotency_keys,
)
from service_kit.http.idempotency_header import (
    idempotent_request,
    request_fingerprint,
    required_idempotent_request,
)
from service_kit.http.problem_handlers import ProblemSpec, install_problem_handlers
from service_kit.http.problems import problem_type

referrals = Table("referrals", MetaData(), Column("id", Uuid, primary_key=True), Column("person_id", Text))


OptionalIdempotency = Annotated[IdempotentRequest | None, Depends(idempotent_request)]
RequiredIdempotency = Annotated[IdempotentRequest, Depends(required_idempotent_request)]


class ReferralRefused(Exception):
    pass


class ReferralIn(BaseModel):
    person_id: str


@dataclass
class ReferralApi:
    """A partner-facing route written the way services write theirs, and the levers tests pull on it."""

    sessions: async_sessionmaker[AsyncSession]
    lock_wait: timedelta = timedelta(seconds=10)
    refusals_left: int = 0
    use_case_duration: float = 0.0
    app: FastAPI = field(init=False)

    def __post_init__(self) -> None:
        self.app = FastAPI()
        install_problem_handlers(self.app, {ReferralRefused: ProblemSpec(409, "referral-refused", "Refused")})
        authenticated = Depends(require_api_key(self.sessions))

        @self.app.post("/referrals", status_code=201)
        async def submit(
            body: ReferralIn,
            caller: Annotated[AuthenticatedOrganisation, authenticated],
            idempotency: OptionalIdempotency,
        ) -> Response:
            async with UnitOfWork(self.sessions) as uow:
                claim = await claim_idempotency_key(
                    uow, caller.organisation_id, idempotency, lock_wait=self.lock_wait
                )
                if claim.replayed:
                    return claim.stored_response()
                referral_id = await self.submit_referral(uow, body)
                answer = JSONResponse(
                    {"referral_id": str(referral_id)},
                    status_code=201,
                    headers={"Location": f"/referrals/{referral_id}", "X-Request-Cost": "3"},
                )
                return await claim.commit(answer)

        @self.app.post("/strict-referrals", status_code=201)
        async def submit_strictly(
            body: ReferralIn,
            caller: Annotated[AuthenticatedOrganisation, authenticated],
            idempotency: RequiredIdempotency,
        ) -> Response:
            return await submit(body, caller, idempotency)

    async def submit_referral(self, uow: UnitOfWork, body: ReferralIn) -> UUID:
        referral_id = uuid4()
        await uow.session.execute(insert(referrals).values(id=referral_id, person_id=body.person_id))
        await asyncio.sleep(self.use_case_duration)
        if self.refusals_left:
            self.refusals_left -= 1
            raise ReferralRefused("the workshop is closed today")
        return referral_id


@pytest.fixture
async def referral_sessions(
    http_engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> async_sessionmaker[AsyncSession]:
    async with http_engine.begin() as connection:
        await connection.run_sync(referrals.metadata.create_all)
    return sessions


@pytest.fixture
async def partner_key(referral_sessions: async_sessionmaker[AsyncSession]) -> str:
    return await issue_key(referral_sessions, uuid4())


async def issue_key(sessions: async_sessionmaker[AsyncSession], organisation_id: UUID) -> str:
    async with sessions() as session, session.begin():
        return (await issue_api_key(session, organisation_id, ["referrals:write"])).secret


async def count_referrals(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count()).select_from(referrals))).scalar_one()


def headers(api_key: str, idempotency_key: str | None = None) -> dict[str, str]:
    sent = {"authorization": f"Bearer {api_key}"}
    if idempotency_key is not None:
        sent["idempotency-key"] = idempotency_key
    return sent


async def test_a_retried_post_returns_the_first_answer_and_applies_once(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions)
    request = {"headers": headers(partner_key, "a4f1c2"), "json_body": {"person_id": "p-1"}}

    first = await call(api.app, "POST", "/referrals", **request)
    retried = await call(api.app, "POST", "/referrals", **request)

    assert first.status == retried.status == 201
    assert first.body == retried.body
    assert first.headers["location"] == retried.headers["location"]
    assert retried.headers["content-type"] == "application/json"
    assert REPLAYED_HEADER.lower() not in first.headers
    assert retried.headers[REPLAYED_HEADER.lower()] == "true"
    assert "x-request-cost" not in retried.headers
    assert await count_referrals(referral_sessions) == 1


async def test_twenty_concurrent_identical_requests_apply_once(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions, use_case_duration=0.2)
    request = {"headers": headers(partner_key, "burst"), "json_body": {"person_id": "p-1"}}

    answers = await asyncio.gather(*(call(api.app, "POST", "/referrals", **request) for _ in range(20)))

    assert {answer.status for answer in answers} == {201}
    assert len({answer.body for answer in answers}) == 1
    assert sum(REPLAYED_HEADER.lower() in answer.headers for answer in answers) == 19
    assert await count_referrals(referral_sessions) == 1


async def test_a_key_reused_for_another_request_is_refused(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions)
    await call(
        api.app, "POST", "/referrals", headers=headers(partner_key, "k1"), json_body={"person_id": "p-1"}
    )

    reused = await call(
        api.app, "POST", "/referrals", headers=headers(partner_key, "k1"), json_body={"person_id": "p-2"}
    )

    assert reused.status == 422
    assert reused.json()["type"] == problem_type("idempotency-key-reused")
    assert await count_referrals(referral_sessions) == 1


async def test_a_failed_use_case_leaves_the_key_free_for_a_retry(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions, refusals_left=1)
    request = {"headers": headers(partner_key, "k1"), "json_body": {"person_id": "p-1"}}

    refused = await call(api.app, "POST", "/referrals", **request)
    retried = await call(api.app, "POST", "/referrals", **request)

    assert (refused.status, retried.status) == (409, 201)
    assert REPLAYED_HEADER.lower() not in retried.headers
    assert await count_referrals(referral_sessions) == 1


async def test_a_retry_waits_for_the_request_in_flight_and_gets_its_answer(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions, use_case_duration=0.5)
    request = {"headers": headers(partner_key, "k1"), "json_body": {"person_id": "p-1"}}

    first = asyncio.create_task(call(api.app, "POST", "/referrals", **request))
    await asyncio.sleep(0.2)
    retried = await call(api.app, "POST", "/referrals", **request)

    assert retried.status == 201
    assert retried.body == (await first).body
    assert await count_referrals(referral_sessions) == 1


async def test_a_retry_gives_up_waiting_with_409_and_the_key_stays_usable(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions, lock_wait=timedelta(milliseconds=200), use_case_duration=2.0)
    request = {"headers": headers(partner_key, "k1"), "json_body": {"person_id": "p-1"}}

    first = asyncio.create_task(call(api.app, "POST", "/referrals", **request))
    await asyncio.sleep(0.6)  # the first request has claimed the key long before: it takes milliseconds
    impatient = await call(api.app, "POST", "/referrals", **request)

    assert impatient.status == 409
    assert impatient.json()["type"] == problem_type("idempotency-key-in-flight")
    assert impatient.headers["retry-after"] == "1"
    assert (await first).status == 201
    assert await count_referrals(referral_sessions) == 1


async def test_the_same_key_from_two_organisations_is_two_keys(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions)
    other_key = await issue_key(referral_sessions, uuid4())

    for api_key in (partner_key, other_key):
        answer = await call(
            api.app, "POST", "/referrals", headers=headers(api_key, "k1"), json_body={"person_id": "p-1"}
        )
        assert answer.status == 201

    assert await count_referrals(referral_sessions) == 2


async def test_requests_without_a_key_apply_each_time(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions)

    for _ in range(2):
        await call(
            api.app, "POST", "/referrals", headers=headers(partner_key), json_body={"person_id": "p-1"}
        )

    assert await count_referrals(referral_sessions) == 2


async def test_a_key_as_a_quoted_structured_field_is_the_same_key_as_bare(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions)
    body = {"person_id": "p-1"}

    await call(api.app, "POST", "/referrals", headers=headers(partner_key, '"8e03978e-40d5"'), json_body=body)
    bare = await call(
        api.app, "POST", "/referrals", headers=headers(partner_key, "8e03978e-40d5"), json_body=body
    )

    assert bare.headers[REPLAYED_HEADER.lower()] == "true"


@pytest.mark.parametrize("idempotency_key", ["", '""', "k" * 256, "naïve"])
async def test_an_unusable_key_is_refused_with_400(
    call: Callable[..., Any],
    referral_sessions: async_sessionmaker[AsyncSession],
    partner_key: str,
    idempotency_key: str,
) -> None:
    api = ReferralApi(referral_sessions)

    answer = await call(
        api.app,
        "POST",
        "/referrals",
        headers=headers(partner_key, idempotency_key),
        json_body={"person_id": "p-1"},
    )

    assert answer.status == 400
    assert answer.json()["type"] == problem_type("idempotency-key-invalid")
    assert await count_referrals(referral_sessions) == 0


async def test_an_operation_that_requires_a_key_refuses_a_request_without_one(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions)

    answer = await call(
        api.app, "POST", "/strict-referrals", headers=headers(partner_key), json_body={"person_id": "p"}
    )

    assert answer.status == 400
    assert answer.json()["type"] == problem_type("idempotency-key-missing")


async def test_keys_older_than_the_retention_are_purged_and_then_apply_again(
    call: Callable[..., Any], referral_sessions: async_sessionmaker[AsyncSession], partner_key: str
) -> None:
    api = ReferralApi(referral_sessions)
    for key in ("old", "recent"):
        await call(
            api.app, "POST", "/referrals", headers=headers(partner_key, key), json_body={"person_id": "p-1"}
        )
    async with referral_sessions() as session, session.begin():
        await session.execute(
            text(
                "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
                "WHERE idempotency_key = 'old'"
            )
        )

    async with referral_sessions() as session, session.begin():
        purged = await purge_expired_idempotency_keys(session)
    old = await call(
        api.app, "POST", "/referrals", headers=headers(partner_key, "old"), json_body={"person_id": "p-1"}
    )
    recent = await call(
        api.app, "POST", "/referrals", headers=headers(partner_key, "recent"), json_body={"person_id": "p-1"}
    )

    assert purged == 1
    assert REPLAYED_HEADER.lower() not in old.headers
    assert recent.headers[REPLAYED_HEADER.lower()] == "true"
    assert await count_referrals(referral_sessions) == 3


async def test_the_fingerprint_covers_method_path_query_and_body() -> None:
    base = request_fingerprint("POST", "/referrals", "", b'{"person_id": "p-1"}')

    variants = {
        request_fingerprint("PUT", "/referrals", "", b'{"person_id": "p-1"}'),
        request_fingerprint("POST", "/workshops", "", b'{"person_id": "p-1"}'),
        request_fingerprint("POST", "/referrals", "dry_run=1", b'{"person_id": "p-1"}'),
        request_fingerprint("POST", "/referrals", "", b'{"person_id": "p-2"}'),
    }

    assert base not in variants
    assert len(variants) == 4
    assert base == request_fingerprint("post", "/referrals", "", json.dumps({"person_id": "p-1"}).encode())


async def test_a_unit_of_work_committed_around_the_claim_is_reported_not_replayed_empty(
    referral_sessions: async_sessionmaker[AsyncSession],
) -> None:
    organisation_id = uuid4()
    request = IdempotentRequest(key="k1", fingerprint=request_fingerprint("POST", "/referrals", "", b"{}"))
    async with UnitOfWork(referral_sessions) as uow:
        await claim_idempotency_key(uow, organisation_id, request)
        await uow.commit()

    async with UnitOfWork(referral_sessions) as uow:
        with pytest.raises(RuntimeError, match="without its answer"):
            await claim_idempotency_key(uow, organisation_id, request)


async def test_a_streaming_answer_cannot_be_stored(
    referral_sessions: async_sessionmaker[AsyncSession],
) -> None:
    request = IdempotentRequest(key="k1", fingerprint=request_fingerprint("POST", "/exports", "", b""))

    async with UnitOfWork(referral_sessions) as uow:
        claim = await claim_idempotency_key(uow, uuid4(), request)
        with pytest.raises(TypeError, match="streaming"):
            await claim.commit(StreamingResponse(iter([b"row\n"])))
