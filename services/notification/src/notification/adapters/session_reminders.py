"""All SQL of session reminders: the router's book (inside the timeline event's transaction) and the
scheduler's claims and records (each one short transaction of its own, none open while a message goes)."""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.adapters.delivery_attempts import insert_attempts
from notification.adapters.leases import lease_due
from notification.adapters.tables import (
    care_team_members,
    delivery_attempts,
    email_recipients,
    session_reminders,
)
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.routing import REFERRED_THE_PERSON
from notification.domain.session_reminders import (
    ReminderOwed,
    ReminderProgress,
    ReminderStatus,
    SessionReminder,
)

_DELIVERED = "delivered"


class SqlReminderBook:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def owe(self, key: UUID, person_id: UUID, owed: ReminderOwed, due_at: datetime) -> None:
        source, event_id = owed.scheduled_by
        await self._session.execute(
            insert(session_reminders)
            .values(
                id=key,
                person_id=person_id,
                referral_id=owed.referral_id,
                session_id=owed.session_id,
                session_starts_on=owed.session_starts_on,
                scheduled_by_source=source,
                scheduled_by_event_id=event_id,
                status=ReminderStatus.PENDING.value,
                attempts=0,
                next_attempt_at=due_at,
            )
            .on_conflict_do_nothing()
        )

    async def cancel_of_referral(self, referral_id: UUID, now: datetime, *, keep: UUID | None = None) -> None:
        kept = [] if keep is None else [session_reminders.c.id != keep]
        await self._cancel(now, session_reminders.c.referral_id == referral_id, *kept)

    async def cancel_scheduled_by(self, scheduled_by: tuple[str, UUID], now: datetime) -> None:
        source, event_id = scheduled_by
        await self._cancel(
            now,
            session_reminders.c.scheduled_by_event_id == event_id,
            session_reminders.c.scheduled_by_source == source,
        )

    async def _cancel(self, now: datetime, *conditions: ColumnElement[bool]) -> None:
        await self._session.execute(
            update(session_reminders)
            .where(session_reminders.c.status == ReminderStatus.PENDING.value, *conditions)
            .values(status=ReminderStatus.CANCELLED.value, next_attempt_at=None, updated_at=now)
        )


class PostgresSessionReminders:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[SessionReminder]:
        async with self._sessions.begin() as session:
            ids = await lease_due(session, session_reminders, now=now, lease=lease, limit=limit)
            rows = await session.execute(select(session_reminders).where(session_reminders.c.id.in_(ids)))
            return [
                SessionReminder(
                    id=row.id,
                    person_id=row.person_id,
                    referral_id=row.referral_id,
                    session_starts_on=row.session_starts_on,
                    attempts=row.attempts,
                )
                for row in rows
            ]

    async def referent_mailboxes(self, person_id: UUID) -> dict[UUID, str]:
        referents = select(care_team_members.c.organisation_id).where(
            care_team_members.c.person_id == person_id,
            care_team_members.c.join_reason == REFERRED_THE_PERSON,
        )
        async with self._sessions() as session:
            rows = await session.execute(
                select(email_recipients.c.id, email_recipients.c.address).where(
                    email_recipients.c.organisation_id.in_(referents),
                    email_recipients.c.removed_at.is_(None),
                )
            )
            return {row.id: row.address for row in rows}

    async def already_delivered(self, attempt_keys: Collection[UUID]) -> set[UUID]:
        if not attempt_keys:
            return set()
        async with self._sessions() as session:
            rows = await session.execute(
                select(delivery_attempts.c.delivery_id).where(
                    delivery_attempts.c.delivery_id.in_(attempt_keys),
                    delivery_attempts.c.result == _DELIVERED,
                )
            )
            return set(rows.scalars())

    async def save_attempts(
        self,
        reminder: SessionReminder,
        progress: ReminderProgress,
        attempts: Sequence[AttemptRecord],
        now: datetime,
    ) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(session_reminders)
                # A reminder cancelled while it was being sent stays cancelled: no retry brings it back.
                .where(
                    session_reminders.c.id == reminder.id,
                    session_reminders.c.status == ReminderStatus.PENDING.value,
                )
                .values(
                    status=progress.status.value,
                    attempts=reminder.attempts + 1,
                    next_attempt_at=progress.next_attempt_at,
                    last_outcome=progress.outcome,
                    updated_at=now,
                )
            )
            await insert_attempts(session, attempts)
