"""The real `notification serve` killed with SIGKILL while it sends e-mails, then restarted: every e-mail
owed reaches the SMTP server, none is lost, and none is sent twice as a distinct message.

What this can and cannot promise: an e-mail the SMTP server accepted in the instant before the process
recorded it as sent is sent again once its lease ends, under the same Message-ID (derived from the delivery
key). No sender can close that window alone; receivers drop such a copy by Message-ID, and the sink here
does as they do. The test counts those copies too and holds them to what can be in flight at once."""

import asyncio
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from uuid import UUID, uuid4

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from notification_local_smtp import LocalSmtpServer, local_smtp_server
from notification_timeline import PersonTimeline, isolated_region
from service_process import ServiceProcess
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from devstack.eventually import eventually
from event_contracts.catalogue.codes import CareTeamJoinReason, OrganisationKind
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import topics_for_region
from notification.adapters.tables import email_recipients
from notification.domain.email_delivery import message_id_of
from notification.domain.owed_deliveries import Channel, DeliveryTarget, owed_for
from notification.entrypoints.cli import MIGRATIONS
from service_kit.migrations import upgrade_to_head
from service_kit.producer import EventProducer
from service_kit.provisioning import provision_region_topics, region_topic_names

pytestmark = pytest.mark.slow

PERSONS = 80
STAGE_CHANGES_PER_PERSON = 2
CONCURRENCY = 4
SECONDS_PER_MESSAGE = 0.02
STAGES = "fr.premiere-marche.pathway.stage_changed"
ALERTS = "fr.premiere-marche.pathway.alert_raised"


@dataclass
class Mailbox:
    organisation_id: UUID
    kind: OrganisationKind
    reason: CareTeamJoinReason
    recipient_id: UUID = field(default_factory=uuid4)

    @property
    def target(self) -> DeliveryTarget:
        return DeliveryTarget(Channel.EMAIL, self.recipient_id, self.organisation_id)


@dataclass
class KillWorld:
    region: str
    bootstrap: str
    engine: AsyncEngine
    smtp: LocalSmtpServer
    env: dict[str, str]
    processes: list[ServiceProcess] = field(default_factory=list)

    def service(self) -> ServiceProcess:
        process = ServiceProcess([sys.executable, "-m", "notification", "serve"], self.env, "NOTIFICATION_")
        self.processes.append(process)
        return process

    async def add_mailboxes(self, mailboxes: list[Mailbox]) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                email_recipients.insert(),
                [
                    {
                        "id": mailbox.recipient_id,
                        "organisation_id": mailbox.organisation_id,
                        "address": f"suivi-{mailbox.kind.value}@structure.example",
                        "event_types": [STAGES, ALERTS],
                    }
                    for mailbox in mailboxes
                ],
            )

    async def publish(self, events: list[CloudEvent]) -> None:
        topic = topics_for_region(self.region).pathway_timeline
        async with EventProducer(self.bootstrap, client_id="notification-kill-test") as producer:
            for event in events:
                record = to_kafka_record(event)
                await producer.send(topic, key=record.key, value=record.value, headers=record.headers)

    def received(self) -> Counter[str]:
        return Counter(str(mail.message["Message-ID"]) for mail in list(self.smtp.catcher.mails))

    async def pending(self) -> int:
        async with self.engine.connect() as connection:
            count = await connection.scalar(
                text("SELECT count(*) FROM email_deliveries WHERE status <> 'sent'")
            )
        return int(count or 0)

    async def delivered_attempts(self) -> Counter[str]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT delivery_id FROM delivery_attempts WHERE channel = 'email' AND result = :sent"),
                {"sent": "delivered"},
            )
            return Counter(message_id_of(row.delivery_id) for row in rows)


