"""The admin commands: keys are printed once and work; demo data loads once; due referrals expire."""

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from referral_api import ReferralApi

from referral.domain.codes import OrganisationKind
from referral.entrypoints import cli
from referral.entrypoints.cli import main


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, referral_api: ReferralApi) -> ReferralApi:
    monkeypatch.setenv("REFERRAL_DATABASE_URL", referral_api.db.url)
    monkeypatch.setenv("REFERRAL_REGION", referral_api.db.region)
    # The JSON log handler would hold on to the captured stdout after the test closes it.
    monkeypatch.setattr(cli, "configure_logging", lambda *_: None)
    return referral_api


async def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    await asyncio.to_thread(main, argv)
    return capsys.readouterr().out.splitlines()


async def test_an_issued_key_is_printed_once_and_opens_the_api_within_its_scopes(
    environment: ReferralApi, capsys: pytest.CaptureFixture[str]
) -> None:
    api = environment
    [organisation] = await run(["add-organisation", "--name", "CCAS de Lens", "--kind", "prescriber"], capsys)

    printed = await run(["issue-key", "--organisation", organisation, "--scopes", "referrals:read"], capsys)
    secret = printed[-1]
    listed = await api.call("GET", "/referrals/incoming", headers={"authorization": f"Bearer {secret}"})
    read = await api.call("GET", f"/referrals/{UUID(int=1)}", headers={"authorization": f"Bearer {secret}"})

    assert secret.startswith("pm_")
    assert (listed.status, read.status) == (403, 404)
    stored = await api.db.rows("SELECT secret_sha256 FROM api_keys")
    assert secret.encode() not in b"".join(digest for (digest,) in stored)

    [key_id] = [line.split()[2].rstrip(",") for line in printed if line.startswith("key id")]
    assert await run(["revoke-key", "--key-id", key_id], capsys) == ["revoked"]
    revoked = await api.call(
        "GET", f"/referrals/{UUID(int=1)}", headers={"authorization": f"Bearer {secret}"}
    )
    assert revoked.status == 401


async def test_demo_data_loads_referrals_in_several_states_once(
    environment: ReferralApi, capsys: pytest.CaptureFixture[str]
) -> None:
    first = await run(["demo-data"], capsys)
    again = await run(["demo-data"], capsys)

    statuses = await environment.db.rows("SELECT status FROM referrals ORDER BY status")
    assert {status for (status,) in statuses} == {
        "sent",
        "under_review",
        "rejected",
        "waitlisted",
        "scheduled",
        "started",
    }
    assert sum("API key of" in line for line in first) == 3
    assert again == ["referral demo data already loaded; issue keys with `referral issue-key`"]


async def test_expire_due_expires_what_waited_past_the_delay(
    environment: ReferralApi, capsys: pytest.CaptureFixture[str]
) -> None:
    prescriber = await environment.db.organisation(OrganisationKind.PRESCRIBER)
    operator = await environment.db.organisation(OrganisationKind.OPERATOR)
    environment.db.now = datetime.now(UTC) - timedelta(days=31)
    await environment.db.submit(prescriber, operator, None)
    environment.db.now = datetime.now(UTC) - timedelta(days=29)
    await environment.db.submit(prescriber, operator, None)

    assert await run(["expire-due"], capsys) == ["1 referrals expired"]
    assert await run(["expire-due"], capsys) == ["0 referrals expired"]
