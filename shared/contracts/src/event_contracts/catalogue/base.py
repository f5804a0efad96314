"""What every event payload has in common."""

from typing import Annotated, ClassVar, Final
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

EVENT_TYPE_PREFIX: Final = "fr.premiere-marche."

EVENT_TYPE_PATTERN: Final = r"^fr\.premiere-marche\.[a-z_]+\.[a-z_]+$"

EventType = Annotated[str, StringConstraints(pattern=EVENT_TYPE_PATTERN)]
"""A full CloudEvents ``type`` of the catalogue, such as ``fr.premiere-marche.referral.sent``."""

EventSource = Annotated[str, StringConstraints(pattern=r"^\S+$", min_length=1, max_length=512)]
"""A CloudEvents ``source``: a URI-reference such as ``/organisations/{org_id}`` or ``/services/referral``."""

DataschemaUri = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=512)]
"""A CloudEvents ``dataschema``: the absolute URI of a JSON schema."""


class EventData(BaseModel):
    """Base of every event payload: immutable, and tolerant of fields added by newer minor versions."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_name: ClassVar[str]


class EventReference(BaseModel):
    """Names one event by its idempotency key: the source that emitted it and the id it gave it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    source: EventSource = Field(description="CloudEvents source of the event referred to.")
    id: UUID = Field(description="CloudEvents id of the event referred to.")
