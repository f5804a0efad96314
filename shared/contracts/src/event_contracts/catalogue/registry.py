"""Which model each CloudEvents ``type`` carries, and where its JSON schema is published."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from pydantic import ValidationError

from event_contracts.catalogue.base import EVENT_TYPE_PREFIX, EventData
from event_contracts.catalogue.partner import PARTNER_EVENT_MODELS
from event_contracts.catalogue.referral import REFERRAL_EVENT_MODELS
from event_contracts.catalogue.timeline import TIMELINE_EVENT_MODELS
from event_contracts.errors import InvalidEventReason, SchemaInvalidEvent, describe_errors

CATALOGUE_VERSION: Final = "v1"
DATASCHEMA_BASE_URI: Final = f"https://schemas.premiere-marche.fr/events/{CATALOGUE_VERSION}/"

__all__ = [
    "CATALOGUE_VERSION",
    "DATASCHEMA_BASE_URI",
    "EVENT_MODELS",
    "EVENT_TYPE_PREFIX",
    "PARTNER_EVENT_MODELS",
    "REFERRAL_EVENT_MODELS",
    "TIMELINE_EVENT_MODELS",
    "dataschema_for",
    "event_type_for",
    "model_for",
    "parse_data",
]


def event_type_for(model: type[EventData]) -> str:
    """The full CloudEvents type of ``model``, such as ``fr.premiere-marche.referral.sent``."""
    return f"{EVENT_TYPE_PREFIX}{model.event_name}"


def dataschema_for(model: type[EventData]) -> str:
    """The versioned URI of ``model``'s JSON schema, carried as the CloudEvents ``dataschema``."""
    return f"{DATASCHEMA_BASE_URI}{model.event_name}.json"


EVENT_MODELS: Mapping[str, type[EventData]] = MappingProxyType(
    {
        event_type_for(model): model
        for model in (*REFERRAL_EVENT_MODELS, *PARTNER_EVENT_MODELS, *TIMELINE_EVENT_MODELS)
    }
)


def model_for(event_type: str) -> type[EventData]:
    """The model of ``event_type``; raise ``SchemaInvalidEvent`` (``unknown_type``) if not catalogued."""
    try:
        return EVENT_MODELS[event_type]
    except KeyError:
        raise SchemaInvalidEvent(
            InvalidEventReason.UNKNOWN_TYPE, f"the event type is not in the catalogue {CATALOGUE_VERSION}"
        ) from None


def parse_data(event_type: str, data: object) -> EventData:
    """Validate ``data`` against the model of ``event_type``; raise ``SchemaInvalidEvent`` if unfit."""
    model = model_for(event_type)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise SchemaInvalidEvent(
            InvalidEventReason.SCHEMA_INVALID,
            f"data does not match {model.event_name} {CATALOGUE_VERSION}: "
            + describe_errors(
                error.errors(include_input=False, include_url=False), location_prefix=("data",)
            ),
        ) from None
