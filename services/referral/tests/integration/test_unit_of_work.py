"""Committing the unit of work writes each state change's catalogue event to the outbox, in the same
transaction; leaving it without a commit leaves neither."""

from uuid import UUID

import pytest
from referral_world import ReferralDatabase
from sqlalchemy import text

from event_contracts.catalogue.referral import CareTeamMemberAdded, ReferralSent
from event_contracts.kafka_binding import from_kafka_record
from referral.domain.codes import OrganisationKind
from referral.service.withdraw_referral import WithdrawReferral, withdraw_referral


async def outbox_events(db: ReferralDatabase) -> list[object]:
    rows = await db.rows("SELECT topic, message_key, message_value, headers FROM outbox ORDER BY id")
    assert {row.topic for row in rows} <= {db.events_topic}
    return [
        from_kafka_record(row.message_key, row.message_value, [(n, v.encode()) for n, v in row.headers])
        for row in rows
    ]


async def test_sending_a_referral_writes_its_events_keyed_by_the_person(
    referral_database: ReferralDatabase,
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)

    submitted = await db.submit(prescriber, operator, None)

    events = await outbox_events(db)
    assert [type(event.data) for event in events] == [ReferralSent, CareTeamMemberAdded]  # type: ignore[attr-defined]
    for event in events:
        assert event.subject == str(submitted.person_id)  # type: ignore[attr-defined]
        assert event.source == "/services/referral"  # type: ignore[attr-defined]
        assert event.region == db.region  # type: ignore[attr-defined]
    rows = await db.rows("SELECT message_key FROM outbox")
    assert {UUID(key.decode()) for (key,) in rows} == {submitted.person_id}


class CrashBeforeCommit(Exception):
    pass


async def test_an_error_after_the_outbox_insert_and_before_the_commit_leaves_nothing(
    referral_database: ReferralDatabase,
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    submitted = await db.submit(prescriber, operator, None)
    outbox_before = await db.rows("SELECT count(*) FROM outbox")

    async def withdraw_then_crash_before_commit() -> None:
        async with db.unit_of_work() as uow:
            await withdraw_referral(
                WithdrawReferral(
                    referral_id=submitted.referral_id, prescriber_organisation_id=prescriber, at=db.later()
                ),
                uow,
            )
            await uow.publish_events()
            in_transaction = await uow.session.execute(text("SELECT count(*) FROM outbox"))
            assert in_transaction.scalar_one() == outbox_before[0][0] + 1
            raise CrashBeforeCommit

    with pytest.raises(CrashBeforeCommit):
        await withdraw_then_crash_before_commit()

    assert await db.rows("SELECT count(*) FROM outbox") == outbox_before
    assert await db.rows("SELECT status FROM referrals") == [("sent",)]
