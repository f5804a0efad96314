"""Read-only views for partners: an operator's incoming referrals page by page, and sessions' fill rates.

Pages are keyset-paginated on (sent_at, id): a page is found by an index seek however deep it is, and
a referral arriving meanwhile neither repeats nor hides another.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from referral.adapters.tables import referrals, session_places, sessions, workshops
from referral.domain.lifecycle import ReferralStatus


@dataclass(frozen=True)
class ReferralSummary:
    id: UUID
    person_id: UUID
    prescriber_organisation_id: UUID
    workshop_id: UUID | None
    session_id: UUID | None
    status: ReferralStatus
    sent_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SessionFill:
    id: UUID
    starts_on: date
    ends_on: date
    venue: str
    capacity: int
    seated: int
    waiting: int

    @property
    def fill_rate(self) -> float:
        return self.seated / self.capacity


async def incoming_referrals(
    session: AsyncSession,
    operator_organisation_id: UUID,
    *,
    statuses: Sequence[ReferralStatus],
    workshop_id: UUID | None,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[ReferralSummary]:
    query = select(
        referrals.c.id,
        referrals.c.person_id,
        referrals.c.prescriber_organisation_id,
        referrals.c.workshop_id,
        referrals.c.session_id,
        referrals.c.status,
        referrals.c.sent_at,
        referrals.c.updated_at,
    ).where(referrals.c.operator_organisation_id == operator_organisation_id)
    if statuses:
        query = query.where(referrals.c.status.in_([status.value for status in statuses]))
    if workshop_id is not None:
        query = query.where(referrals.c.workshop_id == workshop_id)
    if after is not None:
        query = query.where(tuple_(referrals.c.sent_at, referrals.c.id) > tuple_(*after))
    query = query.order_by(referrals.c.sent_at, referrals.c.id).limit(limit)
    return [
        ReferralSummary(**{**row._asdict(), "status": ReferralStatus(row.status)})
        for row in (await session.execute(query)).all()
    ]


async def sessions_of_workshop(session: AsyncSession, workshop_id: UUID) -> list[SessionFill]:
    seated = func.count(case((session_places.c.seated.is_(True), 1)))
    waiting = func.count(case((session_places.c.seated.is_(False), 1)))
    query = (
        select(
            sessions.c.id,
            sessions.c.starts_on,
            sessions.c.ends_on,
            sessions.c.venue,
            sessions.c.capacity,
            seated.label("seated"),
            waiting.label("waiting"),
        )
        .select_from(sessions.outerjoin(session_places, session_places.c.session_id == sessions.c.id))
        .where(sessions.c.workshop_id == workshop_id)
        .group_by(sessions.c.id)
        .order_by(sessions.c.starts_on, sessions.c.id)
    )
    return [SessionFill(**row._asdict()) for row in (await session.execute(query)).all()]


@dataclass(frozen=True)
class WorkshopListing:
    id: UUID
    operator_organisation_id: UUID
    title: str


async def workshops_of_region(
    session: AsyncSession, operator_organisation_id: UUID | None
) -> list[WorkshopListing]:
    query = select(workshops.c.id, workshops.c.operator_organisation_id, workshops.c.title)
    if operator_organisation_id is not None:
        query = query.where(workshops.c.operator_organisation_id == operator_organisation_id)
    query = query.order_by(workshops.c.title, workshops.c.id)
    return [WorkshopListing(**row._asdict()) for row in (await session.execute(query)).all()]
