"""What sessions start stops with the last session using it; what the CLI starts stays up."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.local_stack import LocalStack
from devstack.process_identity import ProcessIdentity, identify, is_running
from devstack.state_store import ComponentKind, ComponentRecord, Session, SessionLease, StackState

SERVER_COMMAND = ["sleep", "300"]


@pytest.fixture
def stand_in_server() -> Iterator[ProcessIdentity]:
    """A process standing in for a broker, so that leases can be tested without starting one."""
    process = subprocess.Popen(SERVER_COMMAND)
    identity = identify(process.pid, command_marker="sleep 300")
    assert identity is not None
    _wait_until_exec(identity)
    yield identity
    process.kill()
    process.wait()


def _wait_until_exec(identity: ProcessIdentity) -> None:
    """Right after fork the child still shows Python's command line; wait for the exec."""
    deadline = time.monotonic() + 5
    while not is_running(identity) and time.monotonic() < deadline:
        time.sleep(0.01)


def _record(identity: ProcessIdentity, stop_with_last_session: bool) -> ComponentRecord:
    return ComponentRecord(
        "kafka/node-1", ComponentKind.KAFKA, identity, 1, "server.log", stop_with_last_session
    )


def _session_of_exited_process() -> Session:
    process = subprocess.Popen(["true"])
    identity = identify(process.pid, command_marker="")
    process.wait()
    assert identity is not None
    return Session(holder=identity, token="crashed")


def _stack_with(home: Path, record: ComponentRecord, sessions: list[Session]) -> LocalStack:
    stack = LocalStack(home)
    stack.store.save(StackState(components={record.name: record}))
    for session in sessions:
        state = stack.store.load()
        state.leases.append(_lease(session, record.name))
        stack.store.save(state)
    return stack


def _lease(session: Session, name: str) -> SessionLease:
    return SessionLease(session=session, components=[name])


def test_what_sessions_started_stops_when_the_last_session_releases_it(
    tmp_path: Path, stand_in_server: ProcessIdentity
) -> None:
    first, second = Session.of_current_process(), Session.of_current_process()
    stack = _stack_with(tmp_path, _record(stand_in_server, stop_with_last_session=True), [first, second])

    assert stack.release(first) == []
    assert is_running(stand_in_server)
    assert stack.release(second) == ["kafka/node-1"]
    assert not is_running(stand_in_server)
    assert stack.store.load().components == {}


def test_what_the_cli_started_outlives_every_session(
    tmp_path: Path, stand_in_server: ProcessIdentity
) -> None:
    session = Session.of_current_process()
    stack = _stack_with(tmp_path, _record(stand_in_server, stop_with_last_session=False), [session])

    assert stack.release(session) == []
    assert is_running(stand_in_server)
    assert stack.store.load().leases == []


def test_a_crashed_sessions_lease_no_longer_holds_the_stack(
    tmp_path: Path, stand_in_server: ProcessIdentity
) -> None:
    crashed, finishing = _session_of_exited_process(), Session.of_current_process()
    stack = _stack_with(tmp_path, _record(stand_in_server, stop_with_last_session=True), [crashed, finishing])

    assert stack.release(finishing) == ["kafka/node-1"]
    assert not is_running(stand_in_server)


def test_stop_ends_every_recorded_process_whoever_holds_it(
    tmp_path: Path, stand_in_server: ProcessIdentity
) -> None:
    stack = _stack_with(
        tmp_path, _record(stand_in_server, stop_with_last_session=False), [Session.of_current_process()]
    )

    assert stack.stop() == ["kafka/node-1"]
    assert not is_running(stand_in_server)
    assert stack.store.load() == StackState()
