"""Whatever order a pathway's events arrive in, it ends in the same state: late events take their place."""

import contextlib
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway.domain.errors import RefusedEventError
from pathway.domain.pathway import Pathway, WholeTimelineNeededError, needs_whole_timeline
from pathway.domain.pathway_state import fold

BARRIERS = (uuid4(), uuid4())
BUILDERS = {
    "referral_sent": lambda events, day: events.referral_sent(day),
    "referral_accepted": lambda events, day: events.referral_accepted(day),
    "referral_rejected": lambda events, day: events.referral_rejected(day),
    "referral_scheduled": lambda events, day: events.referral_scheduled(day),
    "referral_started": lambda events, day: events.referral_started(day),
    "referral_paused": lambda events, day: events.referral_paused(day),
    "referral_resumed": lambda events, day: events.referral_resumed(day),
    "referral_completed": lambda events, day: events.referral_completed(day),
    "member_added": lambda events, day: events.member_added(day),
    "member_removed": lambda events, day: events.member_removed(day),
    "first_barrier_identified": lambda events, day: events.barrier_identified(day, BARRIERS[0]),
    "second_barrier_identified": lambda events, day: events.barrier_identified(day, BARRIERS[1]),
    "first_barrier_action_started": lambda events, day: events.barrier_action_started(day, BARRIERS[0]),
    "first_barrier_lifted": lambda events, day: events.barrier_lifted(day, BARRIERS[0]),
    "second_barrier_persisting": lambda events, day: events.barrier_persisting(day, BARRIERS[1]),
    "training_entered": lambda events, day: events.training_entered(day),
    "training_abandoned": lambda events, day: events.training_abandoned(day),
    "employment_started": lambda events, day: events.employment_started(day),
    "employment_ended": lambda events, day: events.employment_ended(day),
}
histories = st.lists(st.sampled_from(sorted(BUILDERS)), min_size=1, max_size=14)
fixture_once = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def arrived(events_in_arrival_order, person_id) -> Pathway:
    pathway = Pathway(person_id=str(person_id))
    for event in events_in_arrival_order:
        pathway.record(event)
    return pathway


@fixture_once
@given(history=histories, data=st.data())
def test_any_arrival_order_leads_to_the_same_state(events, history, data) -> None:
    occurred = [BUILDERS[name](events, day) for day, name in enumerate(history)]
    arrival = data.draw(st.permutations(occurred))

    in_order = arrived(occurred, events.person_id)
    shuffled = arrived(arrival, events.person_id)

    assert shuffled.state == in_order.state
    assert [entry.seq for entry in shuffled.entries] == list(range(1, len(occurred) + 1))
    late = [entry.arrived_late for entry in shuffled.entries]
    assert late == [
        any(other.occurred_at > event.occurred_at for other in arrival[:position])
        for position, event in enumerate(arrival)
    ]


@fixture_once
@given(history=histories, data=st.data())
def test_retracting_events_leads_to_the_state_of_never_having_received_them(events, history, data) -> None:
    occurred = [BUILDERS[name](events, day) for day, name in enumerate(history)]
    retracted = data.draw(st.sets(st.sampled_from(range(len(occurred)))))
    kept = [event for position, event in enumerate(occurred) if position not in retracted]
    retractions = [
        events.retraction(len(occurred) + position, of=occurred[position]) for position in retracted
    ]

    pathway = arrived([*data.draw(st.permutations(occurred)), *retractions], events.person_id)
    never_retracted = arrived(kept, events.person_id).state

    assert (pathway.state.stage, pathway.state.barriers, pathway.state.care_team) == (
        never_retracted.stage,
        never_retracted.barriers,
        never_retracted.care_team,
    )
    assert pathway.state.next_session == never_retracted.next_session


@fixture_once
@given(history=histories, data=st.data())
def test_the_state_kept_while_appending_is_the_fold_of_the_whole_timeline(events, history, data) -> None:
    """Several events on one day, late ones and retractions, checked after every single event."""
    days = data.draw(st.lists(st.integers(0, 3), min_size=len(history), max_size=len(history)))
    occurred = [BUILDERS[name](events, day) for day, name in zip(days, history, strict=True)]
    retracted = data.draw(st.sets(st.sampled_from(range(len(occurred)))))
    retractions = [events.retraction(4 + position, of=occurred[position]) for position in retracted]
    arrival = data.draw(st.permutations([*occurred, *retractions]))
    pathway = Pathway(person_id=str(events.person_id))

    for event in arrival:
        with contextlib.suppress(RefusedEventError):  # a retraction before its event: nothing changes
            pathway.record(event)
        assert pathway.state == fold(pathway.entries)
        assert pathway.last_seq == len(pathway.entries)
        assert all(pathway.entry_for(entry.event.reference) == entry for entry in pathway.entries)


@fixture_once
@given(history=histories, data=st.data())
def test_a_pathway_resumed_from_its_snapshot_records_what_the_whole_timeline_records(
    events, history, data
) -> None:
    """Resumed at any point, knowing only the entries of the events still to come: when the timeline
    need not be read whole it records exactly the same; when it must, it refuses before changing anything."""
    days = data.draw(st.lists(st.integers(0, 3), min_size=len(history), max_size=len(history)))
    occurred = [BUILDERS[name](events, day) for day, name in zip(days, history, strict=True)]
    retracted = data.draw(st.sets(st.sampled_from(range(len(occurred)))))
    retractions = [events.retraction(4 + position, of=occurred[position]) for position in retracted]
    arrival = data.draw(st.permutations([*occurred, *retractions]))
    resumed_at = data.draw(st.integers(0, len(arrival)))
    whole = arrived_quietly(arrival[:resumed_at], events.person_id)
    still_to_come = data.draw(st.lists(st.sampled_from(arrival), max_size=6)) if arrival else []
    known = [whole.entry_for(event.reference) for event in still_to_come]
    resumed = Pathway.resumed(
        whole.person_id, whole.snapshot, [entry for entry in known if entry], whole.raised_alerts
    )
    may_stay_resumed = not needs_whole_timeline(whole.snapshot, still_to_come)

    for event in still_to_come:
        before = resumed.snapshot
        try:
            recorded = resumed.record(event)
        except WholeTimelineNeededError:
            assert not may_stay_resumed, "needs_whole_timeline said the snapshot was enough"
            assert resumed.snapshot == before
            return
        except RefusedEventError:
            with pytest.raises(RefusedEventError):
                whole.record(event)
            continue
        assert recorded == whole.record(event)
        assert resumed.snapshot == whole.snapshot


def arrived_quietly(events_in_arrival_order, person_id) -> Pathway:
    """Like `arrived`, a retraction before its event changing nothing."""
    pathway = Pathway(person_id=str(person_id))
    for event in events_in_arrival_order:
        with contextlib.suppress(RefusedEventError):
            pathway.record(event)
    return pathway
