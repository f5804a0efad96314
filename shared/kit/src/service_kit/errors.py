"""How a failure is classified: retry in place, or set the message aside as a dead letter."""

import enum

import asyncpg
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from event_contracts.errors import InvalidEvent


class PermanentError(Exception):
    """Raised by a handler when retrying can never succeed (impossible transition, unauthorised sender)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class FailureKind(enum.Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNEXPECTED = "unexpected"


_TRANSIENT_DRIVER_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
)
_TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    OSError,
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
    *_TRANSIENT_DRIVER_ERRORS,
)


def classify_failure(error: BaseException, permanent: tuple[type[BaseException], ...] = ()) -> FailureKind:
    if isinstance(error, (InvalidEvent, PermanentError, *permanent)):
        return FailureKind.PERMANENT
    if isinstance(error, DBAPIError) and (
        error.connection_invalidated or isinstance(error.orig, _TRANSIENT_DRIVER_ERRORS)
    ):
        return FailureKind.TRANSIENT
    if isinstance(error, _TRANSIENT_ERRORS):
        return FailureKind.TRANSIENT
    return FailureKind.UNEXPECTED


def failure_reason(error: BaseException) -> str:
    """A reason safe to publish: our own coded reasons, never a driver message that may quote values."""
    if isinstance(error, (InvalidEvent, PermanentError)):
        return f"{error.reason}: {error.detail}" if error.detail else error.reason
    return f"{type(error).__name__} (details in the service log)"
