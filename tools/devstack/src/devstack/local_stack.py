"""Starting, inspecting and stopping the processes of the local stack, recorded in its state file."""

import signal
import time
from collections.abc import Iterable
from pathlib import Path

from devstack.errors import DevstackError
from devstack.kafka_class_archive import ensure_class_archive
from devstack.kafka_distribution import ensure_kafka_distribution
from devstack.kafka_layout import LOOPBACK, KafkaClusterLayout
from devstack.kafka_startup import (
    LaunchedKafkaNode,
    ensure_ports_free,
    launch_kafka_nodes,
    wait_until_kafka_ready,
)
from devstack.locations import cache_root as default_cache_root
from devstack.postgres_server import (
    PostgresCluster,
    PostgresSettings,
    PostgresSetupError,
    find_postgres_binaries,
)
from devstack.process_identity import terminate, wait_until_vanished
from devstack.readiness import kafka_metadata_answers, port_accepts
from devstack.stack_reports import ComponentStatus, StartReport, component_status
from devstack.state_store import ComponentKind, ComponentRecord, Session, SessionLease, StackState, StateStore

POSTGRES_COMPONENT = "postgres"
_GRACEFUL_SIGNAL = {
    ComponentKind.KAFKA: signal.SIGTERM,  # controlled shutdown
    ComponentKind.POSTGRES: signal.SIGINT,  # "fast" shutdown; SIGTERM would wait for every client to leave
}


class StackError(DevstackError):
    pass


def _stop_records(records: list[ComponentRecord], timeout_seconds: float = 30.0) -> None:
    for kind, graceful_signal in _GRACEFUL_SIGNAL.items():
        terminate(
            [record.process for record in records if record.kind is kind], graceful_signal, timeout_seconds
        )


def _healthy(record: ComponentRecord) -> bool:
    """A frozen JVM still completes TCP handshakes, so a broker must also answer a metadata request."""
    if not component_status(record).up:
        return False
    return record.kind is not ComponentKind.KAFKA or kafka_metadata_answers(
        f"{LOOPBACK}:{record.port}", expected_brokers=1
    )


def _forget(state: StackState, records: list[ComponentRecord]) -> None:
    for record in records:
        state.components.pop(record.name, None)


def _expected_ports(kafka: KafkaClusterLayout | None, postgres: PostgresSettings | None) -> dict[str, int]:
    ports = {}
    if kafka is not None:
        ports = {kafka.component_name(node): node.broker_port for node in kafka.nodes}
    if postgres is not None:
        ports[POSTGRES_COMPONENT] = postgres.port
    return ports


def _add_lease(state: StackState, session: Session, names: Iterable[str]) -> None:
    for lease in state.leases:
        if lease.session == session:
            lease.components = sorted(set(lease.components) | set(names))
            return
    state.leases.append(SessionLease(session=session, components=sorted(names)))


