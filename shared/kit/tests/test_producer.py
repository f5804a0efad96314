"""`EventProducer.send_all` on the real broker: whichever way a call's records travel (joining the
producer's own batches, or in batches of the call's own), each lands where `send` would put it, in order."""

import asyncio
from collections.abc import Awaitable, Callable
from itertools import zip_longest

from service_kit.producer import MAX_BATCH_BYTES, OWN_BATCH_FROM_RECORDS, EventProducer, Record

NewTopic = Callable[..., Awaitable[str]]
ReadTopic = Callable[[str], Awaitable[list]]  # type: ignore[type-arg]

# About 1 KB each.
LARGE_SHARE = 3 * OWN_BATCH_FROM_RECORDS
SMALL_SHARE = OWN_BATCH_FROM_RECORDS - 1


def records_of(topic: str, key: bytes, count: int) -> list[Record]:
    return [
        (topic, key, f"{key.decode()} {n:04d} ".encode().ljust(1_000, b"."), [("n", str(n).encode())])
        for n in range(count)
    ]


def interleaved(*streams: list[Record]) -> list[Record]:
    return [record for group in zip_longest(*streams) for record in group if record is not None]


async def test_each_record_lands_where_send_puts_its_key_in_the_order_it_was_given(
    kafka_bootstrap_servers: str, new_topic: NewTopic, read_topic: ReadTopic
) -> None:
    topic, probes = await asyncio.gather(
        new_topic("send-all", partitions=6), new_topic("probes", partitions=6)
    )
    shares = {f"large-{n}".encode(): LARGE_SHARE for n in range(3)} | {
        f"small-{n}".encode(): SMALL_SHARE for n in range(3)
    }
    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        await producer.send_all(
            interleaved(*(records_of(topic, key, count) for key, count in shares.items()))
        )
        where_send_puts = {
            key: (await producer.send(probes, key=key, value=b"probe", headers=())).partition
            for key in shares
        }

    records = await read_topic(topic)
    assert len(records) == sum(shares.values())
    for key, count in shares.items():
        of_key = [record for record in records if record.key == key]
        assert {record.partition for record in of_key} == {where_send_puts[key]}
        assert [record.value for record in of_key] == [
            value for _, _, value, _ in records_of(topic, key, count)
        ]
        assert [record.headers for record in of_key] == [
            tuple(headers) for _, _, _, headers in records_of(topic, key, count)
        ]


async def test_a_record_larger_than_a_batch_is_sent_alone(
    kafka_bootstrap_servers: str, new_topic: NewTopic, read_topic: ReadTopic
) -> None:
    topic = await new_topic("send-all-large", partitions=1)
    large = (topic, b"key", b"x" * (MAX_BATCH_BYTES + 1_000), [])
    small = records_of(topic, b"key", LARGE_SHARE)
    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        await producer.send_all([*small[:5], large, *small[5:]])

    records = await read_topic(topic)
    assert [record.value for record in records] == [
        value for _, _, value, _ in [*small[:5], large, *small[5:]]
    ]
