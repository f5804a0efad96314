import hashlib
import re
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID, uuid4

import pytest
from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service_kit.http.api_key_auth import require_api_key, require_scope
from service_kit.http.api_keys import (
    AuthenticatedOrganisation,
    IssuedApiKey,
    issue_api_key,
    revoke_api_key,
    verify_api_key,
)
from service_kit.http.problem_handlers import install_problem_handlers
from service_kit.http.problems import PROBLEM_MEDIA_TYPE, problem_type
from service_kit.http.scopes import scope_grants

PRESCRIBER = UUID("0a8f3e2d-1c4b-4a59-8e7f-6d5c4b3a2f10")


def build_app(sessions: async_sessionmaker[AsyncSession]) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    any_key = Depends(require_api_key(sessions))
    referral_writer = Depends(require_api_key(sessions, scope="referrals:write"))

    @app.get("/whoami")
    async def whoami(caller: Annotated[AuthenticatedOrganisation, any_key]) -> dict[str, str]:
        return {"organisation_id": str(caller.organisation_id), "key_id": caller.key_id}

    @app.post("/referrals")
    async def submit(caller: Annotated[AuthenticatedOrganisation, referral_writer]) -> dict[str, str]:
        return {"submitted_by": str(caller.organisation_id)}

    @app.post("/events/{event_type}")
    async def emit(event_type: str, caller: Annotated[AuthenticatedOrganisation, any_key]) -> dict[str, str]:
        require_scope(caller, f"events:emit:{event_type}")
        return {"emitted": event_type}

    return app


async def issue(
    sessions: async_sessionmaker[AsyncSession], *scopes: str, organisation: UUID = PRESCRIBER
) -> IssuedApiKey:
    async with sessions() as session, session.begin():
        return await issue_api_key(session, organisation, scopes)


def bearer(key: IssuedApiKey | str) -> dict[str, str]:
    return {"authorization": f"Bearer {key.secret if isinstance(key, IssuedApiKey) else key}"}


