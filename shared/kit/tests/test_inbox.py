from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from event_contracts.envelope import CloudEvent
from service_kit.database import create_session_factory
from service_kit.inbox import claim_event


async def test_an_event_is_claimed_once_per_consumer(
    messaging_engine: AsyncEngine, referral_sent: Callable[..., CloudEvent]
) -> None:
    source, event_id = referral_sent().idempotency_key
    sessions = create_session_factory(messaging_engine)

    async with sessions() as session, session.begin():
        first = await claim_event(session, consumer="pathway", source=source, event_id=event_id)
        other_consumer = await claim_event(session, consumer="notification", source=source, event_id=event_id)
    async with sessions() as session, session.begin():
        redelivered = await claim_event(session, consumer="pathway", source=source, event_id=event_id)

    assert (first, other_consumer, redelivered) == (True, True, False)


async def test_a_rolled_back_claim_leaves_the_event_to_be_applied_again(
    messaging_engine: AsyncEngine, referral_sent: Callable[..., CloudEvent]
) -> None:
    source, event_id = referral_sent().idempotency_key
    sessions = create_session_factory(messaging_engine)

    async with sessions() as session, session.begin():
        assert await claim_event(session, consumer="pathway", source=source, event_id=event_id)
        await session.rollback()
    async with sessions() as session, session.begin():
        retried = await claim_event(session, consumer="pathway", source=source, event_id=event_id)

    assert retried
