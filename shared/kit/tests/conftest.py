"""Events and databases the kit's integration tests share."""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from event_contracts.catalogue.referral import ReferralSent
from event_contracts.envelope import CloudEvent
from service_kit.database import create_database_engine
from service_kit.messaging_tables import define_inbox_table, define_outbox_table

PRESCRIBER_SOURCE = "/services/referral"


def build_referral_sent(person_id: UUID | None = None, *, region: str = "grand-est") -> CloudEvent:
    today = date(2026, 11, 27)
    return CloudEvent.build(
        ReferralSent(
            referral_id=uuid4(),
            prescriber_organisation_id=uuid4(),
            operator_organisation_id=uuid4(),
            workshop_id=None,
            reminder_due_on=today + timedelta(days=10),
            expires_on=today + timedelta(days=30),
        ),
        source=PRESCRIBER_SOURCE,
        subject=person_id or uuid4(),
        region=region,
        time=datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
    )


async def create_messaging_tables(engine: AsyncEngine) -> MetaData:
    metadata = MetaData()
    define_outbox_table(metadata)
    define_inbox_table(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return metadata


@pytest.fixture
def referral_sent() -> Callable[..., CloudEvent]:
    return build_referral_sent


@pytest.fixture
async def messaging_engine(fresh_database: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database of its own holding the kit's outbox and inbox tables."""
    engine = create_database_engine(fresh_database, pool_size=5)
    await create_messaging_tables(engine)
    yield engine
    await engine.dispose()
