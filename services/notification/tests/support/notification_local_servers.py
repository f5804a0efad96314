"""Real HTTP servers on 127.0.0.1 that tests start to play a partner's receiver, an SMS provider or the
referral service: they record every request and answer as the test tells them."""

import asyncio
import json
import socket
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Answer:
    status: int = 200
    json_body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0
    hang: bool = False
    """Never answer, until the server closes."""


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    received_at: float


class LocalHttpServer:
    def __init__(self, default_answer: Answer | None = None) -> None:
        self.requests: list[ReceivedRequest] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._default_answer = default_answer or Answer()
        self._answers: dict[str, deque[Answer]] = defaultdict(deque)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0

    def answer(self, path: str, *answers: Answer) -> None:
        """The next requests to `path` get these answers in turn; later ones the default answer."""
        self._answers[path].extend(answers)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self._port}{path}"

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.path == path]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        received = ReceivedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=dict(request.headers),
            body=await request.read(),
            received_at=asyncio.get_running_loop().time(),
        )
        self.requests.append(received)
        queued = self._answers[request.path]
        answer = queued.popleft() if queued else self._default_answer
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if answer.hang:
                await self._closing.wait()
            await asyncio.sleep(answer.delay_seconds)
        finally:
            self.in_flight -= 1
        body = json.dumps(answer.json_body) if answer.json_body is not None else ""
        return web.Response(
            status=answer.status, text=body, headers=answer.headers, content_type="application/json"
        )


@asynccontextmanager
async def local_http_server(default_answer: Answer | None = None) -> AsyncIterator[LocalHttpServer]:
    server = LocalHttpServer(default_answer)
    await server.start()
    try:
        yield server
    finally:
        await server.close()
