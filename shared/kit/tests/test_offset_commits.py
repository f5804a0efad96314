"""The offset committer against a hand-written consumer: what it sends, keeps and drops, and the lag it
reports."""

import asyncio
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError, KafkaConnectionError

from service_kit.metrics import ServiceMetrics
from service_kit.offset_commits import OffsetCommitPolicy, OffsetCommitter

FIRST, SECOND = TopicPartition("t", 0), TopicPartition("t", 1)
if TYPE_CHECKING:
    from conftest import LagSeries

NEVER_ON_TIME = OffsetCommitPolicy(every_events=1_000, every_seconds=3_600)


@dataclass
class FakeConsumer:
    assigned: set[TopicPartition] = field(default_factory=lambda: {FIRST, SECOND})
    commits: list[dict[TopicPartition, int]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    answer: asyncio.Event = field(default_factory=asyncio.Event)
    highwaters: dict[TopicPartition, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.answer.set()

    def assignment(self) -> Set[TopicPartition]:
        return self.assigned

    def highwater(self, partition: TopicPartition) -> int | None:
        assert partition in self.assigned, "aiokafka asserts so too"
        return self.highwaters.get(partition)

    async def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        await self.answer.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.commits.append(dict(offsets))


def committer_of(policy: OffsetCommitPolicy, metrics: ServiceMetrics | None = None) -> OffsetCommitter:
    return OffsetCommitter(policy, consumer_name="c", lag=(metrics or ServiceMetrics()).consumer_lag)


def lagging(
    highwaters: dict[TopicPartition, int], policy: OffsetCommitPolicy = NEVER_ON_TIME
) -> tuple[ServiceMetrics, FakeConsumer, OffsetCommitter]:
    metrics = ServiceMetrics()
    return metrics, FakeConsumer(highwaters=highwaters), committer_of(policy, metrics)


async def background_commits_done() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_the_offset_after_the_last_finished_record_of_each_partition_is_committed() -> None:
    consumer, committer = FakeConsumer(), committer_of(NEVER_ON_TIME)
    await committer.finished(consumer, topic="t", partition=0, offset=7)
    await committer.finished(consumer, topic="t", partition=1, offset=2)
    await committer.finished(consumer, topic="t", partition=0, offset=8)

    await committer.close()

    assert consumer.commits == [{FIRST: 9, SECOND: 3}]
    assert committer.pending == {}


async def test_a_partition_no_longer_assigned_is_not_committed() -> None:
    consumer, committer = FakeConsumer(), committer_of(NEVER_ON_TIME)
    await committer.finished(consumer, topic="t", partition=0, offset=7)
    await committer.finished(consumer, topic="t", partition=1, offset=2)
    consumer.assigned = {SECOND}

    await committer.close()

    assert consumer.commits == [{SECOND: 3}]


async def test_a_commit_refused_after_a_rebalance_is_dropped() -> None:
    consumer, committer = FakeConsumer(), committer_of(NEVER_ON_TIME)
    consumer.failures.append(CommitFailedError())
    await committer.finished(consumer, topic="t", partition=0, offset=7)

    await committer.close()

    assert consumer.commits == []
    assert committer.pending == {}


async def test_a_commit_that_failed_for_another_reason_is_tried_again_with_the_newer_offsets() -> None:
    consumer = FakeConsumer(failures=[KafkaConnectionError()])
    committer = committer_of(OffsetCommitPolicy(every_events=2, every_seconds=3_600))
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
    committer = committer_of(OffsetCommitPolicy(every_events=2, every_seconds=3_600))
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
    consumer, committer = FakeConsumer(), committer_of(NEVER_ON_TIME)
    consumer.failures.append(KafkaConnectionError())
    await committer.finished(consumer, topic="t", partition=0, offset=7)

    await committer.on_partitions_revoked({FIRST})

    assert committer.pending == {}, "its next owner starts from the last committed offset"


async def test_the_lag_is_the_records_after_the_last_finished_one_as_of_the_last_fetch(
    lag_series: "LagSeries",
) -> None:
    metrics, consumer, committer = lagging({FIRST: 10, SECOND: 3})

    await committer.finished(consumer, topic="t", partition=0, offset=6)
    await committer.finished(consumer, topic="t", partition=1, offset=2)

    assert lag_series(metrics, "c") == {FIRST: 3, SECOND: 0}


async def test_no_lag_is_reported_before_a_fetch_nor_below_zero(lag_series: "LagSeries") -> None:
    metrics, consumer, committer = lagging({FIRST: 4})

    await committer.finished(consumer, topic="t", partition=1, offset=2)
    assert lag_series(metrics, "c") == {}, "no highwater yet on the second partition"

    await committer.finished(consumer, topic="t", partition=0, offset=7)
    assert lag_series(metrics, "c") == {FIRST: 0}, "a highwater older than the record finished"


async def test_the_records_of_a_fetch_count_one_by_one_and_their_lag_is_their_last_one(
    lag_series: "LagSeries",
) -> None:
    every_3 = OffsetCommitPolicy(every_events=3, every_seconds=3_600)
    metrics, consumer, committer = lagging({FIRST: 20, SECOND: 9}, every_3)

    await committer.finished_together(consumer, {FIRST: 11, SECOND: 4}, records=3)
    await background_commits_done()

    assert consumer.commits == [{FIRST: 12, SECOND: 5}]
    assert lag_series(metrics, "c") == {FIRST: 8, SECOND: 4}


async def test_the_lag_of_revoked_partitions_goes_with_them_and_all_of_it_on_close(
    lag_series: "LagSeries",
) -> None:
    metrics, consumer, committer = lagging({FIRST: 10, SECOND: 10})
    await committer.finished(consumer, topic="t", partition=0, offset=1)
    await committer.finished(consumer, topic="t", partition=1, offset=1)

    await committer.on_partitions_revoked({FIRST})
    assert lag_series(metrics, "c") == {SECOND: 8}

    await committer.close()
    await committer.finished(consumer, topic="t", partition=1, offset=2)
    assert lag_series(metrics, "c") == {}, "nor revived by a record finished as the consumer stops"


async def test_a_record_finished_during_a_rebalance_leaves_no_lag_for_a_partition_gone_elsewhere(
    lag_series: "LagSeries",
) -> None:
    metrics, consumer, committer = lagging({FIRST: 10, SECOND: 10})
    await committer.on_partitions_revoked({FIRST, SECOND})

    await committer.finished(consumer, topic="t", partition=0, offset=1)
    await committer.finished(consumer, topic="t", partition=1, offset=1)
    await committer.on_partitions_assigned({SECOND})

    assert lag_series(metrics, "c") == {SECOND: 8}


async def test_a_partition_no_longer_assigned_gets_no_lag(lag_series: "LagSeries") -> None:
    metrics = ServiceMetrics()
    consumer = FakeConsumer(assigned={SECOND}, highwaters={FIRST: 10, SECOND: 10})
    committer = committer_of(NEVER_ON_TIME, metrics)

    await committer.finished(consumer, topic="t", partition=0, offset=1)

    assert lag_series(metrics, "c") == {}


def test_a_policy_needs_at_least_one_event_and_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="at least one event"):
        OffsetCommitPolicy(every_events=0)
    with pytest.raises(ValueError, match="positive interval"):
        OffsetCommitPolicy(every_seconds=0)
