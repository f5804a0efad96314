"""The session reminder record on the real database: instances claim due reminders without sharing them,
and a reminder cancelled while it is being sent is never brought back by that send's retry."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.adapters.session_reminders import PostgresSessionReminders, SqlReminderBook
from notification.adapters.tables import session_reminders
from notification.domain.session_reminders import (
    ReminderOwed,
    ReminderProgress,
    RemindersOfReferralCancelled,
    ReminderStatus,
)
from notification.entrypoints.cli import MIGRATIONS
from notification.service.keep_session_reminders import keep_session_reminders
from service_kit.database import create_database_engine, create_session_factory
from service_kit.migrations import upgrade_to_head

PARIS = ZoneInfo("Europe/Paris")
DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=15)


@pytest.fixture
async def sessions(fresh_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_database_engine(fresh_database, pool_size=4)
    yield create_session_factory(engine)
    await engine.dispose()


async def owe_reminder(sessions: async_sessionmaker[AsyncSession], referral_id: UUID) -> None:
    owed = ReminderOwed(referral_id, uuid4(), date(2026, 12, 1), ("/services/referral", uuid4()))
    async with sessions.begin() as session:
        await keep_session_reminders(uuid4(), owed, SqlReminderBook(session), time_zone=PARIS, now=DUE)


async def status_of(sessions: async_sessionmaker[AsyncSession], referral_id: UUID) -> str:
    async with sessions() as session:
        query = select(session_reminders.c.status).where(session_reminders.c.referral_id == referral_id)
        return str((await session.execute(query)).scalar_one())


async def test_two_instances_claiming_at_once_never_share_a_reminder(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    for _ in range(10):
        await owe_reminder(sessions, uuid4())
    record = PostgresSessionReminders(sessions)

    first, second = await asyncio.gather(record.claim_due(DUE, LEASE, 6), record.claim_due(DUE, LEASE, 6))
    again = await record.claim_due(DUE + LEASE - timedelta(seconds=1), LEASE, 10)
    after_the_lease = await record.claim_due(DUE + LEASE, LEASE, 10)

    assert len(first) + len(second) == 10
    assert {reminder.id for reminder in first}.isdisjoint({reminder.id for reminder in second})
    assert again == [], "kept from every instance while the lease lasts"
    assert len(after_the_lease) == 10, "an instance that died leaves its reminders to come due again"


async def test_a_reminder_cancelled_while_being_sent_stays_cancelled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    referral_id = uuid4()
    await owe_reminder(sessions, referral_id)
    record = PostgresSessionReminders(sessions)
    [claimed] = await record.claim_due(DUE, LEASE, 10)

    async with sessions.begin() as session:
        cancelled = RemindersOfReferralCancelled(referral_id)
        await keep_session_reminders(uuid4(), cancelled, SqlReminderBook(session), time_zone=PARIS, now=DUE)
    retry = ReminderProgress(
        ReminderStatus.PENDING, DUE + timedelta(minutes=5), "the SMS provider answered 503"
    )
    await record.save_attempts(claimed, retry, [], DUE)

    assert await status_of(sessions, referral_id) == "cancelled"
    assert await record.claim_due(DUE + timedelta(days=1), LEASE, 10) == []