class LocalStack:
    def __init__(self, home: Path, cache_root: Path | None = None) -> None:
        self.home = home
        self.cache_root = cache_root or default_cache_root()
        self.store = StateStore(home)

    def up(
        self,
        kafka: KafkaClusterLayout | None = None,
        postgres: PostgresSettings | None = None,
        *,
        session: Session | None = None,
    ) -> StartReport:
        """Starts what is missing or broken and reuses what answers.

        With a session, what this call starts stops again when the last session using it is released;
        without one (the CLI), everything in scope is kept running until `devstack stop`.
        """
        report = StartReport()
        began = time.monotonic()
        with self.store.locked():
            state = self.store.load()
            try:
                self._start_missing(state, kafka, postgres, report)
            except BaseException:
                if session is not None:
                    self._stop_started_for_failed_session(state, report)
                raise
            finally:
                self.store.save(state)
            names = list(_expected_ports(kafka, postgres))
            for name in names:
                record = state.components[name]
                record.stop_with_last_session = session is not None and (
                    name in report.started or record.stop_with_last_session
                )
            if session is not None:
                _add_lease(state, session, names)
            self.store.save(state)
        if report.started:
            report.start_seconds = time.monotonic() - began - (report.preparation_seconds or 0.0)
        return report

    def lease_if_healthy(
        self,
        session: Session,
        kafka: KafkaClusterLayout | None = None,
        postgres: PostgresSettings | None = None,
    ) -> bool:
        with self.store.locked():
            state = self.store.load()
            expected = _expected_ports(kafka, postgres)
            for name, port in expected.items():
                record = state.components.get(name)
                if record is None or record.port != port or not _healthy(record):
                    return False
            _add_lease(state, session, expected)
            self.store.save(state)
            return True

    def release(self, session: Session) -> list[str]:
        """Drops the session's lease and stops what sessions started once no live session uses it."""
        with self.store.locked():
            state = self.store.load()
            used = {name for lease in state.leases if lease.session == session for name in lease.components}
            state.leases = [lease for lease in state.live_leases() if lease.session != session]
            still_used = {name for lease in state.leases for name in lease.components}
            to_stop = [
                record
                for name, record in state.components.items()
                if name in used and name not in still_used and record.stop_with_last_session
            ]
            _stop_records(to_stop)
            _forget(state, to_stop)
            self.store.save(state)
        return sorted(record.name for record in to_stop)

    def status(self) -> list[ComponentStatus]:
        """Reads without the lock (the file is replaced atomically), so it answers while `up` waits."""
        state = self.store.load()
        return [component_status(record) for _, record in sorted(state.components.items())]

    def stop(self, names: Iterable[str] | None = None) -> list[str]:
        with self.store.locked():
            state = self.store.load()
            wanted = set(state.components) if names is None else set(names)
            records = [record for name, record in state.components.items() if name in wanted]
            _stop_records(records)
            _forget(state, records)
            for lease in state.leases:
                lease.components = [name for name in lease.components if name not in wanted]
            state.leases = [lease for lease in state.live_leases() if lease.components]
            self.store.save(state)
        return sorted(record.name for record in records)

    def _start_missing(
        self,
        state: StackState,
        kafka: KafkaClusterLayout | None,
        postgres: PostgresSettings | None,
        report: StartReport,
    ) -> None:
        """Kafka's JVM boots while PostgreSQL starts: the two waits overlap."""
        launched: list[LaunchedKafkaNode] = []
        if kafka is not None:
            launched = self._launch_kafka(state, kafka, report)
        if postgres is not None:
            self._up_postgres(state, postgres, report)
        if kafka is not None and launched:
            try:
                wait_until_kafka_ready(kafka, launched)
            except BaseException:
                records = [state.components[node.name] for node in launched]
                _stop_records(records, timeout_seconds=10.0)
                _forget(state, records)
                raise
            report.started += [node.name for node in launched]

    @staticmethod
    def _stop_started_for_failed_session(state: StackState, report: StartReport) -> None:
        """No lease will ever release what a failed session start left running, so stop it now."""
        records = [state.components[name] for name in report.started if name in state.components]
        _stop_records(records, timeout_seconds=10.0)
        _forget(state, records)

    def _reusable(self, state: StackState, name: str, port: int) -> bool:
        """True when the recorded process answers; a crashed or hung one is stopped and forgotten."""
        record = state.components.get(name)
        if record is None:
            return False
        if record.port != port:
            raise StackError(f"{name} runs on port {record.port}, not {port}; run `devstack stop` first")
        if _healthy(record):
            return True
        _stop_records([record], timeout_seconds=10.0)
        # PostgreSQL refuses to start while the old postmaster's pid, even as a zombie, is in its lock file.
        wait_until_vanished(record.process, timeout_seconds=10.0)
        _forget(state, [record])
        return False

    def _launch_kafka(
        self, state: StackState, layout: KafkaClusterLayout, report: StartReport
    ) -> list[LaunchedKafkaNode]:
        missing = [
            node
            for node in layout.nodes
            if not self._reusable(state, layout.component_name(node), node.broker_port)
        ]
        report.reused += [layout.component_name(node) for node in layout.nodes if node not in missing]
        if not missing:
            return []
        ensure_ports_free(layout, missing)
        distribution = ensure_kafka_distribution(self.cache_root)
        report.fetch_seconds = distribution.fetch_seconds
        report.class_archive_seconds = ensure_class_archive(distribution)
        launched = launch_kafka_nodes(distribution, layout, self.home / layout.name, missing)
        for node in launched:
            state.components[node.name] = ComponentRecord(
                node.name, ComponentKind.KAFKA, node.process, node.node.broker_port, str(node.files.log)
            )
        return launched

    def _up_postgres(self, state: StackState, settings: PostgresSettings, report: StartReport) -> None:
        cluster = PostgresCluster(self.home / POSTGRES_COMPONENT, find_postgres_binaries())
        if self._reusable(state, POSTGRES_COMPONENT, settings.port):
            cluster.apply_settings(settings, state.components[POSTGRES_COMPONENT].process)
            report.reused.append(POSTGRES_COMPONENT)
            return
        if port_accepts(settings.host, settings.port):
            raise PostgresSetupError(f"port {settings.port} is taken by another process")
        identity = cluster.start(settings)
        state.components[POSTGRES_COMPONENT] = ComponentRecord(
            POSTGRES_COMPONENT, ComponentKind.POSTGRES, identity, settings.port, str(cluster.log)
        )
        report.started.append(POSTGRES_COMPONENT)
