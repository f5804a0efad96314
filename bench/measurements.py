"""What every benchmark returns (count, seconds, rate, percentiles where they mean something) and how big
each one is in a full or a quick run."""

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Measurement:
    """One figure of one run.

    ``rate`` is ``count / seconds`` in ``unit``. ``p50_ms``/``p99_ms`` are percentiles of ``latency_of``
    (what each latency sample is, e.g. "transaction" or "commit → readable"), in milliseconds.
    """

    name: str
    count: int
    seconds: float
    rate: float
    unit: str = "events/s"
    p50_ms: float | None = None
    p99_ms: float | None = None
    latency_of: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def throughput(
    name: str,
    count: int,
    seconds: float,
    *,
    unit: str = "events/s",
    latencies_seconds: Sequence[float] = (),
    latency_of: str | None = None,
    details: dict[str, Any] | None = None,
) -> Measurement:
    p50, p99 = percentiles_ms(latencies_seconds)
    return Measurement(
        name=name,
        count=count,
        seconds=round(seconds, 4),
        rate=round(count / seconds, 1) if seconds > 0 else float("inf"),
        unit=unit,
        p50_ms=p50,
        p99_ms=p99,
        latency_of=latency_of if latencies_seconds else None,
        details=details or {},
    )


@dataclass
class QuietPolicy:
    """What to do when other processes use the CPUs during a measure (a shared machine): with
    ``retries`` > 0, a measure during which they used more than ``threshold`` cores is taken again, after
    waiting up to ``wait_seconds`` for the machine to quieten."""

    threshold: float = 0.25
    retries: int = 0
    wait_seconds: float = 600.0


QUIET = QuietPolicy()


async def wait_until_quiet(timeout_seconds: float, window_seconds: float = 3.0) -> float | None:
    """Cores other processes keep busy over a few seconds; waits up to the timeout for fewer than the
    policy's threshold, and returns the last figure (None without /proc)."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        clock = MachineClock()
        await asyncio.sleep(window_seconds)
        foreign = clock.usage()["foreign_cpu_cores"]
        if foreign is None or foreign < QUIET.threshold or time.monotonic() >= deadline:
            return foreign
        print(f"    other processes keep {foreign:.2f} cores busy; waiting for a quiet machine …", flush=True)


async def measure_quietly(measure: Callable[[], Awaitable[Measurement]]) -> Measurement:
    """Runs ``measure``, and runs it again (see `QUIET`) while other processes disturbed it."""
    result = await measure()
    for attempt in range(1, QUIET.retries + 1):
        foreign = result.details.get("foreign_cpu_cores")
        if foreign is None or foreign <= QUIET.threshold:
            break
        print(f"    {result.name}: disturbed ({foreign:.2f} other cores); taking it again", flush=True)
        await wait_until_quiet(QUIET.wait_seconds)
        result = await measure()
        result = replace(result, details={**result.details, "retaken_after_disturbance": attempt})
    return result


async def median_of(repeats: int, measure: Callable[[], Awaitable[Measurement]]) -> Measurement:
    """Runs ``measure`` ``repeats`` times and keeps the run with the median rate; every rate is in details."""
    runs = [await measure_quietly(measure) for _ in range(repeats)]
    if repeats == 1:
        return runs[0]
    median = sorted(runs, key=lambda run: run.rate)[len(runs) // 2]
    return replace(median, details={**median.details, "rates_of_repeats": [run.rate for run in runs]})


def percentiles_ms(samples_seconds: Sequence[float]) -> tuple[float | None, float | None]:
    """p50 and p99 in milliseconds (inclusive method: p99 of 100 samples is close to the largest)."""
    if not samples_seconds:
        return None, None
    if len(samples_seconds) == 1:
        only = round(samples_seconds[0] * 1000, 3)
        return only, only
    cuts = statistics.quantiles(samples_seconds, n=100, method="inclusive")
    return round(cuts[49] * 1000, 3), round(cuts[98] * 1000, 3)


def format_measurements(measured: Sequence[Measurement]) -> list[str]:
    """One line per measure; "other" is the cores used meanwhile by processes foreign to the benchmark."""
    lines = [
        f"{'measure':<46} {'count':>7} {'seconds':>8} {'rate':>10} {'unit':<9} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'other':>5}  latency of"
    ]
    for m in measured:
        p50 = "" if m.p50_ms is None else f"{m.p50_ms:.2f}"
        p99 = "" if m.p99_ms is None else f"{m.p99_ms:.2f}"
        foreign = m.details.get("foreign_cpu_cores")
        other = "" if foreign is None else f"{foreign:.2f}"
        lines.append(
            f"{m.name:<46} {m.count:>7} {m.seconds:>8.2f} {m.rate:>10.1f} {m.unit:<9} {p50:>8} {p99:>8}"
            f" {other:>5}  {m.latency_of or ''}"
        )
    return lines


class CpuClock:
    """How busy this Python process was: CPU seconds over wall seconds since creation (1.0 = one core
    fully used; the event loop is one thread, so near 1.0 means Python itself is the bottleneck)."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        self._machine = MachineClock()

    def share(self) -> float:
        wall = time.perf_counter() - self._wall
        return round((time.process_time() - self._cpu) / wall, 2) if wall > 0 else 0.0

    def usage(self) -> dict[str, float | None]:
        """This process's share of one core, and how busy the machine was, over the same span."""
        return {"python_cpu_share": self.share(), **self._machine.usage(), "rss_mib": resident_mib()}


