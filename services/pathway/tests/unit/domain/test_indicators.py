from hypothesis import given
from hypothesis import strategies as st

from pathway.domain.caseworkers import Caseworker
from pathway.domain.indicators import (
    IndicatorAccess,
    Line,
    RegionCounts,
    indicator_access,
    region_indicators,
    withhold_small_counts,
)
from pathway.domain.pathway_state import BarrierStatus
from pathway.domain.stages import Stage

AT_LEAST = 5


def caseworker(*roles: str) -> Caseworker:
    return Caseworker(subject="someone", organisation_id="org-c", roles=frozenset(roles))


def test_counts_of_one_to_the_minimum_less_one_are_withheld_and_zero_and_the_rest_shown() -> None:
    counts = {"none": 0, "one": 1, "four": 4, "five": 5, "many": 120}

    assert withhold_small_counts(counts, [], AT_LEAST) == {
        "none": 0,
        "one": None,
        "four": None,
        "five": 5,
        "many": 120,
    }


def test_a_line_with_one_withheld_part_and_its_total_shown_loses_its_smallest_other_part_too() -> None:
    counts = {"total": 40, "a": 2, "b": 0, "c": 6, "d": 32}

    shown = withhold_small_counts(counts, [Line("total", ["a", "b", "c", "d"])], AT_LEAST)

    assert shown == {"total": 40, "a": None, "b": 0, "c": None, "d": 32}, "40 - 0 - 6 - 32 would give a back"


def test_when_no_other_part_can_hide_it_the_total_is_withheld() -> None:
    # A total a little above its parts (someone counted in none of them) still gives a lone part away.
    counts = {"total": 9, "a": 3, "b": 0}

    assert withhold_small_counts(counts, [Line("total", ["a", "b"])], AT_LEAST) == {
        "total": None,
        "a": None,
        "b": 0,
    }


def test_withholding_goes_on_across_lines_until_none_has_a_lone_withheld_part() -> None:
    # Rows x and y with their totals, and columns p and q with theirs.
    counts = {"x": 12, "y": 14, "p": 13, "q": 13, "xp": 2, "xq": 10, "yp": 11, "yq": 3}
    lines = [
        Line("x", ["xp", "xq"]),
        Line("y", ["yp", "yq"]),
        Line("p", ["xp", "yp"]),
        Line("q", ["xq", "yq"]),
    ]

    shown = withhold_small_counts(counts, lines, AT_LEAST)

    assert shown == {"x": 12, "y": 14, "p": 13, "q": 13, "xp": None, "xq": None, "yp": None, "yq": None}


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, int], list[Line[str]]]:
    """A table of persons by row and column, with every row's, column's and the grand total."""
    rows = draw(st.integers(1, 4))
    columns = draw(st.integers(1, 4))
    cells = {f"{r}.{c}": draw(st.integers(0, 30)) for r in range(rows) for c in range(columns)}
    counts = dict(cells)
    lines: list[Line[str]] = []
    for r in range(rows):
        parts = [f"{r}.{c}" for c in range(columns)]
        counts[f"row {r}"] = sum(cells[part] for part in parts)
        lines.append(Line(f"row {r}", parts))
    for c in range(columns):
        parts = [f"{r}.{c}" for r in range(rows)]
        counts[f"column {c}"] = sum(cells[part] for part in parts)
        lines.append(Line(f"column {c}", parts))
    counts["all"] = sum(cells.values())
    lines.append(Line("all", [f"row {r}" for r in range(rows)]))
    lines.append(Line("all", [f"column {c}" for c in range(columns)]))
    return counts, lines


@given(tables())
def test_no_withheld_count_can_be_found_again_by_one_subtraction(
    table: tuple[dict[str, int], list[Line[str]]],
) -> None:
    counts, lines = table

    shown = withhold_small_counts(counts, lines, AT_LEAST)

    assert all(shown[key] in (None, count) for key, count in counts.items()), "a shown count is exact"
    assert all(shown[key] is None for key, count in counts.items() if 0 < count < AT_LEAST)
    for line in lines:
        if shown[line.total] is not None:
            assert sum(shown[part] is None for part in line.parts) != 1, line


def test_only_a_coordinator_of_this_region_reads_the_indicators() -> None:
    assert indicator_access(caseworker("regional_coordinator"), "coordinator") is IndicatorAccess.GRANTED
    assert indicator_access(caseworker("referent"), "coordinator") is IndicatorAccess.NOT_A_COORDINATOR
    assert indicator_access(caseworker("regional_coordinator"), None) is IndicatorAccess.NOT_THIS_REGION
    assert indicator_access(caseworker("regional_coordinator"), "operator") is IndicatorAccess.NOT_THIS_REGION


def test_the_region_lists_every_stage_category_status_and_alert_kind_with_zero_where_nobody_is() -> None:
    counts = RegionCounts(
        by_stage={Stage.REFERRED: 20},
        by_operator_and_stage={("operator-1", Stage.REFERRED): 20},
        by_barrier={("mobility", BarrierStatus.IDENTIFIED): 7, ("housing", BarrierStatus.LIFTED): 1},
        by_alert={"blocking_barrier": 7},
    )

    indicators = region_indicators(
        counts,
        AT_LEAST,
        barrier_categories=["mobility", "housing"],
        alert_kinds=["blocking_barrier", "other"],
    )

    assert indicators.persons == 20
    assert indicators.by_stage == {stage: 20 if stage is Stage.REFERRED else 0 for stage in Stage}
    assert [(operator.operator_id, operator.persons) for operator in indicators.by_operator] == [
        ("operator-1", 20)
    ]
    assert len(indicators.by_barrier) == 2 * len(BarrierStatus)
    assert indicators.by_barrier[("mobility", BarrierStatus.IDENTIFIED)] == 7
    assert indicators.by_barrier[("housing", BarrierStatus.LIFTED)] is None
    assert indicators.by_barrier[("housing", BarrierStatus.IDENTIFIED)] == 0
    assert indicators.by_alert == {"blocking_barrier": 7, "other": 0}
