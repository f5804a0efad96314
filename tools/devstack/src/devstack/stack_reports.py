"""What `up` did and what `status` sees, per component."""

from dataclasses import dataclass, field

from devstack.kafka_layout import LOOPBACK
from devstack.process_identity import is_running
from devstack.readiness import port_accepts
from devstack.state_store import ComponentKind, ComponentRecord


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    kind: ComponentKind
    pid: int
    port: int
    process_alive: bool
    port_answering: bool
    log_file: str

    @property
    def up(self) -> bool:
        return self.process_alive and self.port_answering


@dataclass
class StartReport:
    started: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    start_seconds: float = 0.0
    fetch_seconds: float | None = None
    class_archive_seconds: float | None = None

    @property
    def preparation_seconds(self) -> float | None:
        """One-time work excluded from the cold start: fetching the jars, building the class archive."""
        if self.fetch_seconds is None and self.class_archive_seconds is None:
            return None
        return (self.fetch_seconds or 0.0) + (self.class_archive_seconds or 0.0)


def component_status(record: ComponentRecord) -> ComponentStatus:
    alive = is_running(record.process)
    return ComponentStatus(
        name=record.name,
        kind=record.kind,
        pid=record.process.pid,
        port=record.port,
        process_alive=alive,
        port_answering=alive and port_accepts(LOOPBACK, record.port),
        log_file=record.log_file,
    )
