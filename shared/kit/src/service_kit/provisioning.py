"""Opening a region is configuration plus this command: it creates the region's topics and their DLQs."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from event_contracts.topics import DEFAULT_PARTITIONS, dead_letter_topic, topics_for_region


def region_topic_names(region: str) -> list[str]:
    names = list(topics_for_region(region).all())
    return names + [dead_letter_topic(name) for name in names]


async def provision_region_topics(
    bootstrap_servers: str,
    region: str,
    *,
    partitions: int = DEFAULT_PARTITIONS,
    replication_factor: int = 1,
    min_insync_replicas: int | None = None,
) -> list[str]:
    """Create what is missing and return the names created; existing topics are left as they are."""
    configs = {"min.insync.replicas": str(min_insync_replicas)} if min_insync_replicas else {}
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in region_topic_names(region) if name not in existing]
        for name in missing:
            try:
                await admin.create_topics(
                    [NewTopic(name, partitions, replication_factor, topic_configs=configs)]
                )
            except TopicAlreadyExistsError:
                continue
        return missing
    finally:
        await admin.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--partitions", type=int, default=DEFAULT_PARTITIONS)
    parser.add_argument("--replication-factor", type=int, default=1)
    parser.add_argument("--min-insync-replicas", type=int)
    args = parser.parse_args(argv)
    created = asyncio.run(
        provision_region_topics(
            args.bootstrap_servers,
            args.region,
            partitions=args.partitions,
            replication_factor=args.replication_factor,
            min_insync_replicas=args.min_insync_replicas,
        )
    )
    names = ", ".join(created) or "none"
    sys.stdout.write(f"region {args.region}: {len(created)} topic(s) created: {names}\n")
