"""Whatever arrives, decoding ends in an event or an InvalidEvent, never in another exception."""

import contextlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from event_contracts.catalogue import ReferralRejected
from event_contracts.errors import InvalidEvent
from event_contracts.examples import example_event
from event_contracts.http_binding import from_structured_json, parse_batch_json, to_structured_json
from event_contracts.kafka_binding import from_kafka_record, to_kafka_record

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
VALID = json.loads(to_structured_json(example_event(ReferralRejected)))
RECORD = to_kafka_record(example_event(ReferralRejected))


def decodes_or_refuses(decode: Any, *arguments: Any) -> None:
    with contextlib.suppress(InvalidEvent):
        decode(*arguments)


@settings(max_examples=300)
@given(st.sampled_from(sorted(VALID)), json_values)
def test_any_attribute_or_data_replaced_by_any_json(name: str, value: object) -> None:
    decodes_or_refuses(from_structured_json, json.dumps({**VALID, name: value}))


@given(json_values)
def test_any_json_document(document: object) -> None:
    decodes_or_refuses(from_structured_json, json.dumps(document))
    decodes_or_refuses(parse_batch_json, json.dumps([document, VALID]))


@given(st.binary(max_size=64))
def test_any_bytes(body: bytes) -> None:
    decodes_or_refuses(from_structured_json, body)
    decodes_or_refuses(parse_batch_json, body)


@settings(max_examples=300)
@given(
    st.none() | st.binary(max_size=40),
    st.none() | st.binary(max_size=40) | st.just(RECORD.value),
    st.lists(
        st.tuples(
            st.sampled_from([name for name, _ in RECORD.headers]) | st.text(max_size=10),
            st.binary(max_size=40),
        )
    ),
)
def test_any_kafka_record(
    key: bytes | None, value: bytes | None, extra_headers: list[tuple[str, bytes]]
) -> None:
    decodes_or_refuses(from_kafka_record, key, value, [*RECORD.headers, *extra_headers])
    decodes_or_refuses(from_kafka_record, key, value, extra_headers)
