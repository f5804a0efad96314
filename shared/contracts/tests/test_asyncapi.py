"""The AsyncAPI 3.0 document generated from the catalogue."""

import json
from collections.abc import Iterator
from typing import Any

from event_contracts.asyncapi import asyncapi_document
from event_contracts.catalogue import EVENT_MODELS, event_type_for
from event_contracts.kafka_binding import from_kafka_record
from event_contracts.topics import topics_for_region

DOCUMENT = asyncapi_document()


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def resolve(pointer: str) -> Any:
    node: Any = DOCUMENT
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_it_is_an_asyncapi_3_document() -> None:
    assert DOCUMENT["asyncapi"] == "3.0.0"
    assert DOCUMENT["info"]["title"]


def test_channels_are_the_topic_families_with_the_region_as_parameter() -> None:
    grand_est = topics_for_region("grand-est")
    addresses = {channel["address"] for channel in DOCUMENT["channels"].values()}
    assert {address.replace("{region}", "grand-est") for address in addresses} == set(grand_est.all())
    assert all("region" in channel["parameters"] for channel in DOCUMENT["channels"].values())


def test_every_catalogue_model_is_a_message_with_its_docstring_on_exactly_one_channel() -> None:
    messages = DOCUMENT["components"]["messages"]
    assert {message["name"] for message in messages.values()} == set(EVENT_MODELS)
    for model in EVENT_MODELS.values():
        message = messages[model.__name__]
        assert message["summary"] == model.__doc__
        assert message["name"] == event_type_for(model)
        channels = [
            name for name, channel in DOCUMENT["channels"].items() if model.__name__ in channel["messages"]
        ]
        assert len(channels) == 1, f"{model.event_name} is on {channels}"


def test_every_reference_resolves_inside_the_document() -> None:
    for reference in references(DOCUMENT):
        assert reference.startswith("#/")
        assert resolve(reference) is not None


def test_message_examples_decode_as_events_of_their_message() -> None:
    for message in DOCUMENT["components"]["messages"].values():
        example = message["examples"][0]
        headers = [(name, value.encode()) for name, value in example["headers"].items()]
        event = from_kafka_record(None, json.dumps(example["payload"]).encode(), headers)
        assert event.type == message["name"]
