"""A request runs in the trace context its `traceparent` header names, or in a new trace: the events it
emits carry it on and its log lines name the trace id."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import structlog
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from service_kit.logging import configure_logging
from service_kit.trace_context import TraceContextMiddleware, continued_or_new, current_traceparent

CALLERS = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
WELL_FORMED = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")


def traced_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(TraceContextMiddleware)

    @app.get("/work")
    async def work() -> PlainTextResponse:
        structlog.get_logger().info("working")
        return PlainTextResponse(current_traceparent() or "none")

    return app


def test_a_well_formed_traceparent_is_continued() -> None:
    assert continued_or_new(CALLERS) == CALLERS


@pytest.mark.parametrize(
    "unreadable",
    [
        None,
        "",
        "not a traceparent",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        CALLERS + "-extra",
    ],
)
def test_an_unreadable_traceparent_starts_a_new_trace_not_sampled(unreadable: str | None) -> None:
    started = continued_or_new(unreadable)

    assert WELL_FORMED.fullmatch(started)
    assert started.endswith("-00")
    assert started != continued_or_new(unreadable)


async def test_a_request_runs_in_its_callers_trace_and_its_log_lines_name_it(
    call: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("test-service")

    answer = await call(traced_app(), "GET", "/work", headers={"traceparent": CALLERS})

    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"working"' in line]
    assert answer.text == CALLERS
    assert [line["trace_id"] for line in logged] == ["4bf92f3577b34da6a3ce929d0e0e4736"]
    assert current_traceparent() is None, "the context ends with the request"


async def test_a_request_without_a_traceparent_starts_a_trace_of_its_own(call: Callable[..., Any]) -> None:
    first = await call(traced_app(), "GET", "/work")
    second = await call(traced_app(), "GET", "/work")

    assert WELL_FORMED.fullmatch(first.text)
    assert WELL_FORMED.fullmatch(second.text)
    assert first.text.split("-")[1] != second.text.split("-")[1]
