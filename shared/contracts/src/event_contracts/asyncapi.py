"""The event catalogue as an AsyncAPI 3.0 document, generated from the code.

    python -m event_contracts.asyncapi > asyncapi.json

Channels are the topic families, with the region as a parameter; messages are the catalogue models, with
their docstrings as summaries and their JSON schemas as payloads.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic.json_schema import models_json_schema

from event_contracts import media_types
from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.partner import PARTNER_EVENT_MODELS
from event_contracts.catalogue.referral import REFERRAL_EVENT_MODELS
from event_contracts.catalogue.registry import CATALOGUE_VERSION, dataschema_for, event_type_for
from event_contracts.catalogue.timeline import TIMELINE_EVENT_MODELS
from event_contracts.examples import EXAMPLE_REGION, example_event
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.regions import REGION_SLUG_PATTERN
from event_contracts.topics import (
    DEFAULT_PARTITIONS,
    PARTNER_EVENTS_TOPIC_TEMPLATE,
    PATHWAY_TIMELINE_TOPIC_TEMPLATE,
    REFERRAL_EVENTS_TOPIC_TEMPLATE,
)

ASYNCAPI_VERSION: Final = "3.0.0"
KAFKA_BINDING_VERSION: Final = "0.5.0"
DOCUMENT_VERSION: Final = "1.0.0"
COMPONENT_REF: Final = "#/components/schemas/{model}"
KAFKA_HEADERS_SCHEMA: Final = "CloudEventKafkaHeaders"


@dataclass(frozen=True)
class TopicFamily:
    channel: str
    address: str
    title: str
    description: str
    action: str
    models: tuple[type[EventData], ...]


TOPIC_FAMILIES: Final = (
    TopicFamily(
        channel="referralEvents",
        address=REFERRAL_EVENTS_TOPIC_TEMPLATE,
        title="Referral events",
        description="Referral lifecycle, workshop attendance and care team, sent by the referral service.",
        action="send",
        models=REFERRAL_EVENT_MODELS,
    ),
    TopicFamily(
        channel="partnerEvents",
        address=PARTNER_EVENTS_TOPIC_TEMPLATE,
        title="Partner events",
        description="Pathway events sent by partner organisations, over HTTP or their own Kafka producer.",
        action="receive",
        models=PARTNER_EVENT_MODELS,
    ),
    TopicFamily(
        channel="pathwayTimeline",
        address=PATHWAY_TIMELINE_TOPIC_TEMPLATE,
        title="Pathway timeline",
        description="The canonical timeline and what is derived from it, published by the pathway service.",
        action="send",
        models=TIMELINE_EVENT_MODELS,
    ),
)


def asyncapi_document() -> dict[str, Any]:
    models = [model for family in TOPIC_FAMILIES for model in family.models]
    _, definitions = models_json_schema(
        [(model, "validation") for model in models], ref_template=COMPONENT_REF
    )
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Première marche pathway events",
            "version": DOCUMENT_VERSION,
            "description": (
                f"Event catalogue {CATALOGUE_VERSION}. Every event is a CloudEvents 1.0 event in Kafka "
                "binary content mode: ce_* headers, JSON data as the value, the person's platform id as key. "
                "Events carry coded values, ids and dates only: no direct identifier, no free text."
            ),
        },
        "defaultContentType": media_types.JSON,
        "channels": {family.channel: _channel(family) for family in TOPIC_FAMILIES},
        "operations": {_operation_name(family): _operation(family) for family in TOPIC_FAMILIES},
        "components": {
            "schemas": {**definitions["$defs"], KAFKA_HEADERS_SCHEMA: _kafka_headers_schema()},
            "messages": {model.__name__: _message(model) for model in models},
        },
    }


def _channel(family: TopicFamily) -> dict[str, Any]:
    return {
        "address": family.address,
        "title": family.title,
        "description": family.description,
        "parameters": {
            "region": {
                "description": f"Region slug, a deployment cell (pattern {REGION_SLUG_PATTERN}).",
                "examples": [EXAMPLE_REGION],
            }
        },
        "messages": {
            model.__name__: {"$ref": f"#/components/messages/{model.__name__}"} for model in family.models
        },
        "bindings": {"kafka": {"partitions": DEFAULT_PARTITIONS, "bindingVersion": KAFKA_BINDING_VERSION}},
    }


def _operation_name(family: TopicFamily) -> str:
    return f"{family.action}{family.channel[0].upper()}{family.channel[1:]}"


def _operation(family: TopicFamily) -> dict[str, Any]:
    return {
        "action": family.action,
        "channel": {"$ref": f"#/channels/{family.channel}"},
        "summary": family.description,
        "messages": [
            {"$ref": f"#/channels/{family.channel}/messages/{model.__name__}"} for model in family.models
        ],
    }


def _message(model: type[EventData]) -> dict[str, Any]:
    record = to_kafka_record(example_event(model))
    return {
        "name": event_type_for(model),
        "title": model.event_name,
        "summary": (model.__doc__ or "").strip(),
        "contentType": media_types.JSON,
        "headers": {
            "allOf": [
                {"$ref": f"#/components/schemas/{KAFKA_HEADERS_SCHEMA}"},
                {
                    "type": "object",
                    "properties": {
                        "ce_type": {"const": event_type_for(model)},
                        "ce_dataschema": {"const": dataschema_for(model)},
                    },
                },
            ]
        },
        "payload": {"$ref": COMPONENT_REF.format(model=model.__name__)},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "format": "uuid", "description": "Platform id of the person."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [
            {
                "name": "example",
                "headers": {name: value.decode() for name, value in record.headers},
                "payload": json.loads(record.value),
            }
        ],
    }


def _kafka_headers_schema() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "description": "CloudEvents attributes in Kafka binary content mode.",
        "required": [
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_subject",
            "ce_time",
            "ce_dataschema",
            "ce_region",
            "content-type",
        ],
        "properties": {
            "ce_specversion": {"const": "1.0"},
            "ce_id": {**text, "format": "uuid", "description": "Unique for its source: the idempotency key."},
            "ce_source": {**text, "description": "/organisations/{organisation_id} or /services/{name}."},
            "ce_type": text,
            "ce_subject": {**text, "format": "uuid", "description": "Platform id of the person."},
            "ce_time": {**text, "format": "date-time", "description": "When the fact occurred."},
            "ce_dataschema": {**text, "format": "uri"},
            "ce_region": {**text, "pattern": REGION_SLUG_PATTERN},
            "ce_traceparent": {**text, "description": "W3C trace context."},
            "content-type": {"const": media_types.JSON},
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    del argv
    print(json.dumps(asyncapi_document(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
