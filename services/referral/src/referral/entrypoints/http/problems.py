"""Every refusal of the domain and the use cases, told once as an RFC 9457 problem."""

from collections.abc import Mapping
from typing import Any, Final

from referral.domain.errors import InvalidValueError, NotPermittedError, StateConflictError
from referral.service.errors import NotFoundError
from service_kit.http.problem_handlers import ProblemSpec
from service_kit.http.problems import PROBLEM_MEDIA_TYPE, Problem

DOMAIN_PROBLEMS: Final[Mapping[type[Exception], ProblemSpec]] = {
    NotFoundError: ProblemSpec(404),
    NotPermittedError: ProblemSpec(403),
    StateConflictError: ProblemSpec(409),
    InvalidValueError: ProblemSpec(422),
}

_PROBLEM_CONTENT: Final = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}

PROBLEM_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    401: {"model": Problem, "description": "No API key, or one that is unknown or revoked."},
    403: {"model": Problem, "description": "The key lacks the scope, or the side may not act so."},
    404: {"model": Problem, "description": "Nothing this organisation may see has this id."},
    409: {"model": Problem, "description": "An impossible transition or a conflicting request."},
    413: {"model": Problem, "description": "The request body is too large."},
    422: {"model": Problem, "description": "Invalid input: `errors` says which field and why."},
}
for _response in PROBLEM_RESPONSES.values():
    _response["content"] = _PROBLEM_CONTENT
