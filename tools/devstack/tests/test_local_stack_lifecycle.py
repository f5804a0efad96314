"""A private single-node stack: cold start, reuse, crashes detected and restarted, then a clean stop."""

import os
import signal
import time
from pathlib import Path

import pytest

from devstack.cli import main
from devstack.kafka_layout import KafkaClusterLayout
from devstack.local_stack import LocalStack
from devstack.postgres_server import PostgresSettings
from devstack.process_identity import is_running
from devstack.stack_reports import ComponentStatus

pytestmark = pytest.mark.slow

KAFKA_NODE = "kafka/node-1"


def _statuses(stack: LocalStack) -> dict[str, ComponentStatus]:
    return {status.name: status for status in stack.status()}


def _wait_until_process_gone(stack: LocalStack, name: str, timeout_seconds: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_seconds
    while _statuses(stack)[name].process_alive and time.monotonic() < deadline:
        time.sleep(0.05)


def test_up_reuses_restarts_killed_servers_and_stop_leaves_nothing_running(
    private_home: Path,
    free_kafka_base_port: int,
    free_postgres_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DEVSTACK_HOME", str(private_home))
    stack = LocalStack(private_home)
    layout = KafkaClusterLayout.for_node_count(1, base_port=free_kafka_base_port)
    settings = PostgresSettings(port=free_postgres_port)

    cold = stack.up(layout, settings)
    first_pids = {name: status.pid for name, status in _statuses(stack).items()}
    warm = stack.up(layout, settings)
    assert sorted(cold.started) == [KAFKA_NODE, "postgres"]
    assert cold.start_seconds > 0
    assert warm.started == []
    assert sorted(warm.reused) == [KAFKA_NODE, "postgres"]
    assert {name: status.pid for name, status in _statuses(stack).items()} == first_pids

    os.kill(first_pids[KAFKA_NODE], signal.SIGKILL)
    _wait_until_process_gone(stack, KAFKA_NODE)
    capsys.readouterr()
    exit_code = main(["status"])
    status_output = capsys.readouterr().out
    after_crash = _statuses(stack)
    assert not after_crash[KAFKA_NODE].up
    assert after_crash["postgres"].up
    assert exit_code == 1
    assert "down" in next(line for line in status_output.splitlines() if line.startswith(KAFKA_NODE))

    restarted = stack.up(layout, settings)
    after_restart = _statuses(stack)
    assert restarted.started == [KAFKA_NODE]
    assert restarted.reused == ["postgres"]
    assert after_restart[KAFKA_NODE].up
    assert after_restart[KAFKA_NODE].pid != first_pids[KAFKA_NODE]
    os.kill(after_restart["postgres"].pid, signal.SIGKILL)
    _wait_until_process_gone(stack, "postgres")
    database_restarted = stack.up(layout, settings)
    assert database_restarted.started == ["postgres"]
    assert _statuses(stack)["postgres"].up
    recorded = [record.process for record in stack.store.load().components.values()]

    stopped = stack.stop()

    assert stopped == [KAFKA_NODE, "postgres"]
    assert not any(is_running(process) for process in recorded)
    assert stack.status() == []
