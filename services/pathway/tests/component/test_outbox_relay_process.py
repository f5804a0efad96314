"""`pathway serve` with `PATHWAY_RUN_OUTBOX_RELAY=false` assembles without publishing; `pathway relay`, a
process of its own, publishes what it wrote to the timeline topic."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from pathway_world import PathwayWorld

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import from_kafka_record

ENTRIES = "SELECT count(*) FROM timeline_entries"
UNPUBLISHED = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
ReadTopic = Callable[[str], Awaitable[list[Any]]]


async def test_the_assembler_without_relay_leaves_its_timeline_events_to_the_relay_process(
    pathway_world: PathwayWorld, referral_sent: Callable[..., CloudEvent], read_topic: ReadTopic
) -> None:
    service = pathway_world.service()
    service.start({"PATHWAY_RUN_OUTBOX_RELAY": "false"})
    await service.wait_ready()
    event = referral_sent(region=pathway_world.region)

    await pathway_world.publish([event])
    assert await eventually(lambda: pathway_world.count(ENTRIES), lambda n: n == 1) == 1
    # Twice the poll interval the instance's relay would have woken at, had it run one.
    await asyncio.sleep(1.0)
    assert await pathway_world.count(UNPUBLISHED) == 2
    assert await read_topic(pathway_world.topics.pathway_timeline) == []

    relay = pathway_world.relay()
    relay.start()
    await relay.wait_ready()
    published = await eventually(
        lambda: read_topic(pathway_world.topics.pathway_timeline), lambda records: len(records) == 2
    )

    appended, stage_changed = (from_kafka_record(r.key, r.value, r.headers) for r in published)
    assert appended.type == "fr.premiere-marche.timeline.entry_appended"
    assert appended.data.model_dump(mode="json")["original_event"]["id"] == str(event.id)
    assert stage_changed.type == "fr.premiere-marche.pathway.stage_changed"
    assert await pathway_world.count(UNPUBLISHED) == 0
