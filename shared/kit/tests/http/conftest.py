"""Calling apps without httpx: in process through ASGI, or over a real socket to uvicorn."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message

from service_kit.database import create_database_engine, create_session_factory
from service_kit.http.api_keys import define_api_keys_table
from service_kit.http.idempotency import define_idempotency_table


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


async def call_app(
    app: ASGIApp,
    method: str,
    path: str,
    *,
    query: str = "",
    headers: Mapping[str, str] | None = None,
    json_body: Any = None,
    body: bytes | Iterable[bytes] = b"",
    declare_length: bool = True,
) -> Answer:
    """One HTTP request straight into the app. A body given as several chunks is sent without a length."""
    chunks = [body] if isinstance(body, bytes) else list(body)
    sent_headers = {name.lower(): value for name, value in (headers or {}).items()}
    if json_body is not None:
        chunks = [json.dumps(json_body).encode()]
        sent_headers.setdefault("content-type", "application/json")
    if isinstance(body, bytes) and declare_length and (chunks[0] or method in {"POST", "PUT", "PATCH"}):
        sent_headers.setdefault("content-length", str(len(chunks[0])))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in sent_headers.items()
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    pending = list(chunks)
    finished = asyncio.Event()
    sent: list[Message] = []

    async def receive() -> Message:
        if pending:
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            finished.set()

    await app(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    answer_headers: dict[str, str] = {}
    for name, value in start.get("headers", []):
        key = name.decode("latin-1").lower()
        answer_headers[key] = ", ".join(filter(None, [answer_headers.get(key), value.decode("latin-1")]))
    answer_body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(status=start["status"], headers=answer_headers, body=answer_body)


@pytest.fixture
def call() -> Callable[..., Any]:
    return call_app


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[tuple[str, int]]:
    """Runs the app under uvicorn on a free loopback port for the length of the block."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, access_log=False))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        host, port = listener.getsockname()
        yield host, port
    finally:
        server.should_exit = True
        await task
        listener.close()


@pytest.fixture
def served() -> Callable[[ASGIApp], AbstractAsyncContextManager[tuple[str, int]]]:
    return serving


async def exchange_over_socket(
    address: tuple[str, int], head: bytes, body_parts: Iterable[bytes] = ()
) -> Answer:
    """Writes a raw HTTP/1.1 request, part by part, and reads the one answer the server gives."""
    async with asyncio.timeout(10):
        return await _exchange(address, head, body_parts)


async def _exchange(address: tuple[str, int], head: bytes, body_parts: Iterable[bytes]) -> Answer:
    reader, writer = await asyncio.open_connection(*address)
    try:
        writer.write(head)
        try:
            for part in body_parts:
                writer.write(part)
                await writer.drain()
        except ConnectionError:
            pass  # a server refusing the body may close before reading all of it; its answer is still there
        status_line = await reader.readline()
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in {b"\r\n", b""}:
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return Answer(status=int(status_line.split()[1]), headers=headers, body=body)
    finally:
        writer.close()


@pytest.fixture
def over_socket() -> Callable[..., Any]:
    return exchange_over_socket


@pytest.fixture
async def http_engine(fresh_database: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database of its own holding the kit's API-key and idempotency tables."""
    engine = create_database_engine(fresh_database, pool_size=5)
    metadata = MetaData()
    define_api_keys_table(metadata)
    define_idempotency_table(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(http_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(http_engine)
