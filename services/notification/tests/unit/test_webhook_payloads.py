import json
from typing import Any

import pytest

from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.timeline import TIMELINE_EVENT_MODELS
from event_contracts.examples import example_event
from event_contracts.json_format import from_json
from notification.adapters.webhook_payloads import webhook_message_of
from service_kit.logging import IDENTIFYING_KEYS


def keys_of(document: Any) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {key for value in document.values() for key in keys_of(value)}
    if isinstance(document, list):
        return {key for value in document for key in keys_of(value)}
    return set()


@pytest.mark.parametrize("event_type", TIMELINE_EVENT_MODELS)
def test_a_partner_receives_the_timeline_event_itself_with_its_id_as_webhook_id(
    event_type: type[EventData],
) -> None:
    event = example_event(event_type)

    message = webhook_message_of(event)

    assert message.id == str(event.id)
    assert message.content_type.startswith("application/cloudevents+json")
    assert from_json(message.body) == event.model_copy(update={"traceparent": None})


@pytest.mark.parametrize("event_type", TIMELINE_EVENT_MODELS)
def test_the_payload_names_no_direct_identifier_and_no_trace_of_ours(event_type: type[EventData]) -> None:
    document = json.loads(webhook_message_of(example_event(event_type)).body)

    assert not keys_of(document) & IDENTIFYING_KEYS
    assert "traceparent" not in document
