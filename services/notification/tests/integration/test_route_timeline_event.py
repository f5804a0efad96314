"""Routing on the real database: the projection and the owed deliveries change in the event's
transaction, and a delivery's key is stable, so routing an event again owes nothing new even without the
inbox (a replay under another consumer name, a rebuilt inbox)."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from notification_timeline import PersonTimeline
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from event_contracts.envelope import CloudEvent
from notification.adapters.routing_store import SqlRoutingStore
from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.subscriptions import SqlSubscriptions
from notification.adapters.timeline_events import timeline_event_of
from notification.config import DEV_SECRETS_ENCRYPTION_KEY
from notification.domain.owed_deliveries import Channel, OwedDelivery
from notification.domain.subscriptions import EmailRecipient
from notification.domain.webhooks import WebhookEndpoint, WebhookSecret
from notification.entrypoints.cli import MIGRATIONS
from notification.service.route_timeline_event import route_timeline_event
from service_kit.database import create_database_engine, create_session_factory
from service_kit.migrations import upgrade_to_head

ACCEPTED = "fr.premiere-marche.referral.accepted"


@pytest.fixture
async def sessions(fresh_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_database_engine(fresh_database, pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


async def route(sessions: async_sessionmaker[AsyncSession], event: CloudEvent) -> list[OwedDelivery]:
    async with sessions.begin() as session:
        return await route_timeline_event(
            timeline_event_of(event), SqlRoutingStore(session), datetime.now(UTC)
        )


async def test_routing_an_event_again_owes_nothing_new(sessions: async_sessionmaker[AsyncSession]) -> None:
    person = PersonTimeline()
    async with sessions.begin() as session:
        subscriptions = SqlSubscriptions(session, WebhookSecretCipher([DEV_SECRETS_ENCRYPTION_KEY]))
        endpoint = WebhookEndpoint(uuid4(), "https://93.184.216.34/hooks", (WebhookSecret.generate(),))
        await subscriptions.add_endpoint(endpoint, organisation_id=person.prescriber, event_types=(ACCEPTED,))
        await subscriptions.add_email_recipient(
            EmailRecipient(
                uuid4(), person.prescriber, "suivi@prescripteur.example", (ACCEPTED,), datetime.now(UTC)
            )
        )
    for setting_up in (person.referral_sent(), person.prescriber_joined()):
        await route(sessions, setting_up)
    accepted = person.referral_accepted()

    first = await route(sessions, accepted)
    again = await route(sessions, accepted)

    assert {delivery.target.channel for delivery in first} == {Channel.WEBHOOK, Channel.EMAIL}
    assert again == first, "the same keys"
    async with sessions.begin() as session:
        store = SqlRoutingStore(session)
        assert await store.owe(again, timeline_event_of(accepted).message, datetime.now(UTC)) == 0
        assert await session.scalar(text("SELECT count(*) FROM webhook_deliveries")) == 1
        assert await session.scalar(text("SELECT count(*) FROM email_deliveries")) == 1