@pytest.fixture
async def world(kafka_bootstrap_servers: str, fresh_database: str) -> AsyncIterator[KillWorld]:
    region = isolated_region()
    await provision_region_topics(kafka_bootstrap_servers, region, partitions=3)
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_async_engine(fresh_database)
    with local_smtp_server(seconds_per_message=SECONDS_PER_MESSAGE) as smtp:
        env = {
            **os.environ,
            "NOTIFICATION_REGION": region,
            "NOTIFICATION_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
            "NOTIFICATION_DATABASE_URL": fresh_database,
            "NOTIFICATION_SMTP_PORT": str(smtp.port),
            "NOTIFICATION_SMTP_TIMEOUT_SECONDS": "2",
            # A short lease, so that what the killed process had claimed comes due again soon.
            "NOTIFICATION_EMAIL_LEASE_SECONDS": "3",
            "NOTIFICATION_EMAIL_DISPATCH_INTERVAL_SECONDS": "0.05",
            "NOTIFICATION_EMAIL_BATCH_SIZE": "20",
            "NOTIFICATION_EMAIL_CONCURRENCY": str(CONCURRENCY),
        }
        world = KillWorld(region, kafka_bootstrap_servers, engine, smtp, env)
        try:
            yield world
        finally:
            for process in world.processes:
                process.stop()
            await engine.dispose()
            admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
            await admin.start()
            try:
                await admin.delete_topics(region_topic_names(region))
            finally:
                await admin.close()


def timelines(mailboxes: list[Mailbox]) -> tuple[list[CloudEvent], set[str]]:
    """What the timeline topic carries about PERSONS persons each followed by every mailbox's
    organisation, and the Message-ID of every e-mail that makes owed."""
    referent = mailboxes[0]
    events: list[CloudEvent] = []
    owed: set[str] = set()
    for _ in range(PERSONS):
        person = PersonTimeline(prescriber=referent.organisation_id)
        events += [person.member_added(m.organisation_id, m.kind, m.reason) for m in mailboxes]
        for _ in range(STAGE_CHANGES_PER_PERSON):
            changed = person.stage_changed()
            events.append(changed)
            owed |= {
                message_id_of(d.key)
                for d in owed_for(changed.source, changed.id, [m.target for m in mailboxes])
            }
        alert = person.alert_raised()
        events.append(alert)
        owed |= {message_id_of(d.key) for d in owed_for(alert.source, alert.id, [referent.target])}
    return events, owed


async def test_killed_mid_delivery_and_restarted_every_e_mail_arrives_once_and_none_is_lost(
    world: KillWorld,
) -> None:
    mailboxes = [
        Mailbox(uuid4(), OrganisationKind.PRESCRIBER, CareTeamJoinReason.REFERRED_THE_PERSON),
        Mailbox(uuid4(), OrganisationKind.SUPPORT_PARTNER, CareTeamJoinReason.ADDED_BY_REFERENT),
        Mailbox(uuid4(), OrganisationKind.TRAINING_PROVIDER, CareTeamJoinReason.ADDED_BY_REFERENT),
    ]
    await world.add_mailboxes(mailboxes)
    events, owed = timelines(mailboxes)
    first = world.service()
    first.start()
    await first.wait_ready()

    await world.publish(events)
    await eventually(lambda: _now(len(world.received())), lambda n: n >= len(owed) // 4, timeout_seconds=120)
    first.kill()
    received_before_kill = world.received()
    second = world.service()
    second.start()
    await second.wait_ready()
    await eventually(world.pending, lambda n: n == 0, timeout_seconds=180)
    received = world.received()
    recorded_as_sent = await world.delivered_attempts()

    assert len(received_before_kill) < len(owed), "the kill came while e-mails were still owed"
    assert set(received) == owed, "every owed e-mail arrived and nothing else did"
    copies = {message_id: count for message_id, count in received.items() if count > 1}
    assert len(copies) <= CONCURRENCY, "only e-mails in flight at the kill can be sent again"
    assert all(count == 2 for count in copies.values())
    assert set(copies) <= set(received_before_kill), "a copy is of an e-mail sent before the kill"
    assert recorded_as_sent == Counter(owed), "each e-mail is recorded as sent exactly once"
    assert set(copies).isdisjoint(_sent_twice_as_distinct_messages(world)), "copies are the same message"


def _sent_twice_as_distinct_messages(world: KillWorld) -> set[str]:
    seen: dict[str, tuple[str, str]] = {}
    distinct: set[str] = set()
    for mail in list(world.smtp.catcher.mails):
        message_id = str(mail.message["Message-ID"])
        said = (str(mail.message["Subject"]), mail.message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        if seen.setdefault(message_id, said) != said:
            distinct.add(message_id)
    return distinct


async def _now(value: int) -> int:
    return value
