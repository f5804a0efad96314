from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from starlette.types import Receive, Scope, Send

from service_kit.http.body_limit import BodyLimitMiddleware
from service_kit.http.problem_handlers import install_problem_handlers
from service_kit.http.problems import PROBLEM_MEDIA_TYPE, problem_type

LIMIT = 1024


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=LIMIT)

    @app.post("/documents")
    async def upload(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @app.post("/persons")
    async def register(person: dict[str, str]) -> dict[str, int]:
        return {"fields": len(person)}

    return app


class AppThatNotesItRan:
    def __init__(self) -> None:
        self.ran = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.ran = True
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def assert_too_large(status: int, headers: dict[str, str], problem: dict[str, Any]) -> None:
    assert status == 413
    assert headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert problem["type"] == problem_type("content-too-large")
    assert str(LIMIT) in problem["detail"]


async def test_a_declared_length_over_the_limit_is_refused_before_the_app_runs(
    call: Callable[..., Any],
) -> None:
    inner = AppThatNotesItRan()

    answer = await call(
        BodyLimitMiddleware(inner, max_body_bytes=LIMIT), "POST", "/", body=b"x" * (LIMIT + 1)
    )

    assert_too_large(answer.status, answer.headers, answer.json())
    assert not inner.ran


async def test_a_streamed_body_is_refused_once_it_passes_the_limit(call: Callable[..., Any]) -> None:
    answer = await call(build_app(), "POST", "/documents", body=[b"x" * 512] * 3)

    assert_too_large(answer.status, answer.headers, answer.json())


async def test_a_streamed_body_is_refused_even_where_the_app_parses_it_itself(
    call: Callable[..., Any],
) -> None:
    chunks = [b'{"note": "', b"x" * LIMIT, b'"}']

    answer = await call(
        build_app(), "POST", "/persons", body=chunks, headers={"content-type": "application/json"}
    )

    assert_too_large(answer.status, answer.headers, answer.json())


async def test_a_body_of_exactly_the_limit_is_accepted_declared_or_streamed(call: Callable[..., Any]) -> None:
    declared = await call(build_app(), "POST", "/documents", body=b"x" * LIMIT)
    streamed = await call(build_app(), "POST", "/documents", body=[b"x" * (LIMIT // 2)] * 2)

    assert (declared.status, declared.json()) == (200, {"received": LIMIT})
    assert (streamed.status, streamed.json()) == (200, {"received": LIMIT})


async def test_over_the_wire_a_declared_length_is_refused_without_sending_the_body(
    served: Callable[..., Any], over_socket: Callable[..., Any]
) -> None:
    head = (
        b"POST /documents HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: 10485760\r\n\r\n"
    )

    async with served(build_app()) as address:
        answer = await over_socket(address, head)

    assert_too_large(answer.status, answer.headers, answer.json())


async def test_over_the_wire_a_chunked_body_is_refused_once_it_passes_the_limit(
    served: Callable[..., Any], over_socket: Callable[..., Any]
) -> None:
    head = b"POST /documents HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"x" * 512
    chunks = [
        b"%x\r\n%s\r\n" % (len(chunk), chunk)
    ] * 3  # never finished: the answer must not wait for the end

    async with served(build_app()) as address:
        answer = await over_socket(address, head, chunks)

    assert_too_large(answer.status, answer.headers, answer.json())
