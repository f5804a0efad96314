"""How far a rebuild has come: the offset each partition has reached against the end offsets taken when
it started, and how fast it goes."""

from collections.abc import Mapping
from dataclasses import dataclass, field

Partition = tuple[str, int]
"""(topic, partition)"""


@dataclass(frozen=True)
class ProgressReport:
    done: int
    total: int
    events_per_second: float
    caught_up: bool

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.done / self.total

    def line(self, generation: int) -> str:
        return (
            f"generation {generation}: {self.done:,} / {self.total:,} offsets ({self.percent:.1f} %), "
            f"{self.events_per_second:,.0f} events/s"
        )


@dataclass
class RebuildProgress:
    beginning: Mapping[Partition, int]
    """The first offset still on each partition when the rebuild started."""
    end: Mapping[Partition, int]
    """Each partition's end offset when the rebuild started: caught up once every one is reached."""
    reached: dict[Partition, int] = field(default_factory=dict)
    """The next offset to read on each partition, once a record of it has been finished."""
    events: int = 0
    """Records finished, tailing included."""
    _events_at_last_report: int = 0
    _last_report_at: float | None = None

    def finished(self, partition: Partition, offset: int) -> None:
        self.reached[partition] = max(self.reached.get(partition, 0), offset + 1)
        self.events += 1

    def done(self) -> int:
        return sum(
            max(0, min(self.reached.get(partition, start), self.end[partition]) - start)
            for partition, start in self.beginning.items()
        )

    def total(self) -> int:
        return sum(self.end[partition] - start for partition, start in self.beginning.items())

    def caught_up(self) -> bool:
        return all(
            self.reached.get(partition, start) >= self.end[partition]
            for partition, start in self.beginning.items()
        )

    def report(self, now: float) -> ProgressReport:
        """Progress since the start, with the rate since the previous report (or `now`'s first call)."""
        rate = 0.0
        if self._last_report_at is not None and now > self._last_report_at:
            rate = (self.events - self._events_at_last_report) / (now - self._last_report_at)
        self._events_at_last_report, self._last_report_at = self.events, now
        return ProgressReport(
            done=self.done(), total=self.total(), events_per_second=rate, caught_up=self.caught_up()
        )
