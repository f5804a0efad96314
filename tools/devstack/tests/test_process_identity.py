"""A recorded pid is ours only while the same process (same start time, same command) holds it."""

import dataclasses
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest

from devstack.process_identity import ProcessIdentity, current_process, identify, is_running, terminate


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(["sleep", "300"])
    yield process
    process.kill()
    process.wait()


def _identity(process: subprocess.Popen[bytes]) -> ProcessIdentity:
    identity = identify(process.pid, command_marker="sleep 300")
    assert identity is not None
    deadline = time.monotonic() + 5
    while not is_running(identity) and time.monotonic() < deadline:
        time.sleep(0.01)  # right after fork the child still shows Python's command line
    return identity


def test_a_live_process_with_the_recorded_start_time_and_command_is_ours(
    sleeper: subprocess.Popen[bytes],
) -> None:
    assert is_running(_identity(sleeper))


def test_a_recycled_pid_is_never_taken_for_ours(sleeper: subprocess.Popen[bytes]) -> None:
    recorded = _identity(sleeper)

    assert not is_running(dataclasses.replace(recorded, start_ticks=recorded.start_ticks - 1))
    assert not is_running(dataclasses.replace(recorded, command_marker="kafka.Kafka /elsewhere"))


def test_a_killed_process_is_gone_even_before_it_is_reaped(sleeper: subprocess.Popen[bytes]) -> None:
    recorded = _identity(sleeper)
    sleeper.send_signal(signal.SIGKILL)
    terminate([recorded], timeout_seconds=5)

    assert not is_running(recorded)


def test_terminate_escalates_to_sigkill_when_the_polite_signal_is_ignored() -> None:
    stubborn = subprocess.Popen(["sh", "-c", "trap '' TERM; sleep 300"])
    recorded = identify(stubborn.pid, command_marker="trap")
    assert recorded is not None
    deadline = time.monotonic() + 5
    while not is_running(recorded) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        terminate([recorded], timeout_seconds=0.5)
        assert not is_running(recorded)
    finally:
        stubborn.kill()
        stubborn.wait()


def test_the_current_process_is_running() -> None:
    assert is_running(current_process())
