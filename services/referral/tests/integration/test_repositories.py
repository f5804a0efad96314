"""Aggregates come back from PostgreSQL as they were saved: status, history, care team, seats."""

from datetime import date

from referral_world import ReferralDatabase

from referral.domain.actor import Actor
from referral.domain.codes import (
    AttendanceStatus,
    CareTeamJoinReason,
    OrganisationKind,
    RejectionReason,
)
from referral.domain.lifecycle import ReferralAction, ReferralStatus
from referral.service.answer_referral import RejectReferral, reject_referral
from referral.service.follow_workshop import RecordAttendance, record_attendance
from referral.service.place_on_session import PlaceOnSession, place_on_session


async def test_a_referral_comes_back_with_its_whole_history(referral_database: ReferralDatabase) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    workshop = await db.workshop(operator)
    session = await db.session(operator, workshop, capacity=2)
    referral_id = await db.accepted(prescriber, operator, workshop)
    async with db.unit_of_work() as uow:
        await place_on_session(
            PlaceOnSession(
                referral_id=referral_id, session_id=session, operator_organisation_id=operator, at=db.later()
            ),
            uow,
        )
        await record_attendance(
            RecordAttendance(
                referral_id=referral_id,
                operator_organisation_id=operator,
                at=db.later(),
                sitting_on=date(2026, 10, 5),
                attendance=AttendanceStatus.PRESENT,
            ),
            uow,
        )
        await uow.commit()

    async with db.unit_of_work() as uow:
        referral = await uow.referrals.get(referral_id)
        seats = await uow.workshops.get_session(session)
        care_team = await uow.care_teams.get(referral.person_id if referral else referral_id)

    assert referral is not None
    assert seats is not None
    assert referral.status is ReferralStatus.STARTED
    assert referral.session_id == session
    assert [change.action for change in referral.history] == [
        ReferralAction.SEND,
        ReferralAction.ACCEPT,
        ReferralAction.SCHEDULE,
        ReferralAction.START,
    ]
    assert referral.history[1].by == Actor.operator(operator)
    assert seats.seated == (referral_id,)
    assert [(m.organisation_id, m.join_reason) for m in care_team.memberships] == [
        (prescriber, CareTeamJoinReason.REFERRED_THE_PERSON),
        (operator, CareTeamJoinReason.ACCEPTED_THE_REFERRAL),
    ]
    assert await db.rows("SELECT attendance FROM attendances") == [("present",)]


async def test_the_message_for_the_prescriber_stays_in_the_history_and_out_of_the_outbox(
    referral_database: ReferralDatabase,
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    submitted = await db.submit(prescriber, operator, None)
    message = "Mme Le Goff-Martin préfère une session à Liévin"

    async with db.unit_of_work() as uow:
        await reject_referral(
            RejectReferral(
                referral_id=submitted.referral_id,
                operator_organisation_id=operator,
                at=db.later(),
                reason=RejectionReason.OUTSIDE_TERRITORY,
                message_for_prescriber=message,
            ),
            uow,
        )
        await uow.commit()

    async with db.unit_of_work() as uow:
        referral = await uow.referrals.get(submitted.referral_id)
    assert referral is not None
    assert referral.history[-1].message_for_prescriber == message
    assert referral.history[-1].reason is RejectionReason.OUTSIDE_TERRITORY
    outbox = b"".join(value for (value,) in await db.rows("SELECT message_value FROM outbox"))
    assert b"Goff" not in outbox
    assert b"Lievin" not in outbox
    assert "Liévin".encode() not in outbox


async def test_a_possible_duplicate_is_reported_and_both_persons_are_kept(
    referral_database: ReferralDatabase, new_person: object
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    other_prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    first = await db.submit(prescriber, operator, None)

    by_same = await db.submit(prescriber, operator, None)
    by_other = await db.submit(other_prescriber, operator, None)

    assert first.possible_duplicates == ()
    assert by_same.possible_duplicates == (first.person_id,)
    assert not by_same.possible_duplicate_elsewhere
    assert by_other.possible_duplicates == ()
    assert by_other.possible_duplicate_elsewhere
    assert len({first.person_id, by_same.person_id, by_other.person_id}) == 3
