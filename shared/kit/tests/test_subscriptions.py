"""What the batch parser hands FastStream, and what it keeps for the batch consumer."""

from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream.message import StreamMessage

from service_kit.subscriptions import parse_batch_without_failing


def record(offset: int, headers: list[tuple[str, bytes]]) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic="t",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=b"v",
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=1,
        headers=headers,
    )


class RecordingParser:
    def __init__(self) -> None:
        self.given: list[tuple[ConsumerRecord[Any, Any], ...]] = []

    async def __call__(self, records: tuple[ConsumerRecord[Any, Any], ...]) -> StreamMessage[Any]:
        self.given.append(records)
        return StreamMessage(raw_message=records, body=[r.value for r in records])


async def test_faststream_gets_the_first_and_last_records_readable_and_the_consumer_every_record_as_is() -> (
    None
):
    unreadable_first = record(0, [("ce_type", b"\xff")])
    unreadable_inside = record(2, [("ce_type", b"\xfe")])
    records = (
        unreadable_first,
        record(1, [("ce_type", b"a")]),
        unreadable_inside,
        record(3, [("ce_id", b"b")]),
    )
    parser = RecordingParser()

    message = await parse_batch_without_failing(records, parser)

    (given,) = parser.given
    assert [r.offset for r in given] == [0, 3]
    assert given[0].headers == [("ce_type", "\ufffd".encode())], "FastStream gets a readable copy"
    assert given[1] is records[3]
    assert message.raw_message == records
    assert all(kept is original for kept, original in zip(message.raw_message, records, strict=True))


async def test_a_batch_of_one_or_two_records_is_handed_over_whole() -> None:
    for size in (1, 2):
        records = tuple(record(offset, [("ce_id", b"x")]) for offset in range(size))
        parser = RecordingParser()

        message = await parse_batch_without_failing(records, parser)

        assert parser.given == [records]
        assert message.raw_message == records
