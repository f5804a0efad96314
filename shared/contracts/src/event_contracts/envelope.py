"""The CloudEvents 1.0 envelope every event of the platform travels in."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal, Self
from uuid import UUID, uuid4

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializeAsAny,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from event_contracts import media_types
from event_contracts.catalogue.base import EVENT_TYPE_PATTERN, EventData, EventSource
from event_contracts.catalogue.registry import (
    CATALOGUE_VERSION,
    EVENT_MODELS,
    EVENT_TYPE_PREFIX,
    dataschema_for,
    event_type_for,
)
from event_contracts.regions import RegionSlug

SPECVERSION: Final = "1.0"

_CANONICAL_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TRACEPARENT: Final = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")


def _person_id_text(value: object) -> object:
    if not isinstance(value, UUID | str):
        return value
    try:
        return _subject(value)
    except ValueError:
        raise PydanticCustomError(
            "person_id", "the subject must be a person's platform id (a UUID)"
        ) from None


def _subject(person_id: str | UUID) -> str:
    # One spelling per person: the subject is the Kafka record key, so it decides the partition.
    if isinstance(person_id, str) and _CANONICAL_UUID.fullmatch(person_id):
        return person_id  # as `str(UUID(...))` spells it: parsing it again for each event cost a microsecond
    return str(person_id if isinstance(person_id, UUID) else UUID(person_id))


def _valid_traceparent_or_none(value: object) -> object:
    return _traceparent(value) if isinstance(value, str) else None


def _traceparent(traceparent: str | None) -> str | None:
    # W3C Trace Context: a receiver drops a malformed traceparent and starts a new trace; it never refuses.
    return traceparent if traceparent and _TRACEPARENT.fullmatch(traceparent) else None


PersonIdText = Annotated[str, BeforeValidator(_person_id_text)]
Traceparent = Annotated[str | None, BeforeValidator(_valid_traceparent_or_none)]


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event of the Première marche catalogue, its data being the typed payload model."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = Field(description="CloudEvents specification version.")
    id: UUID = Field(description="Event id, unique for its source: (source, id) is the idempotency key.")
    source: EventSource = Field(
        description="Emitting system, a URI-reference: /organisations/{organisation_id} or /services/{name}."
    )
    type: str = Field(
        description=f"Catalogue event type: {EVENT_TYPE_PREFIX}<domain>.<event>.",
        json_schema_extra={"pattern": EVENT_TYPE_PATTERN},
    )
    subject: PersonIdText = Field(
        description="Platform id of the person the event is about; also the Kafka record key.",
        json_schema_extra={"format": "uuid"},
    )
    time: AwareDatetime = Field(description="When the fact occurred (RFC 3339, with a time zone).")
    datacontenttype: Literal["application/json"] = Field(
        default=media_types.JSON, description="Media type of data."
    )
    dataschema: str = Field(description="Versioned URI of the JSON schema of data.")
    region: RegionSlug = Field(description="Extension: region (deployment cell) the event belongs to.")
    traceparent: Traceparent = Field(
        default=None, description="Extension: W3C trace context of the operation that emitted the event."
    )
    data: SerializeAsAny[EventData] = Field(
        description="The payload, valid against the schema named by dataschema."
    )

    @classmethod
    def build(
        cls,
        data: EventData,
        *,
        source: str,
        subject: str | UUID,
        region: str,
        id: UUID | None = None,
        time: datetime | None = None,
        traceparent: str | None = None,
    ) -> Self:
        """A new event carrying ``data``; its type and dataschema come from ``data``'s model."""
        model = data.__class__
        return cls(
            specversion=SPECVERSION,
            id=uuid4() if id is None else id,
            source=source,
            type=event_type_for(model),
            subject=str(subject),
            time=datetime.now(UTC) if time is None else time,
            dataschema=dataschema_for(model),
            region=region,
            traceparent=traceparent,
            data=data,
        )

    @property
    def idempotency_key(self) -> tuple[str, str]:
        return (self.source, str(self.id))

    @property
    def person_id(self) -> UUID:
        return UUID(self.subject)

    def context_attributes(self) -> dict[str, str]:
        """Every attribute but data, as the strings the JSON format and the protocol headers carry."""
        attributes: dict[str, str] = self.model_dump(mode="json", exclude={"data"}, exclude_none=True)
        return attributes

    @model_validator(mode="before")
    @classmethod
    def _default_dataschema_from_type(cls, fields: Any) -> Any:
        # Producers built with a plain CloudEvents SDK often leave dataschema out; the type then implies it.
        if isinstance(fields, Mapping) and fields.get("dataschema") is None:
            event_type = fields.get("type")
            model = EVENT_MODELS.get(event_type) if isinstance(event_type, str) else None
            if model is not None:
                return {**fields, "dataschema": dataschema_for(model)}
        return fields

    @field_validator("type")
    @classmethod
    def _type_in_catalogue(cls, event_type: str) -> str:
        if event_type not in EVENT_MODELS:
            raise PydanticCustomError(
                "unknown_event_type", f"the event type is not in the catalogue {CATALOGUE_VERSION}"
            )
        return event_type

    @field_validator("dataschema")
    @classmethod
    def _dataschema_of_type(cls, dataschema: str, info: ValidationInfo) -> str:
        model = EVENT_MODELS.get(info.data.get("type", ""))
        if model is not None and dataschema != dataschema_for(model):
            raise PydanticCustomError(
                "unsupported_dataschema",
                "the dataschema is not the {version} schema of this event type",
                {"expected": dataschema_for(model), "version": CATALOGUE_VERSION},
            )
        return dataschema

    @field_validator("data", mode="before")
    @classmethod
    def _data_of_type(cls, data: Any, info: ValidationInfo) -> Any:
        model = EVENT_MODELS.get(info.data.get("type", ""))
        if model is None:
            raise PydanticCustomError(
                "unresolved_event_type", "data cannot be read without a catalogued type"
            )
        if isinstance(data, EventData):
            if data.__class__ is not model:
                raise PydanticCustomError(
                    "event_type_mismatch",
                    "data is not the model of the event type",
                    {"expected": model.__name__},
                )
            return data
        return model.model_validate(data)


