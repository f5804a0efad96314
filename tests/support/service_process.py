"""A service of the platform run as a real process in a test, stopped by its own process id."""

import asyncio
import signal
import socket
import subprocess
import urllib.request
from dataclasses import dataclass, field
from urllib.error import URLError


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def metric_value(exposition: str, sample: str) -> float:
    """The value of one sample, e.g. `events_consumed_total{consumer="x",outcome="applied"}`; 0 if absent."""
    for line in exposition.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@dataclass
class ServiceProcess:
    command: list[str]
    env: dict[str, str]
    env_prefix: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self, extra_env: dict[str, str] | None = None) -> None:
        env = {**self.env, f"{self.env_prefix}HTTP_PORT": str(self.port), **(extra_env or {})}
        self.process = subprocess.Popen(self.command, env=env, stdout=subprocess.DEVNULL)

    async def wait_ready(self, timeout_seconds: float = 60) -> None:
        async with asyncio.timeout(timeout_seconds):
            while not await asyncio.to_thread(self._ready):
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(
                        f"{self.command} exited with {self.process.returncode} before it was ready"
                    )
                await asyncio.sleep(0.2)

    async def wait_exit(self, timeout_seconds: float = 60) -> int:
        assert self.process is not None
        return await asyncio.to_thread(self.process.wait, timeout_seconds)

    async def metrics(self) -> str:
        return await asyncio.to_thread(self._get, "/metrics")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def _ready(self) -> bool:
        try:
            self._get("/health/ready")
        except (URLError, OSError):
            return False
        return True

    def _get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as answer:
            return str(answer.read().decode())
