"""Only an organisation's own API key, with the subscriptions scope and not revoked, opens the API."""

import asyncio
import re

import pytest
from notification_api import NotificationApi

from notification.entrypoints.cli import main

PROBLEM = "application/problem+json"


async def test_a_request_without_a_key_is_refused_with_a_bearer_challenge(api: NotificationApi) -> None:
    reply = await api.call("GET", "/webhook-endpoints")

    assert reply.status == 401
    assert reply.headers["content-type"] == PROBLEM
    assert reply.headers["www-authenticate"].startswith("Bearer")
    assert reply.json()["type"].endswith("/unauthenticated")


async def test_an_unknown_key_is_refused(api: NotificationApi) -> None:
    forged = "pm_0123456789abcdef_" + "A" * 43

    reply = await api.call("GET", "/webhook-endpoints", headers={"authorization": f"Bearer {forged}"})

    assert reply.status == 401
    assert 'error="invalid_token"' in reply.headers["www-authenticate"]


async def test_a_key_without_the_subscriptions_scope_is_forbidden(api: NotificationApi) -> None:
    outsider = await api.organisation(scopes=["events:emit"])

    reply = await outsider.call("GET", "/webhook-endpoints")

    assert reply.status == 403
    assert reply.json()["type"].endswith("/insufficient-scope")


async def test_the_issue_key_command_prints_a_key_once_and_revoke_key_closes_the_door(
    api: NotificationApi,
    fresh_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NOTIFICATION_DATABASE_URL", fresh_database)
    organisation_id = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"

    # The commands run their own event loop, as they do from a shell.
    await asyncio.to_thread(main, ["issue-key", "--organisation", organisation_id])
    printed = capsys.readouterr().out
    key = printed.splitlines()[-1]
    key_id = re.search(r"key id (\w+), scopes subscriptions:manage", printed)
    assert key_id is not None
    as_partner = {"authorization": f"Bearer {key}"}

    before = await api.call("GET", "/webhook-endpoints", headers=as_partner)
    await asyncio.to_thread(main, ["revoke-key", "--key-id", key_id.group(1)])
    after = await api.call("GET", "/webhook-endpoints", headers=as_partner)

    assert before.status == 200
    assert capsys.readouterr().out == "revoked\n"
    assert after.status == 401
    stored = await api.scalar(
        "SELECT secret_sha256 FROM api_keys WHERE key_id = :key_id", key_id=key_id.group(1)
    )
    assert key.split("_")[-1].encode() not in stored, "only a digest of the secret is kept"
