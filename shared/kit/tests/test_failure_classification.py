import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from event_contracts.errors import SchemaInvalidEvent, UndecodableEvent
from service_kit.errors import FailureKind, PermanentError, classify_failure, failure_reason


class ImpossibleTransition(Exception):
    pass


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, ConnectionRefusedError()),
        ConnectionRefusedError(),
        TimeoutError(),
        KafkaConnectionError(),
        asyncpg.exceptions.ConnectionDoesNotExistError(),
        DBAPIError("SELECT 1", {}, asyncpg.exceptions.DeadlockDetectedError(), connection_invalidated=False),
    ],
)
def test_an_unavailable_database_or_broker_is_retried_in_place(error: BaseException) -> None:
    assert classify_failure(error) is FailureKind.TRANSIENT


@pytest.mark.parametrize(
    "error",
    [
        UndecodableEvent("undecodable", "body is not JSON"),
        SchemaInvalidEvent("unknown_type", "fr.premiere-marche.nothing.v9"),
        PermanentError("impossible_transition", "completed → sent"),
        ImpossibleTransition(),
    ],
)
def test_a_message_that_can_never_succeed_is_dead_lettered(error: BaseException) -> None:
    assert classify_failure(error, permanent=(ImpossibleTransition,)) is FailureKind.PERMANENT


def test_a_bug_is_neither_transient_nor_permanent() -> None:
    assert classify_failure(KeyError("stage")) is FailureKind.UNEXPECTED
    assert classify_failure(IntegrityError("INSERT", {}, Exception())) is FailureKind.UNEXPECTED


def test_a_driver_message_never_reaches_a_dead_letter_reason() -> None:
    error = IntegrityError(
        "INSERT", {"email": "someone@example.org"}, Exception("Key (email)=(someone@example.org)")
    )

    reason = failure_reason(error)

    assert "example.org" not in reason
    assert reason.startswith("IntegrityError")


def test_our_own_coded_reasons_are_kept_with_their_detail() -> None:
    assert failure_reason(PermanentError("impossible_transition", "completed → sent")) == (
        "impossible_transition: completed → sent"
    )
