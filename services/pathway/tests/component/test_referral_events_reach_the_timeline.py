"""The end-to-end proof of the foundation: the real pathway process consumes `referral.sent` from real
Kafka and writes its timeline entry and its outbox rows in one PostgreSQL transaction. The assembler takes
its fetches in batches, which claim nothing in the inbox: the timeline keeps each event once."""

import json
import signal
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

from faststream import AckPolicy
from pathway_world import PathwayWorld
from service_process import metric_value

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import from_kafka_record, to_kafka_record
from event_contracts.topics import dead_letter_topic
from pathway.bootstrap import bootstrap
from pathway.config import PathwaySettings
from service_kit import dead_letters as dlq

ENTRIES = "SELECT count(*) FROM timeline_entries"
INBOX = "SELECT count(*) FROM inbox"
OUTBOX = "SELECT count(*) FROM outbox"
ReadTopic = Callable[[str], Awaitable[list[Any]]]


async def test_a_referral_sent_becomes_a_timeline_entry_once_even_when_redelivered(
    pathway_world: PathwayWorld, referral_sent: Callable[..., CloudEvent], read_topic: ReadTopic
) -> None:
    service = pathway_world.service()
    service.start()
    await service.wait_ready()
    event = referral_sent(region=pathway_world.region)
    duplicates = (
        f'events_consumed_total{{consumer="{pathway_world.region}.pathway.assembler",outcome="duplicate"}}'
    )

    await pathway_world.publish([event])
    assert await eventually(lambda: pathway_world.count(ENTRIES), lambda n: n == 1) == 1
    await pathway_world.publish([event])
    metrics = await eventually(service.metrics, lambda text: metric_value(text, duplicates) == 1)

    assert metric_value(metrics, duplicates) == 1
    assert await pathway_world.entry_ids() == [str(event.id)]
    assert await pathway_world.count(INBOX) == 0, "the entry is the record of the event, not an inbox row"
    assert await pathway_world.count(OUTBOX) == 2, "the entry, and the stage it opens"
    published = await eventually(
        lambda: read_topic(pathway_world.topics.pathway_timeline), lambda records: len(records) == 2
    )
    appended, stage_changed = (from_kafka_record(r.key, r.value, r.headers) for r in published)
    assert appended.type == "fr.premiere-marche.timeline.entry_appended"
    assert appended.subject == event.subject
    entry = appended.data.model_dump(mode="json")
    assert entry["original_event"]["id"] == str(event.id)
    assert entry["seq"] == 1
    assert stage_changed.type == "fr.premiere-marche.pathway.stage_changed"
    assert stage_changed.data.model_dump(mode="json")["stage"] == "referred"


async def test_bad_messages_go_to_the_dead_letter_topic_and_later_events_still_flow(
    pathway_world: PathwayWorld, referral_sent: Callable[..., CloudEvent], read_topic: ReadTopic
) -> None:
    service = pathway_world.service()
    service.start()
    await service.wait_ready()
    later = referral_sent(region=pathway_world.region)
    valid = to_kafka_record(referral_sent(region=pathway_world.region))
    invalid_data = json.loads(valid.value)
    invalid_data["expires_on"] = "someday"

    await pathway_world.publish_raw(
        [
            (valid.key, b"{not json", list(valid.headers)),
            (valid.key, json.dumps(invalid_data).encode(), list(valid.headers)),
        ]
    )
    await pathway_world.publish([later])

    ids = await eventually(pathway_world.entry_ids, lambda found: found == [str(later.id)])
    dead = await eventually(
        lambda: read_topic(dead_letter_topic(pathway_world.topics.referral_events)),
        lambda found: len(found) == 2,
    )
    assert ids == [str(later.id)]
    assert sorted(dict(record.headers)[dlq.ERROR_CLASS] for record in dead) == [
        b"SchemaInvalidEvent",
        b"UndecodableEvent",
    ]
    for record in dead:
        headers = dict(record.headers)
        assert headers[dlq.ORIGIN_TOPIC] == pathway_world.topics.referral_events.encode()
        assert {dlq.ORIGIN_PARTITION, dlq.ORIGIN_OFFSET, dlq.REASON, dlq.FAILED_AT} <= headers.keys()
        assert b"someday" not in headers[dlq.REASON], "a reason never repeats what was sent"


async def test_a_crash_between_the_database_commit_and_the_offset_commit_loses_and_duplicates_nothing(
    pathway_world: PathwayWorld, referral_sent: Callable[..., CloudEvent]
) -> None:
    person = uuid4()
    first = referral_sent(person, region=pathway_world.region)
    second = referral_sent(person, region=pathway_world.region)
    crashing = pathway_world.crashing_service()
    crashing.start({"CRASH_ON_EVENT_ID": str(first.id), "CRASH_MOMENT": "after-commit"})
    await crashing.wait_ready()

    await pathway_world.publish([first])
    assert await crashing.wait_exit() == -signal.SIGKILL
    committed_before_crash = await pathway_world.entry_ids()
    restarted = pathway_world.service()
    restarted.start()
    await restarted.wait_ready()
    await pathway_world.publish([second])

    assert await eventually(lambda: pathway_world.count(ENTRIES), lambda n: n == 2) == 2
    assert committed_before_crash == [str(first.id)]
    assert await pathway_world.entry_ids() == [str(first.id), str(second.id)]
    assert await pathway_world.rows("SELECT seq FROM timeline_entries ORDER BY seq") == [(1,), (2,)]


async def test_a_crash_while_the_handler_works_does_not_lose_the_event(
    pathway_world: PathwayWorld, referral_sent: Callable[..., CloudEvent]
) -> None:
    """Under FastStream's ACK_FIRST the offset is auto-committed while the handler still works and this
    event is lost; the project's MANUAL policy commits the offset only after the database has."""
    event = referral_sent(region=pathway_world.region)
    crashing = pathway_world.crashing_service()
    crashing.start({"CRASH_ON_EVENT_ID": str(event.id), "CRASH_MOMENT": "before-commit"})
    await crashing.wait_ready()

    await pathway_world.publish([event])
    assert await crashing.wait_exit() == -signal.SIGKILL
    assert await pathway_world.count(ENTRIES) == 0
    restarted = pathway_world.service()
    restarted.start()
    await restarted.wait_ready()

    ids = await eventually(pathway_world.entry_ids, lambda found: found == [str(event.id)])
    assert ids == [str(event.id)]


def test_every_pathway_subscriber_names_its_group_and_acknowledges_only_after_commit() -> None:
    service = bootstrap(PathwaySettings(region="grand-est"))

    subscribers = list(service.broker.subscribers)

    assert subscribers
    for subscriber in subscribers:
        assert subscriber.ack_policy is AckPolicy.MANUAL
    assert service.assembler.name == "grand-est.pathway.assembler"
    assert [(subscriber.group_id, sorted(subscriber.topic_names)) for subscriber in subscribers] == [
        ("grand-est.pathway.assembler", ["grand-est.partner.events.v1", "grand-est.referral.events.v1"])
    ]
