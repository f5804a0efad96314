"""The W3C trace context of the work in hand: a request's `traceparent` header, or a new trace when it has
none. The events the work emits carry it on, and every log line written meanwhile names its trace id,
which is how a request's lines and its events are found together."""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

TRACEPARENT_HEADER: Final = b"traceparent"
_TRACEPARENT: Final = re.compile(r"00-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}")
_current: ContextVar[str | None] = ContextVar("traceparent", default=None)


def current_traceparent() -> str | None:
    """The trace context of the work in hand, None outside any (a scheduled job, for instance)."""
    return _current.get()


def continued_or_new(traceparent: str | None) -> str:
    """The caller's trace context when it is well formed; otherwise a new trace, not sampled, as W3C Trace
    Context asks of a receiver that cannot read the one it got."""
    if traceparent is not None and _TRACEPARENT.fullmatch(traceparent):
        return traceparent
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"


@contextmanager
def trace_context(traceparent: str | None) -> Iterator[str]:
    """Within the block, `current_traceparent()` and every log line's `trace_id` follow `traceparent`
    (or a new trace when it is missing or malformed)."""
    chosen = continued_or_new(traceparent)
    token = _current.set(chosen)
    try:
        with structlog.contextvars.bound_contextvars(trace_id=trace_id_of(chosen)):
            yield chosen
    finally:
        _current.reset(token)


def trace_id_of(traceparent: str) -> str:
    return traceparent.split("-")[1]


class TraceContextMiddleware:
    """Each HTTP request runs in the trace context of its `traceparent` header, or in a new one."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        header = next((value for name, value in scope["headers"] if name == TRACEPARENT_HEADER), None)
        with trace_context(None if header is None else header.decode("latin-1")):
            await self._app(scope, receive, send)
