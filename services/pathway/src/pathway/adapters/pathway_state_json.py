"""A pathway's state as the JSON stored beside it, for readers that must not refold the timeline."""

from typing import Any

from pathway.domain.pathway_state import PathwayState


def state_as_json(state: PathwayState) -> dict[str, Any]:
    return {
        "stage": None if state.stage is None else str(state.stage),
        "barriers": {
            barrier_id: {
                "category": barrier.category,
                "severity": barrier.severity,
                "status": str(barrier.status),
                "responsible_organisation_id": barrier.responsible_organisation_id,
            }
            for barrier_id, barrier in state.barriers.items()
        },
        "care_team": [
            {"organisation_id": organisation_id, "kind": kind}
            for organisation_id, kind in sorted(state.care_team.items())
        ],
        "last_activity_at": None if state.last_activity_at is None else state.last_activity_at.isoformat(),
        "next_session_on": None if state.next_session_on is None else state.next_session_on.isoformat(),
    }
