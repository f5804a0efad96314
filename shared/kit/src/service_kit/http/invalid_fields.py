"""Where a request is invalid and what was expected, never the value that was sent (it may be personal data).

Pydantic's messages mostly speak of the schema ("String should have at most 80 characters"), but some
quote the input: custom validators (`value_error`), tags of discriminated unions, parser errors that cite
the offending character. Those are reduced to what the schema alone says. Locations name members of
the request, which for free-form maps (`dict[str, …]`, unknown members) are keys the client chose.
"""

import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, cast

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticKnownError
from pydantic_core.core_schema import ErrorType

GENERIC_DETAIL: Final = "Invalid value"

_KNOWN_ERROR_TYPES: Final = frozenset(typing.get_args(ErrorType))
_SCHEMA_SIDE_CONTEXT: Final = frozenset(
    {
        "expected",
        "pattern",
        "gt",
        "ge",
        "lt",
        "le",
        "multiple_of",
        "min_length",
        "max_length",
        "actual_length",
        "field_type",
        "class_name",
        "class",
        "discriminator",
        "expected_tags",
        "expected_schemes",
        "expected_version",
        "max_digits",
        "decimal_places",
        "whole_digits",
        "tz_expected",
    }
)
_INPUT_SIDE_PLACEHOLDER: Final = "{error}"


class InvalidField(BaseModel):
    """One invalid part of a request; exactly one of `pointer`, `parameter`, `header`, `cookie` says where."""

    model_config = ConfigDict(frozen=True)

    detail: str = Field(description="What was expected there.")
    type: str = Field(description="Machine-readable code of the error, as pydantic names it.")
    pointer: str | None = Field(default=None, description="RFC 6901 JSON Pointer into the body, e.g. #/age.")
    parameter: str | None = Field(default=None, description="Name of the invalid path or query parameter.")
    header: str | None = Field(default=None, description="Name of the invalid header.")
    cookie: str | None = Field(default=None, description="Name of the invalid cookie.")


def invalid_fields_of(errors: Iterable[Mapping[str, Any]]) -> tuple[InvalidField, ...]:
    return tuple(_invalid_field(error) for error in errors)


def _invalid_field(error: Mapping[str, Any]) -> InvalidField:
    error_type = str(error.get("type", "invalid"))
    detail = _detail_without_input(error_type, error.get("msg"), error.get("ctx"))
    location: Sequence[str | int] = tuple(error.get("loc", ()))
    where, path = (location[0], location[1:]) if location else ("body", ())
    if where == "body":
        # FastAPI's JSON decode error gives a character offset, not a member of the document.
        return InvalidField(detail=detail, type=error_type, pointer=_json_pointer(path, error_type))
    name = ".".join(str(part) for part in path)
    if where == "header":
        return InvalidField(detail=detail, type=error_type, header=name)
    if where == "cookie":
        return InvalidField(detail=detail, type=error_type, cookie=name)
    return InvalidField(detail=detail, type=error_type, parameter=name)


def _json_pointer(path: Sequence[str | int], error_type: str) -> str:
    if error_type == "json_invalid":
        return "#"
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in path)
    return "#" + "".join("/" + part for part in escaped)


def _detail_without_input(error_type: str, message: object, context: object) -> str:
    if error_type not in _KNOWN_ERROR_TYPES or error_type in {"value_error", "assertion_error"}:
        return GENERIC_DETAIL
    context_keys = set(context) if isinstance(context, Mapping) else set()
    input_side = context_keys - _SCHEMA_SIDE_CONTEXT
    if not input_side:
        return str(message) if message else GENERIC_DETAIL
    if input_side == {"error"} and isinstance(context, Mapping):
        return _template_before_input(cast(ErrorType, error_type), context)
    return GENERIC_DETAIL


def _template_before_input(error_type: ErrorType, context: Mapping[str, Any]) -> str:
    """'Input should be a valid UUID, {error}' → 'Input should be a valid UUID'."""
    try:
        template = PydanticKnownError(error_type, dict(context)).message_template
    except (TypeError, ValueError, KeyError):
        return GENERIC_DETAIL
    before, placeholder, _ = template.partition(_INPUT_SIDE_PLACEHOLDER)
    if not placeholder or _INPUT_SIDE_PLACEHOLDER[0] in before:
        return GENERIC_DETAIL
    return before.rstrip(" ,:") or GENERIC_DETAIL
