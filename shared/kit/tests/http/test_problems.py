import json
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

import pytest
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field, field_validator

from service_kit.http.problem_handlers import ProblemSpec, install_problem_handlers
from service_kit.http.problems import PROBLEM_MEDIA_TYPE, problem_for_status, problem_type
from service_kit.logging import configure_logging

PERSONAL_EMAIL = "jeanne.dupont@example.org"


class ImpossibleTransition(Exception):
    pass


class DeclinedReferralCannotBeAccepted(ImpossibleTransition):
    pass


class ReferralNotFound(Exception):
    pass


class StateConflictError(Exception):
    pass


class WorkshopSessionIsFull(StateConflictError):
    pass


class PersonIn(BaseModel):
    name: str = Field(max_length=80)
    email: str
    age: int = Field(ge=16)

    @field_validator("email")
    @classmethod
    def french_address_only(cls, value: str) -> str:
        if not value.endswith(".fr"):
            raise ValueError(f"{value} is not a French address")  # quoting the input, as careless code does
        return value


def unordered(errors: list[dict[str, str]]) -> set[frozenset[tuple[str, str]]]:
    return {frozenset(error.items()) for error in errors}


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(
        app,
        {
            ImpossibleTransition: ProblemSpec(409, "impossible-transition", "Impossible transition"),
            ReferralNotFound: ProblemSpec(404, "referral-not-found", "Referral not found"),
            StateConflictError: ProblemSpec(409),
        },
    )

    @app.post("/persons")
    async def register(person: PersonIn, limit: Annotated[int, Query()]) -> dict[str, str]:
        return {"name": person.name}

    @app.post("/referrals/{referral_id}/accept")
    async def accept(referral_id: UUID) -> None:
        raise DeclinedReferralCannotBeAccepted(f"referral {referral_id} was declined and cannot be accepted")

    @app.get("/referrals/{referral_id}")
    async def read(referral_id: UUID) -> None:
        raise ReferralNotFound

    @app.post("/sessions/{session_id}/places")
    async def book(session_id: UUID) -> None:
        raise WorkshopSessionIsFull(f"session {session_id} has no place left")

    @app.get("/documents/{name}")
    async def document(name: str) -> None:
        raise HTTPException(404, f"No document is called {name}")

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError(
            f"duplicate key value violates unique constraint DETAIL: Key (email)=({PERSONAL_EMAIL})"
        )

    return app


async def test_an_invalid_request_lists_each_invalid_field_without_the_values_sent(
    call: Callable[..., Any],
) -> None:
    answer = await call(
        build_app(), "POST", "/persons", query="limit=many", json_body={"email": PERSONAL_EMAIL, "age": 12}
    )

    assert answer.status == 422
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    problem = answer.json()
    assert problem["type"] == problem_type("invalid-request")
    assert problem["status"] == 422
    assert unordered(problem["errors"]) == unordered(
        [
            {"pointer": "#/name", "type": "missing", "detail": "Field required"},
            {"pointer": "#/email", "type": "value_error", "detail": "Invalid value"},
            {
                "pointer": "#/age",
                "type": "greater_than_equal",
                "detail": "Input should be greater than or equal to 16",
            },
            {
                "parameter": "limit",
                "type": "int_parsing",
                "detail": "Input should be a valid integer, unable to parse string as an integer",
            },
        ]
    )
    assert PERSONAL_EMAIL not in answer.text
    assert "many" not in answer.text


async def test_a_parsing_error_says_what_was_expected_but_not_what_was_found(
    call: Callable[..., Any],
) -> None:
    answer = await call(build_app(), "GET", f"/referrals/{PERSONAL_EMAIL}")

    assert answer.status == 422
    assert answer.json()["errors"] == [
        {"parameter": "referral_id", "type": "uuid_parsing", "detail": "Input should be a valid UUID"}
    ]
    assert "@" not in answer.text


async def test_a_body_that_is_not_json_is_an_invalid_request_pointing_at_the_whole_document(
    call: Callable[..., Any],
) -> None:
    answer = await call(
        build_app(),
        "POST",
        "/persons",
        query="limit=1",
        body=b'{"email": "' + PERSONAL_EMAIL.encode(),
        headers={"content-type": "application/json"},
    )

    assert answer.status == 422
    assert answer.json()["errors"] == [{"pointer": "#", "type": "json_invalid", "detail": "Invalid JSON"}]
    assert PERSONAL_EMAIL not in answer.text


