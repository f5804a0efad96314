"""Referrals unanswered after the region's delay expire, once each, however many instances run the job."""

import asyncio
from datetime import timedelta

from referral_world import ReferralDatabase

from referral.domain.answer_clock import AnswerClock
from referral.domain.codes import OrganisationKind
from referral.service.expire_referrals import expire_due_referrals


async def expire_all_due(db: ReferralDatabase, answer_clock: AnswerClock, *, batch_size: int) -> int:
    expired = 0
    while True:
        async with db.unit_of_work() as uow:
            count = await expire_due_referrals(uow, answer_clock, db.now, batch_size=batch_size)
            await uow.commit()
        expired += count
        if count < batch_size:
            return expired


async def test_only_referrals_unanswered_past_the_delay_expire(referral_database: ReferralDatabase) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    old = await db.submit(prescriber, operator, None)
    db.later(days=20)
    recent = await db.submit(prescriber, operator, None)
    db.later(days=11)

    expired = await expire_all_due(db, AnswerClock(), batch_size=10)

    assert expired == 1
    statuses = dict(await db.rows("SELECT id, status FROM referrals"))
    assert statuses == {old.referral_id: "expired", recent.referral_id: "sent"}


async def test_the_delay_is_the_regions(referral_database: ReferralDatabase) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    await db.submit(prescriber, operator, None)
    db.later(days=15)

    assert await expire_all_due(db, AnswerClock(expires_after_days=30), batch_size=10) == 0
    assert (
        await expire_all_due(db, AnswerClock(reminder_after_days=5, expires_after_days=14), batch_size=10)
        == 1
    )


async def test_several_instances_expiring_at_once_expire_each_referral_once(
    referral_database: ReferralDatabase,
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    for _ in range(40):
        await db.submit(prescriber, operator, None)
    db.now += timedelta(days=31)

    counts = await asyncio.gather(*(expire_all_due(db, AnswerClock(), batch_size=3) for _ in range(4)))

    assert sum(counts) == 40
    assert await db.rows("SELECT status, count(*) FROM referrals GROUP BY status") == [("expired", 40)]
    expired_events = await db.rows(
        "SELECT count(*) FROM outbox WHERE headers::text LIKE '%referral.expired%'"
    )
    assert expired_events == [(40,)]
