"""The pathway service's subscriptions, in one readable list: the assembler reads the referral and the
partner topics and turns every accepted event into the person's timeline and pathway."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.envelope import CloudEvent
from event_contracts.topics import RegionTopics
from pathway.adapters.cloud_events import recorded, traceparents_of
from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.adapters.pathway_batches import SqlPathwayBatches
from pathway.adapters.pathway_repository import SqlPathways
from pathway.adapters.timeline_publisher import (
    BatchedTimelinePublisher,
    OutboxTimelinePublisher,
    WithheldTimelinePublisher,
)
from pathway.domain.errors import RefusedEventError
from pathway.domain.senders import Channel, refuse_other_regions
from pathway.entrypoints.topic_aware_consumer import arrival_topic
from pathway.service.assemble_event import assemble_event
from pathway.service.assemble_events import assemble_events
from service_kit.batch_consumer import ConsumedEvent, DeduplicatingBatchHandler
from service_kit.errors import PermanentError
from service_kit.event_consumer import EventHandler


def when_event_received_assemble_the_pathway(
    region: str, topics: RegionTopics, *, publishing: bool = True
) -> EventHandler:
    """`publishing=False` for a rebuild, which assembles again what was published already."""

    async def handle(event: CloudEvent, session: AsyncSession) -> None:
        channel = _channel_of(arrival_topic(), topics)
        publisher = (
            OutboxTimelinePublisher(
                session, region=region, topic=topics.pathway_timeline, traceparents=traceparents_of([event])
            )
            if publishing
            else WithheldTimelinePublisher()
        )
        try:
            refuse_other_regions(event.region, region)
            await assemble_event(
                recorded(event),
                SqlPathways(session),
                SqlOrganisations(session),
                publisher,
                channel=channel,
            )
        except RefusedEventError as refused:
            raise PermanentError(refused.reason, refused.detail) from refused

    return handle


def when_events_received_assemble_the_pathways(
    region: str, topics: RegionTopics, *, publishing: bool = True
) -> DeduplicatingBatchHandler:
    """The events of one fetch assembled together; a refusal sends the fetch through
    `when_event_received_assemble_the_pathway` one event at a time, where it is dead-lettered alone.
    The timeline keeps each event once, so the fetch needs no inbox claim. `publishing=False` for a
    rebuild."""

    async def handle(events: Sequence[ConsumedEvent], session: AsyncSession) -> set[tuple[str, str]]:
        for item in events:
            refuse_other_regions(item.event.region, region)
        publisher = (
            BatchedTimelinePublisher(
                session,
                region=region,
                topic=topics.pathway_timeline,
                traceparents=traceparents_of([item.event for item in events]),
            )
            if publishing
            else WithheldTimelinePublisher()
        )
        skipped = await assemble_events(
            [(recorded(item.event), _channel_of(item.topic, topics)) for item in events],
            SqlPathwayBatches(session),
            SqlOrganisations(session),
            publisher,
        )
        await publisher.flush()
        return {(reference.source, str(reference.event_id)) for reference in skipped}

    return DeduplicatingBatchHandler(handle)


def _channel_of(topic: str, topics: RegionTopics) -> Channel:
    return Channel.PLATFORM if topic == topics.referral_events else Channel.PARTNERS
