"""Workshops, sessions with their seats and waiting lists, and attendance, in PostgreSQL.

Placing locks the session row (`SELECT … FOR UPDATE`): concurrent placements on one session queue up,
each sees the seats the previous one took, and the capacity holds.
"""

from uuid import UUID

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from referral.adapters.tables import attendances, session_places, sessions, workshops
from referral.domain.attendance import AttendanceRecord
from referral.domain.workshop import Session, Workshop

# Built once: a statement of the hot path is compiled and cached by its shape, not rebuilt per call.
_WORKSHOP = select(workshops).where(workshops.c.id == bindparam("workshop_id"))


class SqlWorkshopRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, workshop_id: UUID) -> Workshop | None:
        row = (await self._session.execute(_WORKSHOP, {"workshop_id": workshop_id})).one_or_none()
        return None if row is None else Workshop(row.id, row.operator_organisation_id, row.title)

    async def add(self, workshop: Workshop) -> None:
        await self._session.execute(
            insert(workshops).values(
                id=workshop.id,
                operator_organisation_id=workshop.operator_organisation_id,
                title=workshop.title,
            )
        )

    async def get_session(self, session_id: UUID, *, lock: bool = False) -> Session | None:
        query = select(sessions).where(sessions.c.id == session_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).one_or_none()
        if row is None:
            return None
        places = (
            await self._session.execute(
                select(session_places.c.referral_id, session_places.c.seated)
                .where(session_places.c.session_id == session_id)
                .order_by(session_places.c.position)
            )
        ).all()
        return Session(
            id=row.id,
            workshop_id=row.workshop_id,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            venue=row.venue,
            capacity=row.capacity,
            seated=tuple(place.referral_id for place in places if place.seated),
            waiting_list=tuple(place.referral_id for place in places if not place.seated),
        )

    async def sessions_holding(self, referral_id: UUID) -> list[UUID]:
        query = select(session_places.c.session_id).where(session_places.c.referral_id == referral_id)
        return sorted((await self._session.execute(query)).scalars())

    async def add_session(self, session: Session) -> None:
        await self._session.execute(
            insert(sessions).values(
                id=session.id,
                workshop_id=session.workshop_id,
                starts_on=session.starts_on,
                ends_on=session.ends_on,
                venue=session.venue,
                capacity=session.capacity,
            )
        )
        await self.save_session(session)

    async def save_session(self, session: Session) -> None:
        await self._session.execute(delete(session_places).where(session_places.c.session_id == session.id))
        rows = [
            {"session_id": session.id, "referral_id": referral_id, "seated": seated, "position": position}
            for position, (referral_id, seated) in enumerate(
                [(seated_id, True) for seated_id in session.seated]
                + [(waiting_id, False) for waiting_id in session.waiting_list]
            )
        ]
        if rows:
            await self._session.execute(insert(session_places), rows)


class SqlAttendanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, attendance: AttendanceRecord) -> None:
        """A second record for the same sitting corrects the first."""
        values = {
            "referral_id": attendance.referral_id,
            "sitting_on": attendance.sitting_on,
            "session_id": attendance.session_id,
            "attendance": attendance.attendance.value,
            "recorded_at": attendance.recorded_at,
        }
        statement = upsert(attendances).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[attendances.c.referral_id, attendances.c.sitting_on],
                set_={
                    "attendance": statement.excluded.attendance,
                    "recorded_at": statement.excluded.recorded_at,
                },
            )
        )
