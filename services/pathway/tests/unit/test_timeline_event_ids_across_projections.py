"""Two projection generations that assemble the same event publish timeline events with the same ids,
so downstream inboxes drop the second copy; different events get different ids."""

from typing import Any
from uuid import UUID, uuid4

from pathway.adapters.timeline_publisher import alert_raised_id, entry_appended_id, stage_changed_id
from pathway.domain.events import AlertRaised, EntryAppended, StageChanged
from pathway.domain.pathway import Pathway


def changes_of(events: Any, history: list[Any]) -> list[Any]:
    pathway = Pathway(person_id=str(events.person_id), entries=[], raised_alerts=frozenset())
    return [change for event in history for change in pathway.record(event)]


def ids_of(changes: list[Any]) -> list[UUID]:
    ids: list[UUID] = []
    for change in changes:
        if isinstance(change, EntryAppended):
            ids.append(entry_appended_id(change.entry))
        elif isinstance(change, StageChanged):
            ids.append(stage_changed_id(change))
        elif isinstance(change, AlertRaised):
            ids.append(alert_raised_id(change))
    return ids


def test_the_same_events_assembled_twice_give_the_same_timeline_event_ids(events: Any) -> None:
    history = [events.referral_sent(0), events.member_added(1), events.barrier_identified(2, uuid4())]

    in_the_old_generation = ids_of(changes_of(events, history))
    in_the_new_generation = ids_of(changes_of(events, history))

    assert in_the_old_generation == in_the_new_generation
    assert len(in_the_old_generation) == 5, "three entries, a stage change, a blocking barrier alert"
    assert len(set(in_the_old_generation)) == 5
