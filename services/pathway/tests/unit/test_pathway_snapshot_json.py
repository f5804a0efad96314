"""A snapshot stored as JSON and read back is the snapshot it was, whatever the pathway went through."""

import json
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway.adapters.pathway_snapshot_json import snapshot_as_json, snapshot_from_json
from pathway.domain.pathway import Pathway

BARRIER = uuid4()
BUILDERS = {
    "referral_sent": lambda events, day: events.referral_sent(day),
    "referral_accepted": lambda events, day: events.referral_accepted(day),
    "referral_scheduled": lambda events, day: events.referral_scheduled(day),
    "referral_started": lambda events, day: events.referral_started(day),
    "present": lambda events, day: events.attendance(day, "present"),
    "absent": lambda events, day: events.attendance(day, "absent"),
    "member_added": lambda events, day: events.member_added(day),
    "member_removed": lambda events, day: events.member_removed(day),
    "barrier_identified": lambda events, day: events.barrier_identified(day, BARRIER),
    "barrier_action_started": lambda events, day: events.barrier_action_started(day, BARRIER),
    "barrier_lifted": lambda events, day: events.barrier_lifted(day, BARRIER),
    "training_entered": lambda events, day: events.training_entered(day),
    "employment_started": lambda events, day: events.employment_started(day),
}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(history=st.lists(st.sampled_from(sorted(BUILDERS)), max_size=12))
def test_a_snapshot_reads_back_as_it_was_stored(events, history) -> None:
    pathway = Pathway(person_id=str(events.person_id))
    for day, name in enumerate(history):
        pathway.record(BUILDERS[name](events, day))

    stored = json.loads(json.dumps(snapshot_as_json(pathway.snapshot)))

    assert snapshot_from_json(stored) == pathway.snapshot


def test_every_part_of_the_state_is_stored(events) -> None:
    """So that the property above is not met by states that happen to be empty."""
    pathway = Pathway(person_id=str(events.person_id))
    for day, name in enumerate(["referral_sent", "referral_scheduled", "present", "barrier_identified"]):
        pathway.record(BUILDERS[name](events, day))

    state = snapshot_from_json(json.loads(json.dumps(snapshot_as_json(pathway.snapshot)))).state

    assert state.stage is not None
    assert state.barriers
    assert state.care_team
    assert state.attendance
    assert state.next_session is not None
    assert state.awaiting_answer
    assert state.last_activity_at is not None
