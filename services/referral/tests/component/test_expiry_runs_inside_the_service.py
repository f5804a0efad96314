"""The running service expires unanswered referrals by itself, and publishes `referral.expired`."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from referral_api import ReferralApi

from devstack.eventually import eventually
from referral.domain.codes import OrganisationKind

ReadTopic = Callable[[str], Awaitable[list[Any]]]


async def test_a_referral_unanswered_for_thirty_days_expires_once_the_service_runs(
    running_referral_api: ReferralApi, read_topic: ReadTopic
) -> None:
    api = running_referral_api
    prescriber = await api.db.organisation(OrganisationKind.PRESCRIBER)
    operator = await api.db.organisation(OrganisationKind.OPERATOR)
    api.db.now = datetime.now(UTC) - timedelta(days=31)
    old = await api.db.submit(prescriber, operator, None)
    api.db.now = datetime.now(UTC) - timedelta(days=1)
    await api.db.submit(prescriber, operator, None)

    statuses = await eventually(
        lambda: api.db.rows("SELECT id, status FROM referrals WHERE status = 'expired'"),
        lambda rows: len(rows) == 1,
    )
    records = await eventually(
        lambda: read_topic(api.db.events_topic),
        lambda found: any(dict(r.headers)["ce_type"].endswith(b"referral.expired") for r in found),
    )

    assert statuses == [(old.referral_id, "expired")]
    expired = [r for r in records if dict(r.headers)["ce_type"].endswith(b"referral.expired")]
    assert [record.key for record in expired] == [str(old.person_id).encode()]
