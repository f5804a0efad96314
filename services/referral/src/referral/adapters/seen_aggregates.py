"""The aggregates a unit of work loaded or added, in order, so that committing publishes their events."""

from collections.abc import Sequence
from typing import Protocol

from referral.domain.events import DomainEvent


class EventSource(Protocol):
    def pull_events(self) -> Sequence[DomainEvent]: ...


class SeenAggregates:
    def __init__(self) -> None:
        self._aggregates: list[EventSource] = []

    def add(self, aggregate: EventSource) -> None:
        if not any(seen is aggregate for seen in self._aggregates):
            self._aggregates.append(aggregate)

    def pull_events(self) -> list[DomainEvent]:
        return [event for aggregate in self._aggregates for event in aggregate.pull_events()]