async def test_an_issued_key_names_its_id_and_carries_a_long_random_secret(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = await issue(sessions, "referrals:write")

    assert re.fullmatch(rf"pm_{key.key_id}_[0-9A-Za-z]{{43}}", key.secret)
    assert key.secret not in repr(key)


async def test_only_a_hash_of_the_secret_is_stored(sessions: async_sessionmaker[AsyncSession]) -> None:
    key = await issue(sessions, "referrals:write")
    secret_part = key.secret.rsplit("_", 1)[1]

    async with sessions() as session:
        row = (await session.execute(text("SELECT * FROM api_keys"))).mappings().one()

    stored = " ".join(str(value) for value in row.values())
    assert secret_part not in stored
    assert secret_part.encode() not in row["secret_sha256"]
    assert row["secret_sha256"] == hashlib.sha256(secret_part.encode()).digest()
    assert (row["organisation_id"], row["scopes"]) == (PRESCRIBER, ["referrals:write"])


async def test_a_key_verifies_as_its_organisation_with_its_scopes_and_notes_its_use(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = await issue(sessions, "referrals:write", "events:emit:barrier.*")

    async with sessions() as session, session.begin():
        caller = await verify_api_key(session, key.secret)
    async with sessions() as session:
        last_used = (await session.execute(text("SELECT last_used_at FROM api_keys"))).scalar_one()

    assert caller == AuthenticatedOrganisation(
        organisation_id=PRESCRIBER,
        scopes=frozenset({"referrals:write", "events:emit:barrier.*"}),
        key_id=key.key_id,
    )
    assert last_used is not None


async def test_a_key_used_again_within_the_resolution_keeps_its_first_noted_use(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = await issue(sessions, "referrals:write")
    noted: list[object] = []
    for _ in range(2):
        async with sessions() as session, session.begin():
            assert await verify_api_key(session, key.secret) is not None
        async with sessions() as session:
            noted.append((await session.execute(text("SELECT last_used_at FROM api_keys"))).scalar_one())
    async with sessions() as session, session.begin():
        await session.execute(text("UPDATE api_keys SET last_used_at = now() - interval '2 minutes'"))
    async with sessions() as session, session.begin():
        await verify_api_key(session, key.secret)
    async with sessions() as session:
        renewed = await session.execute(
            text("SELECT last_used_at > now() - interval '1 minute' FROM api_keys")
        )

    assert noted[0] is not None
    assert noted[1] == noted[0]
    assert renewed.scalar_one() is True


async def test_a_wrong_secret_a_malformed_key_and_a_revoked_key_verify_as_nobody(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key = await issue(sessions, "referrals:write")
    other_secret = f"pm_{key.key_id}_{'A' * 43}"

    async with sessions() as session, session.begin():
        assert await revoke_api_key(session, key.key_id)
        assert not await revoke_api_key(session, key.key_id)
    async with sessions() as session, session.begin():
        outcomes = [
            await verify_api_key(session, presented) for presented in (other_secret, "pm_123", key.secret)
        ]

    assert outcomes == [None, None, None]


async def test_an_invalid_scope_is_refused_at_issue(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(ValueError, match="scope"):
        await issue(sessions, "referrals write")
    with pytest.raises(ValueError, match="scope"):
        await issue(sessions, "events:*:barrier")


@pytest.mark.parametrize(
    ("granted", "required", "allowed"),
    [
        ("referrals:write", "referrals:write", True),
        ("referrals:write", "referrals:read", False),
        ("referrals:write", "referrals:write:all", False),
        ("events:emit:barrier.*", "events:emit:barrier.lifted", True),
        ("events:emit:barrier.*", "events:emit:barriers", False),
        ("events:emit:*", "events:emit:training.started", True),
        ("*", "referrals:write", True),
    ],
)
def test_a_scope_grants_itself_or_what_its_trailing_wildcard_covers(
    granted: str, required: str, allowed: bool
) -> None:
    assert scope_grants(granted, required) is allowed


async def test_a_request_without_a_key_is_401_with_a_bearer_challenge(
    call: Callable[..., Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    answer = await call(build_app(sessions), "GET", "/whoami")

    assert answer.status == 401
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.headers["www-authenticate"] == 'Bearer realm="premiere-marche"'
    assert answer.json()["type"] == problem_type("unauthenticated")


@pytest.mark.parametrize("presented", ["pm_0123456789abcdef_" + "A" * 43, "not-a-key", "pm__"])
async def test_an_unknown_or_malformed_key_is_401_invalid_token(
    call: Callable[..., Any], sessions: async_sessionmaker[AsyncSession], presented: str
) -> None:
    answer = await call(build_app(sessions), "GET", "/whoami", headers=bearer(presented))

    assert answer.status == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="premiere-marche", error="invalid_token"'


async def test_a_revoked_key_is_refused_from_the_next_request(
    call: Callable[..., Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    key = await issue(sessions, "referrals:write")
    app = build_app(sessions)
    before = await call(app, "GET", "/whoami", headers=bearer(key))

    async with sessions() as session, session.begin():
        await revoke_api_key(session, key.key_id)
    after = await call(app, "GET", "/whoami", headers=bearer(key))

    assert (before.status, after.status) == (200, 401)


async def test_a_valid_key_without_the_scope_is_403_and_with_it_succeeds(
    call: Callable[..., Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    reader = await issue(sessions, "referrals:read")
    writer = await issue(sessions, "referrals:write")
    app = build_app(sessions)

    refused = await call(app, "POST", "/referrals", headers=bearer(reader))
    accepted = await call(app, "POST", "/referrals", headers=bearer(writer))

    assert refused.status == 403
    assert refused.json()["type"] == problem_type("insufficient-scope")
    assert refused.headers["www-authenticate"] == (
        'Bearer realm="premiere-marche", error="insufficient_scope", scope="referrals:write"'
    )
    assert (accepted.status, accepted.json()) == (200, {"submitted_by": str(PRESCRIBER)})


async def test_the_key_may_come_in_an_x_api_key_header(
    call: Callable[..., Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    key = await issue(sessions, organisation=(organisation := uuid4()))

    answer = await call(build_app(sessions), "GET", "/whoami", headers={"x-api-key": key.secret})

    assert (answer.status, answer.json()) == (
        200,
        {"organisation_id": str(organisation), "key_id": key.key_id},
    )


async def test_a_basic_authorization_is_no_api_key(
    call: Callable[..., Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    key = await issue(sessions)

    answer = await call(
        build_app(sessions), "GET", "/whoami", headers={"authorization": f"Basic {key.secret}"}
    )

    assert answer.status == 401


async def test_a_scope_known_only_from_the_request_is_checked_against_the_wildcard(
    call: Callable[..., Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    key = await issue(sessions, "events:emit:barrier.*")
    app = build_app(sessions)

    lifted = await call(app, "POST", "/events/barrier.lifted", headers=bearer(key))
    training = await call(app, "POST", "/events/training.started", headers=bearer(key))
    odd = await call(app, "POST", '/events/barrier."x', headers=bearer(key))

    assert (lifted.status, training.status, odd.status) == (200, 403, 403)
    assert "scope=" not in odd.headers["www-authenticate"]