async def test_a_mapped_domain_error_takes_its_status_type_and_message(call: Callable[..., Any]) -> None:
    referral_id = "5fd18d7a-6b9e-4fa0-9dc4-bcab9a8f7e65"

    answer = await call(build_app(), "POST", f"/referrals/{referral_id}/accept")

    assert answer.status == 409
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.json() == {
        "type": problem_type("impossible-transition"),
        "title": "Impossible transition",
        "status": 409,
        "detail": f"referral {referral_id} was declined and cannot be accepted",
    }


async def test_a_family_of_domain_errors_names_each_problem_after_the_class_raised(
    call: Callable[..., Any],
) -> None:
    session_id = "60e29e8b-7caf-40b1-8ed5-cdbcab9a8f76"

    answer = await call(build_app(), "POST", f"/sessions/{session_id}/places")

    assert answer.status == 409
    assert answer.json() == {
        "type": problem_type("workshop-session-is-full"),
        "title": "Workshop session is full",
        "status": 409,
        "detail": f"session {session_id} has no place left",
    }


async def test_a_domain_error_without_a_message_has_no_detail(call: Callable[..., Any]) -> None:
    answer = await call(build_app(), "GET", "/referrals/5fd18d7a-6b9e-4fa0-9dc4-bcab9a8f7e65")

    assert answer.status == 404
    assert answer.json() == {
        "type": problem_type("referral-not-found"),
        "title": "Referral not found",
        "status": 404,
    }


async def test_an_http_exception_keeps_its_status_and_detail(call: Callable[..., Any]) -> None:
    answer = await call(build_app(), "GET", "/documents/charter")

    assert answer.status == 404
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.json() == {
        "type": problem_type("not-found"),
        "title": "Not Found",
        "status": 404,
        "detail": "No document is called charter",
    }


async def test_the_routers_own_refusals_are_problems_and_keep_their_headers(call: Callable[..., Any]) -> None:
    unknown = await call(build_app(), "GET", "/nowhere")
    wrong_method = await call(build_app(), "DELETE", "/persons")

    assert (unknown.status, unknown.json()["type"]) == (404, problem_type("not-found"))
    assert (wrong_method.status, wrong_method.json()["type"]) == (405, problem_type("method-not-allowed"))
    assert wrong_method.headers["allow"] == "POST"


async def test_an_unexpected_error_is_a_500_that_reveals_nothing_and_logs_no_values(
    call: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("test-service")

    answer = await call(build_app(), "GET", "/crash")

    assert answer.status == 500
    problem = answer.json()
    assert problem["type"] == problem_type("internal-error")
    assert problem["instance"].startswith("urn:uuid:")
    assert "duplicate" not in answer.text
    assert "RuntimeError" not in answer.text
    log_lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    logged = next(line for line in log_lines if line.get("problem_instance") == problem["instance"])
    assert logged["level"] == "error"
    assert logged["error_chain"] == ["builtins.RuntimeError"]
    assert any("in crash" in frame for frame in logged["frames"])
    assert PERSONAL_EMAIL not in json.dumps(log_lines)


@pytest.mark.parametrize(
    ("status", "slug"), [(200, "fine"), (302, "found"), (409, "Impossible Transition"), (409, "")]
)
def test_a_problem_spec_names_an_error_status_and_a_slug(status: int, slug: str) -> None:
    with pytest.raises(ValueError, match="problem"):
        ProblemSpec(status, slug, "Title")


@pytest.mark.parametrize(
    ("status", "slug", "title"),
    [
        (404, "not-found", "Not Found"),
        (413, "content-too-large", "Content Too Large"),
        (422, "unprocessable-content", "Unprocessable Content"),
        (599, "http-599", "HTTP 599"),
    ],
)
def test_a_bare_status_is_named_as_rfc_9110_names_it(status: int, slug: str, title: str) -> None:
    problem = problem_for_status(status)

    assert (problem.type, problem.title) == (problem_type(slug), title)