_SOURCE: Final = TypeAdapter(EventSource)
_REGION: Final = TypeAdapter(RegionSlug)


class EventEmitter:
    """The attributes of the events one emitter sends, as `CloudEvent.build(...).context_attributes()` gives
    them, for a service that emits many: its source and region are validated once, here, and each event's
    typed parts are not validated again (its data a validated model of the catalogue, its id a UUID)."""

    def __init__(self, *, source: str, region: str) -> None:
        self.source: str = _SOURCE.validate_python(source)
        self.region: str = _REGION.validate_python(region)

    def context_attributes(
        self,
        data: EventData,
        *,
        subject: str | UUID,
        id: UUID,
        time: datetime | None = None,
        traceparent: str | None = None,
    ) -> dict[str, str]:
        """What `CloudEvent.build(data, …).context_attributes()` gives, without building the event."""
        model = _catalogued(data)
        attributes = {
            "specversion": SPECVERSION,
            "id": str(id),
            "source": self.source,
            "type": event_type_for(model),
            "subject": _subject(subject),
            "time": _json_time(_aware(time)),
            "datacontenttype": media_types.JSON,
            "dataschema": dataschema_for(model),
            "region": self.region,
        }
        valid_traceparent = _traceparent(traceparent)
        if valid_traceparent is not None:
            attributes["traceparent"] = valid_traceparent
        return attributes


_DATETIME: Final = TypeAdapter(datetime)


def _catalogued(data: EventData) -> type[EventData]:
    model = data.__class__
    if EVENT_MODELS.get(event_type_for(model)) is not model:
        raise ValueError(f"{model.__name__} is not a model of the catalogue")
    return model


def _aware(time: datetime | None) -> datetime:
    if time is None:
        return datetime.now(UTC)
    if time.utcoffset() is None:
        raise ValueError("an event's time needs a time zone")
    return time


def _json_time(time: datetime) -> str:
    """The time as the event's JSON spells it (pydantic's), the common case without asking pydantic."""
    offset = time.utcoffset()
    if offset is not None and not offset:
        return time.replace(tzinfo=None).isoformat() + "Z"
    return str(_DATETIME.dump_python(time, mode="json"))
