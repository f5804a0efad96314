"""From received attributes and data to a ``CloudEvent``, or to an error that says which kind of refusal.

Shared by every binding so that the same fault gets the same class and reason on HTTP and on Kafka.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from event_contracts.catalogue.registry import CATALOGUE_VERSION, EVENT_MODELS
from event_contracts.envelope import CloudEvent
from event_contracts.errors import (
    InvalidEvent,
    InvalidEventReason,
    SchemaInvalidEvent,
    UndecodableEvent,
    describe_errors,
)

REQUIRED_ATTRIBUTES: Final = ("specversion", "id", "source", "type", "subject", "time", "region")


def parse_json(body: bytes | str, *, what: str) -> object:
    """Parse ``body`` as JSON, or raise ``UndecodableEvent`` naming ``what`` was not JSON."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        # ``from None``: the decoder's message quotes the document around the fault.
        raise UndecodableEvent(InvalidEventReason.UNDECODABLE, f"{what} is not JSON") from None


def event_from_fields(fields: Mapping[str, object]) -> CloudEvent:
    """Validate attributes and ``data`` (under the key ``"data"``) as one event of the catalogue."""
    missing = [name for name in REQUIRED_ATTRIBUTES if fields.get(name) is None]
    if missing:
        raise UndecodableEvent(
            InvalidEventReason.MISSING_ATTRIBUTE, "missing CloudEvents attributes: " + ", ".join(missing)
        )
    try:
        return CloudEvent.model_validate(fields)
    except ValidationError as error:
        raise _refusal(error.errors(include_input=False), event_type=fields.get("type")) from None


def _refusal(errors: Sequence[ErrorDetails], *, event_type: object) -> InvalidEvent:
    in_data = [error for error in errors if error["loc"][:1] == ("data",)]
    in_envelope = [error for error in errors if error["loc"][:1] != ("data",)]
    unknown_type = [error for error in in_envelope if error["type"] == "unknown_event_type"]
    foreign_schema = [error for error in in_envelope if error["type"] == "unsupported_dataschema"]
    malformed = [error for error in in_envelope if error not in unknown_type and error not in foreign_schema]
    if malformed:
        return UndecodableEvent(
            InvalidEventReason.INVALID_ATTRIBUTE,
            "invalid CloudEvents attributes: " + describe_errors(malformed),
        )
    if unknown_type:
        return SchemaInvalidEvent(
            InvalidEventReason.UNKNOWN_TYPE, f"the event type is not in the catalogue {CATALOGUE_VERSION}"
        )
    if foreign_schema:
        return SchemaInvalidEvent(InvalidEventReason.UNSUPPORTED_DATASCHEMA, describe_errors(foreign_schema))
    model = EVENT_MODELS[str(event_type)]
    return SchemaInvalidEvent(
        InvalidEventReason.SCHEMA_INVALID,
        f"data does not match {model.event_name} {CATALOGUE_VERSION}: " + describe_errors(in_data),
    )
