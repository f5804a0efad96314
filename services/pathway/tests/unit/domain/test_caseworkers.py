from datetime import UTC, datetime
from uuid import uuid4

from pathway.domain.caseworkers import (
    Caseworker,
    StandingAlert,
    entry_as_seen_by,
    reader_kind,
    state_as_seen_by,
    summary_as_seen_by,
)
from pathway.domain.pathway_state import Barrier, BarrierStatus, PathwayState
from pathway.domain.timeline import TimelineEntry
from pathway.domain.visibility import Visibility

CARE_TEAM = {"org-a": "prescriber", "org-e": "employer"}


def caseworker(organisation: str, *roles: str) -> Caseworker:
    return Caseworker(subject="someone", organisation_id=organisation, roles=frozenset(roles or {"referent"}))


def test_a_caseworker_reads_as_their_organisations_kind_in_the_care_team() -> None:
    assert reader_kind(caseworker("org-a"), CARE_TEAM) == "prescriber"
    assert reader_kind(caseworker("org-e", "professional"), CARE_TEAM) == "employer"


def test_outside_the_care_team_or_without_a_reading_role_nothing_is_read() -> None:
    assert reader_kind(caseworker("org-x"), CARE_TEAM) is None
    assert reader_kind(caseworker("org-a", "regional_coordinator", "regional_admin"), CARE_TEAM) is None


def test_a_sensitive_barrier_entry_keeps_only_its_category_and_the_status_its_type_tells(events) -> None:
    identified = events.barrier_identified(1, uuid4())
    health = type(identified)(**{**identified.__dict__, "data": {**identified.data, "category": "health"}})

    seen = entry_as_seen_by(TimelineEntry(health, seq=1), "support_partner")

    assert seen is not None
    assert seen.visibility is Visibility.CATEGORY_AND_STATUS_ONLY
    assert dict(seen.entry.event.data) == {"barrier_id": health.data["barrier_id"], "category": "health"}
    assert seen.entry.event.name == "barrier.identified"


def test_an_entry_outside_the_audience_is_not_seen(events) -> None:
    assert entry_as_seen_by(TimelineEntry(events.barrier_identified(1, uuid4()), seq=1), "employer") is None
    assert entry_as_seen_by(TimelineEntry(events.employment_started(1), seq=1), "employer") is not None


def test_the_state_hides_barriers_from_employers_and_details_of_sensitive_ones() -> None:
    state = PathwayState(
        barriers={
            "b1": Barrier("mobility", "blocking", BarrierStatus.IDENTIFIED, "org-p"),
            "b2": Barrier("health", "blocking", BarrierStatus.ACTION_IN_PROGRESS, "org-p"),
        }
    )

    assert state_as_seen_by(state, "employer").barriers == {}
    assert state_as_seen_by(state, "operator").barriers == {
        "b1": Barrier("mobility", "blocking", BarrierStatus.IDENTIFIED, "org-p"),
        "b2": Barrier("health", None, BarrierStatus.ACTION_IN_PROGRESS),
    }


def test_alerts_show_to_professionals_latest_first_but_none_about_a_barrier_whose_severity_is_hidden() -> (
    None
):
    state = PathwayState(
        barriers={
            "b-mobility": Barrier("mobility", "blocking", BarrierStatus.IDENTIFIED),
            "b-health": Barrier("health", "blocking", BarrierStatus.IDENTIFIED),
        }
    )
    absences = StandingAlert("a-1", "two_consecutive_absences", datetime(2026, 9, 2, tzinfo=UTC), None, "r-1")
    mobility = StandingAlert("a-2", "blocking_barrier", datetime(2026, 9, 3, tzinfo=UTC), "b-mobility")
    health = StandingAlert("a-3", "blocking_barrier", datetime(2026, 9, 4, tzinfo=UTC), "b-health")
    retracted = StandingAlert("a-4", "blocking_barrier", datetime(2026, 9, 5, tzinfo=UTC), "b-gone")

    as_operator = summary_as_seen_by(state, [absences, mobility, health, retracted], "operator")
    as_employer = summary_as_seen_by(state, [absences, mobility, health, retracted], "employer")

    assert [alert.alert_id for alert in as_operator.alerts] == ["a-2", "a-1"]
    assert as_operator.state.barriers["b-health"].severity is None
    assert as_employer.alerts == []
