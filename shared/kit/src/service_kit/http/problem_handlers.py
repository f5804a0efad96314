"""Every refusal an app makes leaves as a problem document: installed once per app, in one call."""

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Final

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from service_kit.http.invalid_fields import invalid_fields_of
from service_kit.http.problems import (
    Problem,
    ProblemError,
    problem_for_status,
    problem_response,
    problem_type,
)
from service_kit.http.unexpected_errors import UnexpectedErrorMiddleware

_SLUG: Final = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_CAMEL_CASE_BOUNDARY: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Statuses whose answers carry no body (RFC 9110); a problem document would be a protocol error.
_BODILESS_STATUSES: Final = frozenset({204, 205, 304})

ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


@dataclass(frozen=True)
class ProblemSpec:
    """How a domain exception is told over HTTP: `ProblemSpec(409, "impossible-transition", "…")`.

    Without a slug and title, both come from the class raised: mapping `StateConflictError` to
    `ProblemSpec(409)` tells `ImpossibleTransition` as `…/problems/impossible-transition`, "Impossible
    transition". The exception's message becomes the `detail`, so domain exceptions are worded for
    partners and name people only by their platform id, as log lines do.
    """

    status: int
    slug: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError(f"a problem has an error status (4xx or 5xx), not {self.status}")
        if self.slug is not None and not _SLUG.fullmatch(self.slug):
            raise ValueError(f"a problem slug is lowercase words joined by hyphens, not {self.slug!r}")

    def problem(self, error: Exception) -> Problem:
        words = _words_of_class_name(type(error).__name__)
        return Problem(
            type=problem_type(self.slug or "-".join(word.lower() for word in words)),
            title=self.title or _sentence(words),
            status=self.status,
            detail=str(error) or None,
        )


def _sentence(words: list[str]) -> str:
    kept_as_written = (word if word.isupper() and len(word) > 1 else word.lower() for word in words[1:])
    return " ".join([words[0], *kept_as_written])


def _words_of_class_name(name: str) -> list[str]:
    words = _CAMEL_CASE_BOUNDARY.split(name.removesuffix("Error")) if name != "Error" else [name]
    return [word for word in words if word]


def install_problem_handlers(
    app: FastAPI, domain_errors: Mapping[type[Exception], ProblemSpec] | None = None
) -> None:
    """Validation errors, HTTP exceptions, the mapped domain errors and anything unexpected → problems.

    Subclasses of a mapped exception are mapped with it unless mapped themselves. Call it before the app
    starts; a body limit added afterwards sits outermost and refuses before anything else runs.
    """
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_exception)
    for error_type, spec in (domain_errors or {}).items():
        app.add_exception_handler(error_type, _domain_error_handler(spec))
    app.add_middleware(UnexpectedErrorMiddleware)


async def _invalid_request(_request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problem = Problem(
        type=problem_type("invalid-request"),
        title="The request is not valid",
        status=422,
        detail="Some parts of the request are missing or invalid; see `errors`.",
        errors=invalid_fields_of(error.errors()),
    )
    return problem_response(problem)


async def _http_exception(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code in _BODILESS_STATUSES or error.status_code < 400:
        return Response(status_code=error.status_code, headers=error.headers)
    if isinstance(error, ProblemError):
        return problem_response(error.problem, error.headers)
    problem = problem_for_status(error.status_code)
    detail = error.detail if isinstance(error.detail, str) and error.detail != problem.title else None
    return problem_response(problem.model_copy(update={"detail": detail}), error.headers)


def _domain_error_handler(spec: ProblemSpec) -> ExceptionHandler:
    async def domain_error_as_problem(_request: Request, error: Exception) -> Response:
        return problem_response(spec.problem(error))

    return domain_error_as_problem
