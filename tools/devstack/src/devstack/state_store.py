"""The state file: which processes the tool started, and which test sessions are using them."""

import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from devstack.process_identity import ProcessIdentity, current_process, is_running


class ComponentKind(StrEnum):
    KAFKA = "kafka"
    POSTGRES = "postgres"


@dataclass
class ComponentRecord:
    name: str
    kind: ComponentKind
    process: ProcessIdentity
    port: int
    log_file: str
    stop_with_last_session: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "process": self.process.to_json(),
            "port": self.port,
            "log_file": self.log_file,
            "stop_with_last_session": self.stop_with_last_session,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "ComponentRecord":
        process = data["process"]
        assert isinstance(process, dict)
        return cls(
            name=str(data["name"]),
            kind=ComponentKind(str(data["kind"])),
            process=ProcessIdentity.from_json(process),
            port=int(str(data["port"])),
            log_file=str(data["log_file"]),
            stop_with_last_session=bool(data.get("stop_with_last_session", False)),
        )


@dataclass(frozen=True)
class Session:
    """One user of the stack (a test session): its process, and a token telling apart two in one process."""

    holder: ProcessIdentity
    token: str

    @classmethod
    def of_current_process(cls) -> "Session":
        return cls(holder=current_process(), token=uuid.uuid4().hex)


@dataclass
class SessionLease:
    """A session using some components; the last one to leave stops what sessions started."""

    session: Session
    components: list[str]

    def to_json(self) -> dict[str, object]:
        return {
            "holder": self.session.holder.to_json(),
            "token": self.session.token,
            "components": self.components,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "SessionLease":
        holder, components = data["holder"], data["components"]
        assert isinstance(holder, dict)
        assert isinstance(components, list)
        session = Session(holder=ProcessIdentity.from_json(holder), token=str(data["token"]))
        return cls(session=session, components=[str(name) for name in components])


@dataclass
class StackState:
    components: dict[str, ComponentRecord] = field(default_factory=dict)
    leases: list[SessionLease] = field(default_factory=list)

    def live_leases(self) -> list[SessionLease]:
        return [lease for lease in self.leases if is_running(lease.session.holder)]

    def to_json(self) -> dict[str, object]:
        return {
            "components": {name: record.to_json() for name, record in sorted(self.components.items())},
            "leases": [lease.to_json() for lease in self.leases],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "StackState":
        components, leases = data.get("components", {}), data.get("leases", [])
        assert isinstance(components, dict)
        assert isinstance(leases, list)
        return cls(
            components={str(name): ComponentRecord.from_json(record) for name, record in components.items()},
            leases=[SessionLease.from_json(lease) for lease in leases],
        )


class StateStore:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / "state.json"
        self._lock_path = home / ".lock"

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialises every read-modify-write of the state, across processes (not re-entrant)."""
        self.home.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def load(self) -> StackState:
        if not self.path.exists():
            return StackState()
        return StackState.from_json(json.loads(self.path.read_text()))

    def save(self, state: StackState) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(state.to_json(), indent=2) + "\n")
        os.replace(temporary, self.path)
