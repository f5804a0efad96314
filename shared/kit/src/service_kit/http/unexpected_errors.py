"""An exception no handler maps becomes a 500 problem that reveals nothing, and a log line quoting nothing.

Starlette's own 500 handler re-raises after answering so that the server logs the exception, message
included; a driver's message may quote row values (personal data). This middleware answers and logs the
exception's type and stack frames only, then stops it there.
"""

import traceback
from typing import Final
from uuid import uuid4

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_kit.http.problems import Problem, problem_response, problem_type

MAX_LOGGED_FRAMES: Final = 30

_log = structlog.get_logger(__name__)


class UnexpectedErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception as error:
            instance = f"urn:uuid:{uuid4()}"
            _log.error(
                "unexpected error while handling a request",
                problem_instance=instance,
                method=scope.get("method"),
                path=scope.get("path"),
                error_chain=_type_names(error),
                frames=_frames(error),
            )
            # Once the answer has begun there is nothing left to correct; the server closes the connection.
            if not response_started:
                await problem_response(_internal_error(instance))(scope, receive, send)


def _internal_error(instance: str) -> Problem:
    return Problem(
        type=problem_type("internal-error"),
        title="Internal server error",
        status=500,
        detail="The request could not be completed. Quote the instance when reporting it.",
        instance=instance,
    )


def _type_names(error: BaseException) -> list[str]:
    names: list[str] = []
    current: BaseException | None = error
    while current is not None and len(names) < 10:
        names.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    return names


def _frames(error: BaseException) -> list[str]:
    summary = traceback.extract_tb(error.__traceback__)[-MAX_LOGGED_FRAMES:]
    return [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in summary]
