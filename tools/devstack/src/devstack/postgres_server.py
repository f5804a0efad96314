"""A private PostgreSQL cluster run from the distribution's server binaries."""

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import DevstackError
from devstack.kafka_layout import LOOPBACK
from devstack.log_files import log_tail
from devstack.process_identity import ProcessIdentity, identify, send_signal

DEFAULT_POSTGRES_PORT = 15432
SUPERUSER = "postgres"
POSTGRES_SYSTEM_USER = "postgres"
_BIN_VARIABLE = "DEVSTACK_POSTGRES_BIN"
_DISTRIBUTION_ROOT = Path("/usr/lib/postgresql")
_INCLUDE_LINE = "include_if_exists = 'devstack.conf'\n"


class PostgresSetupError(DevstackError):
    pass


@dataclass(frozen=True)
class PostgresSettings:
    port: int = DEFAULT_POSTGRES_PORT
    host: str = LOOPBACK
    relaxed_durability: bool = True
    max_connections: int = 200

    @property
    def admin_url(self) -> str:
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/postgres"


def render_devstack_conf(settings: PostgresSettings) -> str:
    lines = [
        f"listen_addresses = '{settings.host}'",
        f"port = {settings.port}",
        # Unix sockets are off: socket paths are limited to ~100 bytes and the state dir may be deeper.
        "unix_socket_directories = ''",
        f"max_connections = {settings.max_connections}",
    ]
    if settings.relaxed_durability:
        lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
    else:
        lines += ["fsync = on", "synchronous_commit = on", "full_page_writes = on"]
    return "\n".join(lines) + "\n"


def _version_key(bin_directory: Path) -> tuple[int, ...]:
    version = bin_directory.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def find_postgres_binaries(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    configured = environ.get(_BIN_VARIABLE)
    if configured:
        return Path(configured)
    installed = [path for path in _DISTRIBUTION_ROOT.glob("*/bin") if (path / "initdb").exists()]
    if installed:
        return max(installed, key=_version_key)
    initdb = shutil.which("initdb")
    if initdb is None:
        raise PostgresSetupError(
            f"no PostgreSQL server binaries under {_DISTRIBUTION_ROOT} nor initdb on PATH "
            f"(install the `postgresql` package or set {_BIN_VARIABLE})"
        )
    return Path(initdb).parent


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root, so root hands them to the postgres system user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", POSTGRES_SYSTEM_USER, "--", *command]
    return command


def _run(command: list[str], what: str, log_file: Path | None = None) -> None:
    completed = subprocess.run(_as_server_user(command), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        details = log_tail(log_file) if log_file else ""
        raise PostgresSetupError(f"{what} failed:\n{completed.stdout}{completed.stderr}\n{details}")


class PostgresCluster:
    def __init__(self, directory: Path, binaries: Path) -> None:
        self.directory = directory
        self.binaries = binaries

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    @property
    def command_marker(self) -> str:
        return str(self.data)

    def start(self, settings: PostgresSettings) -> ProcessIdentity:
        self._prepare_directory()
        if not (self.data / "PG_VERSION").exists():
            self._initialise()
        self._write_settings(settings)
        self._start_server()
        pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        identity = identify(pid, self.command_marker)
        if identity is None:
            raise PostgresSetupError(f"PostgreSQL exited right after starting; see {self.log}")
        return identity

    def _start_server(self, attempts: int = 3) -> None:
        """After a crash the old backends may hold shared memory a moment longer: retry a failed start."""
        pg_ctl = str(self.binaries / "pg_ctl")
        command = [pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"]
        for attempt in range(1, attempts + 1):
            try:
                _run(command, "starting PostgreSQL", self.log)
                return
            except PostgresSetupError:
                if attempt == attempts:
                    raise
                time.sleep(1.0)

    def apply_settings(self, settings: PostgresSettings, postmaster: ProcessIdentity) -> None:
        """fsync, synchronous_commit and full_page_writes take effect on reload, without a restart."""
        self._write_settings(settings)
        send_signal(postmaster, signal.SIGHUP)

    def _prepare_directory(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, POSTGRES_SYSTEM_USER, POSTGRES_SYSTEM_USER)
            reachable = subprocess.run(
                _as_server_user(["test", "-w", str(self.directory)]), capture_output=True, check=False
            )
            if reachable.returncode != 0:
                raise PostgresSetupError(
                    f"the {POSTGRES_SYSTEM_USER} user cannot write {self.directory}: every parent directory "
                    "must be searchable by it (choose a DEVSTACK_HOME outside private 0700 directories)"
                )

    def _initialise(self) -> None:
        _run(
            [
                str(self.binaries / "initdb"),
                "-D",
                str(self.data),
                "--auth=trust",
                f"--username={SUPERUSER}",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            "initdb",
        )
        with (self.data / "postgresql.conf").open("a") as configuration:
            configuration.write(_INCLUDE_LINE)

    def _write_settings(self, settings: PostgresSettings) -> None:
        target = self.data / "devstack.conf"
        target.write_text(render_devstack_conf(settings))
        if os.geteuid() == 0:
            shutil.chown(target, POSTGRES_SYSTEM_USER, POSTGRES_SYSTEM_USER)
