"""Why an incoming event was refused, told without repeating what was sent.

Permanent errors end up in dead-letter headers, logs and HTTP problem documents, which are read by people
who must not see personal data. An event that carries personal data by mistake must not leak it there, so
a ``detail`` is built from error locations and schema-side expectations only, never from input values.
"""

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Final

from pydantic_core import ErrorDetails


class InvalidEventReason(StrEnum):
    """Machine-readable codes carried by ``InvalidEvent.reason``."""

    UNDECODABLE = "undecodable"
    MISSING_ATTRIBUTE = "missing_attribute"
    INVALID_ATTRIBUTE = "invalid_attribute"
    UNKNOWN_TYPE = "unknown_type"
    UNSUPPORTED_DATASCHEMA = "unsupported_dataschema"
    SCHEMA_INVALID = "schema_invalid"


class InvalidEvent(Exception):  # noqa: N818 - the name is the contract the service kit and services use
    """An event that can never be processed: retrying will not help."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


class UndecodableEvent(InvalidEvent):
    """Not JSON, or the CloudEvents envelope (attributes, headers, record key) is missing or invalid."""


class SchemaInvalidEvent(InvalidEvent):
    """A well-formed envelope whose type is not in the catalogue or whose data does not fit its model."""


_SCHEMA_SIDE_CONTEXT: Final = ("expected", "pattern", "gt", "ge", "lt", "le", "min_length", "max_length")


def describe_errors(errors: Iterable[ErrorDetails], *, location_prefix: Sequence[str | int] = ()) -> str:
    """One line per error: where it is and what was expected, never the value that was received."""
    return "; ".join(_describe(error, location_prefix) for error in errors)


def _describe(error: ErrorDetails, location_prefix: Sequence[str | int]) -> str:
    location = ".".join(str(part) for part in (*location_prefix, *error["loc"])) or "(event)"
    context = error.get("ctx") or {}
    expectations = ", ".join(f"{key} {context[key]}" for key in _SCHEMA_SIDE_CONTEXT if key in context)
    return f"{location}: {error['type']}" + (f" ({expectations})" if expectations else "")
