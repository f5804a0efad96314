"""Prometheus metrics every service exposes, in a registry of its own (no global state)."""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass
class ServiceMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.events_consumed = Counter(
            "events_consumed_total",
            "Events taken from a topic, by consumer and outcome (applied, duplicate, dead_lettered).",
            ["consumer", "outcome"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "dead_letters_total",
            "Messages sent to a dead-letter topic, by origin topic and error class.",
            ["topic", "error_class"],
            registry=self.registry,
        )
        self.transient_retries = Counter(
            "transient_retries_total",
            "Blocking retries after a transient failure, by consumer.",
            ["consumer"],
            registry=self.registry,
        )
        self.handler_duration = Histogram(
            "handler_duration_seconds",
            "Time to apply one event, inbox and commit included.",
            ["consumer"],
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "consumer_lag_records",
            "Records on a partition after the last one the consumer finished, as of its last fetch.",
            ["consumer", "topic", "partition"],
            registry=self.registry,
        )
        self.outbox_published = Counter(
            "outbox_published_total",
            "Outbox rows published to Kafka and marked.",
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "outbox_backlog",
            "Outbox rows waiting to be published, as last seen by the relay.",
            registry=self.registry,
        )
