"""How refusals of the pathway API are documented: RFC 9457 problem documents."""

from typing import Any, Final

from service_kit.http.problems import PROBLEM_MEDIA_TYPE, Problem

_PROBLEM_CONTENT: Final = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problem_responses(described: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": Problem, "description": description, "content": _PROBLEM_CONTENT}
        for status, description in described.items()
    }
