"""RFC 9457 problem documents (`application/problem+json`): the one shape every refusal takes."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Final

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from service_kit.http.invalid_fields import InvalidField

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
PROBLEM_TYPE_BASE: Final = "https://premiere-marche.fr/problems/"

# RFC 9110's names where older Pythons still use RFC 7231's, so that type URIs do not change with Python.
_RFC_9110_PHRASES: Final = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


def problem_type(slug: str) -> str:
    return PROBLEM_TYPE_BASE + slug


class Problem(BaseModel):
    """A problem document. Typed extension members are added by subclassing, as `errors` is here."""

    model_config = ConfigDict(frozen=True)

    type: str = Field(description="URI naming the kind of problem; stable, documented, for programs.")
    title: str = Field(description="Short summary of the kind of problem; the same for every occurrence.")
    status: int = Field(description="HTTP status code of this occurrence.")
    detail: str | None = Field(default=None, description="What went wrong this time, for people.")
    instance: str | None = Field(default=None, description="URI of this occurrence, quoted in the logs.")
    errors: tuple[InvalidField, ...] | None = Field(
        default=None, description="Each invalid part of the request, without the value that was sent."
    )

    def to_json(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_none=True)


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.to_json(), status_code=problem.status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


def problem_for_status(status: int, detail: str | None = None) -> Problem:
    """A problem whose kind is the HTTP status itself (404 → `…/problems/not-found`)."""
    try:
        phrase = _RFC_9110_PHRASES.get(status) or HTTPStatus(status).phrase
    except ValueError:
        phrase = f"HTTP {status}"
    slug = "-".join(phrase.lower().replace("'", "").split())
    return Problem(type=problem_type(slug), title=phrase, status=status, detail=detail)


class ProblemError(HTTPException):
    """Refuses the request with this problem; headers such as `WWW-Authenticate` go with it.

    A subclass of `HTTPException` so that an app without the kit's handlers still answers with the
    right status and headers, only in FastAPI's default body shape.
    """

    def __init__(self, problem: Problem, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code=problem.status, detail=problem.title, headers=dict(headers or {}))
        self.problem = problem


def bearer_unauthenticated(detail: str, *, realm: str, challenge_error: str | None = None) -> ProblemError:
    """401 with the RFC 6750 challenge: `error="invalid_token"` when a credential was sent but refused."""
    problem = Problem(
        type=problem_type("unauthenticated"), title="Authentication required", status=401, detail=detail
    )
    challenge = f'Bearer realm="{realm}"'
    if challenge_error is not None:
        challenge += f', error="{challenge_error}"'
    return ProblemError(problem, headers={"WWW-Authenticate": challenge})
