"""Placing people on a session is atomic: the capacity holds however many operators place at once."""

import asyncio
from datetime import datetime
from uuid import UUID

from referral_world import ReferralDatabase

from referral.domain.codes import OrganisationKind
from referral.domain.workshop import Placement
from referral.service.place_on_session import PlaceOnSession, place_on_session


async def place(
    db: ReferralDatabase, operator: UUID, referral_id: UUID, session_id: UUID, at: datetime | None = None
) -> Placement:
    async with db.unit_of_work() as uow:
        placement = await place_on_session(
            PlaceOnSession(
                referral_id=referral_id,
                session_id=session_id,
                operator_organisation_id=operator,
                at=at or db.later(),
            ),
            uow,
        )
        await uow.commit()
    return placement


async def test_fifty_concurrent_placements_on_twelve_seats_give_twelve_scheduled_and_thirty_eight_waiting(
    referral_database: ReferralDatabase,
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    workshop = await db.workshop(operator)
    session = await db.session(operator, workshop, capacity=12)
    referral_ids = [await db.accepted(prescriber, operator, workshop) for _ in range(50)]
    at = db.later()

    placements = await asyncio.gather(
        *(place(db, operator, referral_id, session, at) for referral_id in referral_ids)
    )

    assert placements.count(Placement.PLACED) == 12
    assert placements.count(Placement.WAITLISTED) == 38
    assert await db.rows("SELECT status, count(*) FROM referrals GROUP BY status ORDER BY status") == [
        ("scheduled", 12),
        ("waitlisted", 38),
    ]
    assert await db.rows(
        f"SELECT seated, count(*) FROM session_places WHERE session_id = '{session}' GROUP BY seated"
        " ORDER BY seated"
    ) == [(False, 38), (True, 12)]
    published = await db.rows("SELECT headers FROM outbox WHERE headers::text LIKE '%referral.scheduled%'")
    assert len(published) == 12


async def test_a_referral_seated_on_another_session_leaves_the_line_of_the_full_one(
    referral_database: ReferralDatabase,
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    workshop = await db.workshop(operator)
    full, later_session = [await db.session(operator, workshop, capacity=1) for _ in range(2)]
    seated, waiting, behind = [await db.accepted(prescriber, operator, workshop) for _ in range(3)]

    first_answers = [
        await place(db, operator, referral_id, full) for referral_id in (seated, waiting, behind)
    ]
    moved = await place(db, operator, waiting, later_session)

    assert first_answers == [Placement.PLACED, Placement.WAITLISTED, Placement.WAITLISTED]
    assert moved is Placement.PLACED
    assert await db.rows(
        "SELECT session_id, referral_id, seated FROM session_places ORDER BY session_id, seated, referral_id"
    ) == sorted(
        [(full, behind, False), (full, seated, True), (later_session, waiting, True)],
        key=lambda place: (place[0], place[2], place[1]),
    )
