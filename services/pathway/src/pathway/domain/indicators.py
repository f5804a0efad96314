"""What regional coordinators see of the region: counts of persons, never a person (DOMAIN.md: "coordinators
see aggregates with small cells suppressed").

A count of at least one person but fewer than the minimum cell size is withheld, because so few persons of a
workshop's territory can be recognised. Withholding one count of a line whose total is published is not
enough: the total minus the other counts gives it back. So in such a line a second count is withheld too,
the smallest one not yet withheld (or, when there is none, the total), until no line has exactly one.
A zero is shown: it names nobody."""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from pathway.domain.caseworkers import Caseworker
from pathway.domain.organisation_kinds import COORDINATOR
from pathway.domain.pathway_state import BarrierStatus
from pathway.domain.stages import Stage

Key = TypeVar("Key", bound=Hashable)

INDICATOR_ROLE = "regional_coordinator"


@dataclass(frozen=True)
class Line(Generic[Key]):
    """Counts published with their total, which they make up entirely or nearly (a person may be counted
    in no part, or in two): one withheld part could be found again from the total and the others."""

    total: Key
    parts: Sequence[Key]


def withhold_small_counts(
    counts: Mapping[Key, int], lines: Sequence[Line[Key]], minimum_cell_size: int
) -> dict[Key, int | None]:
    """Each count, or None where it is withheld."""
    order = {key: index for index, key in enumerate(counts)}
    withheld = {key for key, count in counts.items() if 0 < count < minimum_cell_size}
    while exposed := _line_with_one_withheld_part(lines, withheld):
        shown = [part for part in exposed.parts if part not in withheld and counts[part] > 0]
        if shown:
            withheld.add(min(shown, key=lambda part: (counts[part], order[part])))
        else:
            withheld.add(exposed.total)
    return {key: None if key in withheld else count for key, count in counts.items()}


def _line_with_one_withheld_part(lines: Sequence[Line[Key]], withheld: set[Key]) -> Line[Key] | None:
    for line in lines:
        if line.total not in withheld and sum(part in withheld for part in line.parts) == 1:
            return line
    return None


class IndicatorAccess(StrEnum):
    GRANTED = "granted"
    NOT_A_COORDINATOR = "not_a_coordinator"
    """The token lacks the regional coordinator's role."""
    NOT_THIS_REGION = "not_this_region"
    """The organisation is not registered in this region as its coordinator."""


def indicator_access(caseworker: Caseworker, organisation_kind: str | None) -> IndicatorAccess:
    """A coordinator's role alone is not enough: one identity provider may serve several regions, and each
    region's deployment shows its indicators only to the coordinators it registered."""
    if INDICATOR_ROLE not in caseworker.roles:
        return IndicatorAccess.NOT_A_COORDINATOR
    if organisation_kind != COORDINATOR:
        return IndicatorAccess.NOT_THIS_REGION
    return IndicatorAccess.GRANTED


@dataclass(frozen=True)
class RegionCounts:
    """Exact counts, before anything is withheld: persons with a pathway (a stage) in each stage, in each
    stage per workshop operator of their care team, with a barrier of each category in each status, and
    with an alert of each kind raised."""

    by_stage: Mapping[Stage, int]
    by_operator_and_stage: Mapping[tuple[str, Stage], int]
    by_barrier: Mapping[tuple[str, BarrierStatus], int]
    """(category, status) → persons."""
    by_alert: Mapping[str, int]
    """Alert kind → persons."""

    @property
    def operators(self) -> list[str]:
        return sorted({operator for operator, _ in self.by_operator_and_stage})


@dataclass(frozen=True)
class OperatorIndicators:
    operator_id: str
    persons: int | None
    by_stage: Mapping[Stage, int | None]


@dataclass(frozen=True)
class RegionIndicators:
    minimum_cell_size: int
    persons: int | None
    by_stage: Mapping[Stage, int | None]
    by_operator: Sequence[OperatorIndicators]
    by_barrier: Mapping[tuple[str, BarrierStatus], int | None]
    by_alert: Mapping[str, int | None]


def region_indicators(
    counts: RegionCounts,
    minimum_cell_size: int,
    *,
    barrier_categories: Sequence[str],
    alert_kinds: Sequence[str],
) -> RegionIndicators:
    """Every stage, barrier category and status, and alert kind is listed, with 0 where nobody is, so that a
    missing line never reads as a withheld one."""
    stages = list(Stage)
    operators = counts.operators
    persons: tuple[str, ...] = ("persons",)
    cells: dict[tuple[str, ...], int] = {persons: sum(counts.by_stage.values())}
    for stage in stages:
        cells[("stage", stage)] = counts.by_stage.get(stage, 0)
    for operator in operators:
        in_stages = {stage: counts.by_operator_and_stage.get((operator, stage), 0) for stage in stages}
        cells[("operator", operator)] = sum(in_stages.values())
        for stage, count in in_stages.items():
            cells[("operator", operator, stage)] = count
    lines = [
        Line(persons, [("stage", stage) for stage in stages]),
        Line(persons, [("operator", operator) for operator in operators]),
        *(Line(("operator", op), [("operator", op, stage) for stage in stages]) for op in operators),
        *(Line(("stage", stage), [("operator", op, stage) for op in operators]) for stage in stages),
    ]
    shown = withhold_small_counts(cells, lines, minimum_cell_size)
    barriers = {(category, status): 0 for category in barrier_categories for status in BarrierStatus}
    alerts = dict.fromkeys(alert_kinds, 0)
    return RegionIndicators(
        minimum_cell_size=minimum_cell_size,
        persons=shown[persons],
        by_stage={stage: shown[("stage", stage)] for stage in stages},
        by_operator=[
            OperatorIndicators(
                operator_id=operator,
                persons=shown[("operator", operator)],
                by_stage={stage: shown[("operator", operator, stage)] for stage in stages},
            )
            for operator in operators
        ],
        # A person may have several barriers of a category, or several alerts: these counts add up to no
        # published total, so only the small ones are withheld.
        by_barrier=withhold_small_counts(barriers | dict(counts.by_barrier), [], minimum_cell_size),
        by_alert=withhold_small_counts(alerts | dict(counts.by_alert), [], minimum_cell_size),
    )
