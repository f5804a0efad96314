"""Recognising our own processes by pid *and* start time, so a recycled pid is never taken for ours."""

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessIdentity:
    pid: int
    start_ticks: int
    command_marker: str

    def to_json(self) -> dict[str, object]:
        return {"pid": self.pid, "start_ticks": self.start_ticks, "command_marker": self.command_marker}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "ProcessIdentity":
        return cls(
            pid=int(str(data["pid"])),
            start_ticks=int(str(data["start_ticks"])),
            command_marker=str(data["command_marker"]),
        )


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name sits in parentheses and may itself contain spaces or parentheses.
    return raw[raw.rindex(")") + 2 :].split()


def _command_line(pid: int) -> str:
    try:
        return (_PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def identify(pid: int, command_marker: str) -> ProcessIdentity | None:
    fields = _stat_fields(pid)
    if fields is None:
        return None
    start_ticks_index = 19  # field 22 of /proc/<pid>/stat, counted after the command name
    return ProcessIdentity(pid=pid, start_ticks=int(fields[start_ticks_index]), command_marker=command_marker)


def is_running(identity: ProcessIdentity) -> bool:
    fields = _stat_fields(identity.pid)
    if fields is None:
        return False
    state, start_ticks = fields[0], int(fields[19])
    if state in {"Z", "X"} or start_ticks != identity.start_ticks:
        return False
    return identity.command_marker in _command_line(identity.pid)


def has_vanished(identity: ProcessIdentity) -> bool:
    """Unlike is_running, False for a zombie too: its pid still counts as taken until it is reaped."""
    fields = _stat_fields(identity.pid)
    return fields is None or int(fields[19]) != identity.start_ticks


def wait_until_vanished(identity: ProcessIdentity, timeout_seconds: float) -> bool:
    deadline = time.monotonic() + timeout_seconds
    while not has_vanished(identity):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def send_signal(identity: ProcessIdentity, signal_number: int) -> bool:
    if not is_running(identity):
        return False
    try:
        os.kill(identity.pid, signal_number)
    except ProcessLookupError:
        return False
    return True


def wait_until_gone(identities: list[ProcessIdentity], timeout_seconds: float) -> list[ProcessIdentity]:
    deadline = time.monotonic() + timeout_seconds
    remaining = [identity for identity in identities if is_running(identity)]
    while remaining and time.monotonic() < deadline:
        time.sleep(0.1)
        remaining = [identity for identity in remaining if is_running(identity)]
    return remaining


def terminate(
    identities: list[ProcessIdentity], graceful_signal: int = signal.SIGTERM, timeout_seconds: float = 30.0
) -> None:
    """Ask politely, wait, then SIGKILL whatever is still ours."""
    signalled = [identity for identity in identities if send_signal(identity, graceful_signal)]
    for survivor in wait_until_gone(signalled, timeout_seconds):
        send_signal(survivor, signal.SIGKILL)
    wait_until_gone(signalled, 5.0)


def current_process() -> ProcessIdentity:
    identity = identify(os.getpid(), command_marker="")
    if identity is None:
        raise RuntimeError("cannot read /proc for the current process")
    return identity