def resident_mib() -> float | None:
    """This process's resident memory now (it holds the pre-built events of the measure, too)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


WATCHED_PIDS: set[int] = set()
"""The bench stack's servers (Kafka's JVM, the postmaster), whose CPU counts as the benchmark's own."""

SERVER_PIDS: set[int] = set()
"""The bench stack's servers alone, for the CPU the broker and the database spend on a measure."""


def watch_servers(pids: set[int]) -> None:
    WATCHED_PIDS.update(pids)
    SERVER_PIDS.update(pids)


def servers_cpu_seconds() -> float:
    """CPU time of the stack's servers so far: the postmaster with its backends, and Kafka's JVM."""
    return _ticks_of(SERVER_PIDS) / os.sysconf("SC_CLK_TCK")


class MachineClock:
    """How busy the machine was since creation, from /proc (None where there is no /proc):

    - ``machine_cpu_busy``: share of all cores' time spent by processes (1.0: no core was ever free);
    - ``foreign_cpu_cores``: cores used by processes that are neither this one nor the bench stack's
      servers (and their backends). Well above 0 means someone else's load disturbed the measure
      (kernel threads flushing the disk for the benchmark's own commits count here too, a little).
    """

    def __init__(self) -> None:
        self._start = _machine_ticks(), _own_ticks()

    def usage(self) -> dict[str, float | None]:
        (start_total, start_idle), start_own = self._start
        end_total, end_idle = _machine_ticks()
        end_own = _own_ticks()
        total = end_total - start_total
        if total <= 0:
            return {"machine_cpu_busy": None, "foreign_cpu_cores": None}
        busy = total - (end_idle - start_idle)
        cores = os.cpu_count() or 1
        foreign = max(0.0, (busy - (end_own - start_own)) / (total / cores))
        return {"machine_cpu_busy": round(busy / total, 2), "foreign_cpu_cores": round(foreign, 2)}


def _machine_ticks() -> tuple[int, int]:
    """(all ticks, ticks not spent by processes) from the aggregate `cpu` line of /proc/stat.

    Process time is user + nice + system; idle, iowait, interrupts and soft interrupts (which the
    benchmark's own loopback traffic causes) and steal count as "not spent by processes".
    """
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    user, nice, system = fields[0], fields[1], fields[2]
    total = sum(fields)
    return total, total - (user + nice + system)


def _process_ticks(pid: int, *, with_reaped_children: bool) -> tuple[int, int]:
    """(CPU ticks, parent pid) of a process; reaped children's ticks are added when asked."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0, -1
    # after the command's closing parenthesis: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks, int(fields[1])


def _own_ticks() -> int:
    """This process, the watched servers (with their reaped children) and their live children."""
    return _process_ticks(os.getpid(), with_reaped_children=False)[0] + _ticks_of(
        WATCHED_PIDS - {os.getpid()}
    )


def _ticks_of(roots: set[int]) -> int:
    """Processes with their reaped children, and their live children."""
    total = sum(_process_ticks(pid, with_reaped_children=True)[0] for pid in roots)
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return total
    for pid in pids:
        if pid in roots:
            continue
        ticks, parent = _process_ticks(pid, with_reaped_children=False)
        if parent in roots:
            total += ticks
    return total


def now() -> float:
    """The one clock of every benchmark: monotonic, shared by the tasks of the process."""
    return time.perf_counter()


@dataclass(frozen=True)
class Sizes:
    """How many events (or rows) each benchmark handles. ``inserts`` pairs a transaction size k with a
    count, used both by the raw insert and by the kit outbox at the same k."""

    producer: int
    consumer_batch: int
    consumer_per_record: int
    inserts: tuple[tuple[int, int], ...]
    relay_drain: int
    kit_consumer: int
    latency: int
    latency_rate: float
    warm_up: int
    repeats: int
    breakdown: int
    breakdown_transaction_sizes: tuple[int, ...] = (1, 100)
    referral_warm_up: int = 200
    referral_latency: int = 1_000
    referral_latency_rate: float = 50.0
    referral_creations: int = 3_000
    referral_concurrency: int = 32
    pathway_persons: int = 1_000
    pathway_drain_persons: int = 3_000
    """Persons of each assembler drain (4 timed events each): a drain of a few seconds, not one."""
    pathway_long_timeline_persons: int = 1_000
    pathway_prior_entries: int = 150
    """The drain of persons with long timelines: their prior entries go through the running service first."""
    pathway_latency: int = 1_000
    timeline_rows: int = 1_000_000
    timeline_reads: int = 1_000

    @classmethod
    def full(cls) -> "Sizes":
        return cls(
            producer=50_000,
            consumer_batch=50_000,
            consumer_per_record=2_000,
            inserts=((1, 5_000), (10, 20_000), (100, 50_000)),
            relay_drain=50_000,
            kit_consumer=3_000,
            latency=1_000,
            latency_rate=50.0,
            warm_up=5_000,
            repeats=3,
            breakdown=5_000,
        )

    @classmethod
    def quick(cls) -> "Sizes":
        return cls(
            producer=3_000,
            consumer_batch=3_000,
            consumer_per_record=200,
            inserts=((1, 200), (10, 1_000), (100, 3_000)),
            relay_drain=3_000,
            kit_consumer=200,
            latency=100,
            latency_rate=50.0,
            warm_up=500,
            repeats=1,
            breakdown=500,
            referral_warm_up=50,
            referral_latency=100,
            referral_creations=500,
            pathway_persons=100,
            pathway_drain_persons=100,
            pathway_long_timeline_persons=100,
            pathway_prior_entries=30,
            pathway_latency=100,
            timeline_rows=100_000,
            timeline_reads=100,
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
