"""A service of the repository run as a real process by a benchmark (`<service> serve`), its stderr kept
in a log file while it runs, stopped by its own pid."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

PROFILED_SERVE = Path(__file__).with_name("profiled_serve.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serve(
    service: str,
    env: dict[str, str],
    log: Path,
    *,
    profile_to: Path | None = None,
    command: str = "serve",
    niceness: int = 0,
) -> subprocess.Popen[bytes]:
    """`python -m <service> serve` (or another of its long-running commands, such as `relay`), its stderr
    in ``log`` (kept if it fails, removed by `stop`), at a lower scheduling priority with ``niceness``;
    `serve` under cProfile when ``profile_to`` is given (written when the process stops gracefully)."""
    arguments = (
        ["-m", service, command] if profile_to is None else [str(PROFILED_SERVE), str(profile_to), service]
    )
    # nice executes the command in its own process: the pid stays the service's.
    priority = ["nice", "-n", str(niceness)] if niceness else []
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [*priority, sys.executable, *arguments],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


async def wait_ready(base_url: str, process: subprocess.Popen[bytes], timeout_seconds: float = 60) -> None:
    async with asyncio.timeout(timeout_seconds), aiohttp.ClientSession() as session:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode} before it was ready")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with session.get(f"{base_url}/health/ready") as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.2)


def stop(process: subprocess.Popen[bytes], log: Path) -> None:
    """By its own pid: SIGTERM (a graceful stop), then SIGKILL if it has not left after 30 s."""
    if process.poll() is not None:
        print(f"  {process.args!r} had exited with {process.returncode}; its stderr is in {log}")
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    log.unlink(missing_ok=True)


def tree_cpu_seconds(pid: int) -> float:
    """`cpu_seconds` of a process and of its live children (uvicorn's worker processes)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            child_pids = [int(child) for child in children.read().split()]
    except OSError:
        child_pids = []
    return cpu_seconds(pid) + sum(cpu_seconds(child) for child in child_pids)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process so far (0 without /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
