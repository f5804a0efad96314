"""E-mails owed to organisations' mailboxes, recorded in the real database by routing, sent through a real
SMTP server on 127.0.0.1 with the clock passed in: each attempt is recorded, retried on schedule, never
sent twice, and carries a Message-ID derived from its delivery key."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from random import Random
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from notification_local_smtp import LocalSmtpServer, local_smtp_server
from notification_timeline import PersonTimeline
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from event_contracts.envelope import CloudEvent
from notification.adapters.email_deliveries import PostgresEmailDeliveries
from notification.adapters.redeliveries import SqlRedeliveries
from notification.adapters.routing_store import SqlRoutingStore
from notification.adapters.smtp_mailer import SmtpMailer, SmtpServer
from notification.adapters.tables import delivery_attempts, email_recipients
from notification.adapters.webhook_payloads import webhook_message_of
from notification.bootstrap import organisation_email_renderer
from notification.config import NotificationSettings
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.email_delivery import EmailDeliveryStatus
from notification.domain.owed_deliveries import Channel, DeliveryTarget, owed_for
from notification.domain.plain_language import plain_language_issues
from notification.domain.redelivery import RedeliverySelection
from notification.domain.retry_schedule import RetrySchedule
from notification.entrypoints.cli import MIGRATIONS
from notification.service.deliver_due_emails import EmailDispatch, deliver_due_emails
from notification.service.redeliver import redeliver
from service_kit.database import create_session_factory
from service_kit.migrations import upgrade_to_head

T0 = datetime(2026, 3, 3, 8, 30, tzinfo=UTC)
SCHEDULE = RetrySchedule()
SENDER = "Première marche <ne-pas-repondre@premiere-marche.example>"
PARIS = ZoneInfo("Europe/Paris")


@dataclass
class EmailWorld:
    engine: AsyncEngine
    store: PostgresEmailDeliveries
    smtp: LocalSmtpServer
    dispatch: EmailDispatch

    async def recipient(self, address: str = "suivi@prescripteur.example") -> DeliveryTarget:
        organisation_id, recipient_id = uuid4(), uuid4()
        async with self.engine.begin() as connection:
            await connection.execute(
                email_recipients.insert().values(
                    id=recipient_id, organisation_id=organisation_id, address=address, event_types=[]
                )
            )
        return DeliveryTarget(Channel.EMAIL, recipient_id, organisation_id)

    async def owe(self, event: CloudEvent, *targets: DeliveryTarget) -> list[UUID]:
        owed = owed_for(event.source, event.id, list(targets))
        async with create_session_factory(self.engine).begin() as session:
            await SqlRoutingStore(session).owe(owed, webhook_message_of(event), T0)
        return [delivery.key for delivery in owed]

    async def run_at(self, now: datetime) -> list[AttemptRecord]:
        return await deliver_due_emails(self.dispatch, now=now, rng=Random(9))

    async def attempts_of(self, delivery_id: UUID) -> list[dict[str, Any]]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(delivery_attempts)
                .where(delivery_attempts.c.delivery_id == delivery_id)
                .order_by(delivery_attempts.c.attempt)
            )
            return [dict(row._mapping) for row in rows]


@pytest.fixture
async def world(fresh_database: str) -> AsyncIterator[EmailWorld]:
    # Alembic runs its own event loop (asyncio.run), so it needs a thread without one.
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_async_engine(fresh_database)
    store = PostgresEmailDeliveries(create_session_factory(engine))
    try:
        with local_smtp_server() as smtp:
            mailer = SmtpMailer(SmtpServer(host="127.0.0.1", port=smtp.port, sender=SENDER, starttls=False))
            dispatch = EmailDispatch(
                deliveries=store,
                transport=mailer,
                render=organisation_email_renderer(NotificationSettings()),
                schedule=SCHEDULE,
                batch_size=50,
                lease=timedelta(minutes=2),
                concurrency=4,
            )
            yield EmailWorld(engine, store, smtp, dispatch)
    finally:
        await engine.dispose()


def text_of(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(plain, EmailMessage)
    assert isinstance(html, EmailMessage)
    return plain.get_content(), html.get_content()


async def test_an_owed_e_mail_is_sent_once_in_plain_french_under_its_delivery_key(world: EmailWorld) -> None:
    person = PersonTimeline()
    mailbox = await world.recipient()
    accepted = person.referral_accepted()
    [key] = await world.owe(accepted, mailbox)

    [attempt] = await world.run_at(T0)
    again = await world.run_at(T0 + timedelta(days=4))

    [mail] = world.smtp.catcher.mails
    plain, html = text_of(mail.message)
    assert mail.envelope_to == ["suivi@prescripteur.example"]
    assert mail.message["Message-ID"] == f"<{key}@premiere-marche.fr>"
    assert mail.message["Subject"] == "L'atelier accueille la personne"
    assert "La demande d'orientation de la personne vers l'atelier est acceptée." in plain
    assert f"Référence de la personne : {person.person_id}." in plain
    assert f"Référence de la demande : {person.referral_id}." in plain
    assert "<p>La demande d&#x27;orientation de la personne vers l&#x27;atelier est acceptée.</p>" in html
    assert plain_language_issues(plain) == []
    assert "illettr" not in plain.lower() + html.lower()
    assert (attempt.result, attempt.status_code, attempt.next_attempt_at) == ("delivered", 250, None)
    assert again == []
    stored = await world.store.get(key)
    assert stored is not None
    assert (stored.status, stored.attempts) == (EmailDeliveryStatus.SENT, 1)
    [recorded] = await world.attempts_of(key)
    assert (recorded["channel"], recorded["target_id"], recorded["result"]) == (
        "email",
        mailbox.target_id,
        "delivered",
    )
    assert (recorded["status_code"], recorded["reason"], recorded["next_attempt_at"]) == (250, None, None)
    assert recorded["latency_ms"] >= 0


async def test_the_moment_is_said_in_words_in_the_region_s_time_zone(world: EmailWorld) -> None:
    person = PersonTimeline()
    mailbox = await world.recipient()
    accepted = person.referral_accepted()
    await world.owe(accepted, mailbox)

    await world.run_at(T0)

    [mail] = world.smtp.catcher.mails
    plain, _ = text_of(mail.message)
    occurred = accepted.data.original_event.time.astimezone(PARIS)  # type: ignore[union-attr]
    minutes = "" if occurred.minute == 0 else f" {occurred.minute:02d}"
    assert f"à {occurred.hour} h{minutes}." in plain


async def test_a_mail_server_asking_to_retry_gets_the_e_mail_exactly_once_more_on_schedule(
    world: EmailWorld,
) -> None:
    mailbox = await world.recipient()
    [key] = await world.owe(PersonTimeline().stage_changed(), mailbox)
    world.smtp.catcher.replies.append("451 4.3.0 try again later")
    low, high = SCHEDULE.bounds_of_wait_after(1) or (timedelta(), timedelta())

    [first] = await world.run_at(T0)
    too_early = await world.run_at(T0 + low - timedelta(seconds=1))
    [second] = await world.run_at(T0 + high)
    long_after = await world.run_at(T0 + timedelta(days=4))

    assert (first.result, first.status_code) == ("retry", 451)
    assert first.next_attempt_at is not None
    assert T0 + low <= first.next_attempt_at <= T0 + high
    assert too_early == []
    assert (second.result, second.number) == ("delivered", 2)
    assert long_after == []
    assert len(world.smtp.catcher.mails) == 1
    assert [row["result"] for row in await world.attempts_of(key)] == ["retry", "delivered"]


async def test_a_permanent_refusal_is_given_up_and_recorded(world: EmailWorld) -> None:
    mailbox = await world.recipient()
    [key] = await world.owe(PersonTimeline().stage_changed(), mailbox)
    world.smtp.catcher.replies.append("554 5.7.1 rejected")

    [attempt] = await world.run_at(T0)
    later = await world.run_at(T0 + timedelta(days=4))

    assert (attempt.result, attempt.status_code) == ("given_up", 554)
    assert later == []
    stored = await world.store.get(key)
    assert stored is not None
    assert stored.status is EmailDeliveryStatus.GIVEN_UP


async def test_a_mail_server_that_is_not_there_is_retried_and_the_failure_recorded(world: EmailWorld) -> None:
    mailbox = await world.recipient()
    [key] = await world.owe(PersonTimeline().stage_changed(), mailbox)
    unreachable = SmtpMailer(SmtpServer(host="127.0.0.1", port=1, sender=SENDER, starttls=False))
    world.dispatch = EmailDispatch(**{**world.dispatch.__dict__, "transport": unreachable})

    [attempt] = await world.run_at(T0)

    assert (attempt.result, attempt.status_code) == ("retry", None)
    assert attempt.reason is not None
    assert attempt.reason.startswith("could not reach the mail server")
    assert "suivi@" not in attempt.reason
    [recorded] = await world.attempts_of(key)
    assert recorded["next_attempt_at"] == attempt.next_attempt_at


async def test_an_e_mail_owed_to_a_recipient_removed_since_is_given_up_unsent(world: EmailWorld) -> None:
    mailbox = await world.recipient()
    await world.owe(PersonTimeline().stage_changed(), mailbox)
    async with world.engine.begin() as connection:
        await connection.execute(
            update(email_recipients).where(email_recipients.c.id == mailbox.target_id).values(removed_at=T0)
        )

    [attempt] = await world.run_at(T0)

    assert attempt.result == "given_up"
    assert world.smtp.catcher.mails == []


async def test_instances_running_at_the_same_time_never_send_an_e_mail_twice(world: EmailWorld) -> None:
    mailboxes = [await world.recipient(f"suivi-{number}@structure.example") for number in range(3)]
    keys = [key for _ in range(10) for key in await world.owe(PersonTimeline().stage_changed(), *mailboxes)]

    batches = await asyncio.gather(*(world.run_at(T0) for _ in range(3)))

    assert sorted(attempt.delivery_id for batch in batches for attempt in batch) == sorted(keys)
    message_ids = [mail.message["Message-ID"] for mail in world.smtp.catcher.mails]
    assert len(message_ids) == len(set(message_ids)) == 30
    async with world.engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM delivery_attempts")) == 30


async def test_an_e_mail_given_up_is_sent_again_when_an_operator_asks_under_the_same_message_id(
    world: EmailWorld,
) -> None:
    mailbox = await world.recipient()
    [key] = await world.owe(PersonTimeline().stage_changed(), mailbox)
    world.smtp.catcher.replies.append("550 5.1.1 mailbox full for good")
    await world.run_at(T0)

    async with create_session_factory(world.engine)() as session, session.begin():
        done = await redeliver(RedeliverySelection(delivery_ids=(key,)), SqlRedeliveries(session), now=T0)
    [attempt] = await world.run_at(T0)

    assert done.emails == (key,)
    assert (attempt.result, attempt.number) == ("delivered", 1)
    [mail] = world.smtp.catcher.mails
    assert mail.message["Message-ID"] == f"<{key}@premiere-marche.fr>"
    assert [row["result"] for row in await world.attempts_of(key)] == ["given_up", "delivered"]
