"""Request bodies over a size limit are refused with 413 before they can cost memory or work.

A declared `Content-Length` over the limit is refused before the app runs. A body without one (chunked)
is counted as it streams in; the read that passes the limit fails, and whatever the app would have
answered to that failure is replaced by the 413.
"""

from typing import Final

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_kit.http.problems import Problem, problem_response, problem_type

DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024


class RequestBodyTooLargeError(Exception):
    """Raised into the app by the read that passes the limit; the middleware answers 413 in its place."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if max_body_bytes < 0:
            raise ValueError("the body limit is a number of bytes, zero or more")
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await problem_response(_too_large(self.max_body_bytes))(scope, receive, send)
            return
        await _LimitedRequest(self.app, self.max_body_bytes, scope, receive, send).run()


class _LimitedRequest:
    def __init__(self, app: ASGIApp, max_body_bytes: int, scope: Scope, receive: Receive, send: Send) -> None:
        self._app = app
        self._max_body_bytes = max_body_bytes
        self._scope = scope
        self._receive = receive
        self._send = send
        self._received_bytes = 0
        self._exceeded = False
        self._response_started = False

    async def run(self) -> None:
        try:
            await self._app(self._scope, self._counting_receive, self._guarded_send)
        except Exception:
            if not self._exceeded or self._response_started:
                raise
        if self._exceeded and not self._response_started:
            await problem_response(_too_large(self._max_body_bytes))(self._scope, self._receive, self._send)

    async def _counting_receive(self) -> Message:
        if self._exceeded:
            raise RequestBodyTooLargeError
        message = await self._receive()
        if message["type"] == "http.request":
            self._received_bytes += len(message.get("body", b""))
            if self._received_bytes > self._max_body_bytes:
                self._exceeded = True
                raise RequestBodyTooLargeError
        return message

    async def _guarded_send(self, message: Message) -> None:
        if self._exceeded and not self._response_started:
            return  # the app's answer to the failed read; the 413 goes out instead
        self._response_started = self._response_started or message["type"] == "http.response.start"
        await self._send(message)


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    if value is None or not value.isdigit():
        return None
    return int(value)


def _too_large(max_body_bytes: int) -> Problem:
    return Problem(
        type=problem_type("content-too-large"),
        title="Content too large",
        status=413,
        detail=f"The request body is larger than the limit of {max_body_bytes} bytes.",
    )
