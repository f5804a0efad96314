"""The offset committer against a hand-written consumer: what it sends, keeps and drops."""

import asyncio
from collections.abc import Mapping, Set
from dataclasses import dataclass, field

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError, KafkaConnectionError

from service_kit.offset_commits import OffsetCommitPolicy, OffsetCommitter

FIRST, SECOND = TopicPartition("t", 0), TopicPartition("t", 1)
NEVER_ON_TIME = OffsetCommitPolicy(every_events=1_000, every_seconds=3_600)


@dataclass
class FakeConsumer:
    assigned: set[TopicPartition] = field(default_factory=lambda: {FIRST, SECOND})
    commits: list[dict[TopicPartition, int]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    answer: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.answer.set()

    def assignment(self) -> Set[TopicPartition]:
        return self.assigned

    async def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        await self.answer.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.commits.append(dict(offsets))


async def background_commits_done() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_the_offset_after_the_last_finished_record_of_each_partition_is_committed() -> None:
    consumer, committer = FakeConsumer(), OffsetCommitter(NEVER_ON_TIME, consumer_name="c")
    await committer.finished(consumer, topic="t", partition=0, offset=7)
    await committer.finished(consumer, topic="t", partition=1, offset=2)
    await committer.finished(consumer, topic="t", partition=0, offset=8)

    await committer.close()

    assert consumer.commits == [{FIRST: 9, SECOND: 3}]
    assert committer.pending == {}


async def test_a_partition_no_longer_assigned_is_not_committed() -> None:
    consumer, committer = FakeConsumer(), OffsetCommitter(NEVER_ON_TIME, consumer_name="c")
    await committer.finished(consumer, topic="t", partition=0, offset=7)
    await committer.finished(consumer, topic="t", partition=1, offset=2)
    consumer.assigned = {SECOND}

    await committer.close()

    assert consumer.commits == [{SECOND: 3}]


async def test_a_commit_refused_after_a_rebalance_is_dropped() -> None:
    consumer, committer = FakeConsumer(), OffsetCommitter(NEVER_ON_TIME, consumer_name="c")
    consumer.failures.append(CommitFailedError())
    await committer.finished(consumer, topic="t", partition=0, offset=7)

    await committer.close()

    assert consumer.commits == []
    assert committer.pending == {}


async def test_a_commit_that_failed_for_another_reason_is_tried_again_with_the_newer_offsets() -> None:
    consumer = FakeConsumer(failures=[KafkaConnectionError()])
    committer = OffsetCommitter(OffsetCommitPolicy(every_events=2, every_seconds=3_600), consumer_name="c")
    await committer.finished(consumer, topic="t", partition=0, offset=1)
    await committer.finished(consumer, topic="t", partition=0, offset=2)
    await background_commits_done()
    assert consumer.failures == []
    assert committer.pending == {FIRST: 3}

    await committer.finished(consumer, topic="t", partition=0, offset=3)
    await committer.finished(consumer, topic="t", partition=0, offset=4)
    await background_commits_done()

    assert consumer.commits == [{FIRST: 5}]


async def test_the_records_after_a_full_count_go_on_while_its_commit_travels() -> None:
    consumer = FakeConsumer()
    consumer.answer.clear()
    committer = OffsetCommitter(OffsetCommitPolicy(every_events=2, every_seconds=3_600), consumer_name="c")
    await committer.finished(consumer, topic="t", partition=0, offset=1)

    await asyncio.wait_for(committer.finished(consumer, topic="t", partition=0, offset=2), timeout=1)
    await background_commits_done()
    await asyncio.wait_for(committer.finished(consumer, topic="t", partition=0, offset=3), timeout=1)
    assert consumer.commits == [], "the broker has not answered yet"

    consumer.answer.set()
    await committer.close()
    assert consumer.commits == [{FIRST: 3}, {FIRST: 4}]
    assert committer.pending == {}


async def test_revoked_partitions_are_committed_then_forgotten() -> None:
    consumer, committer = FakeConsumer(), OffsetCommitter(NEVER_ON_TIME, consumer_name="c")
    consumer.failures.append(KafkaConnectionError())
    await committer.finished(consumer, topic="t", partition=0, offset=7)

    await committer.on_partitions_revoked({FIRST})

    assert committer.pending == {}, "its next owner starts from the last committed offset"


def test_a_policy_needs_at_least_one_event_and_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="at least one event"):
        OffsetCommitPolicy(every_events=0)
    with pytest.raises(ValueError, match="positive interval"):
        OffsetCommitPolicy(every_seconds=0)
