from uuid import uuid4

import pytest

from event_contracts.catalogue.codes import BarrierSeverity
from pathway.domain.errors import RefusalReason, RefusedEventError
from pathway.domain.events import AlertRaised, EntryAppended, EntryRetracted, StageChanged
from pathway.domain.pathway import Pathway
from pathway.domain.stages import Stage


def pathway_of(events) -> Pathway:
    return Pathway(person_id=str(events.person_id))


def kinds(changes) -> list[str]:
    return [type(change).__name__ for change in changes]


def test_entries_are_numbered_in_arrival_order_without_gaps(events) -> None:
    pathway = pathway_of(events)

    for event in [events.referral_sent(0), events.referral_accepted(2), events.referral_started(1)]:
        pathway.record(event)

    assert [entry.seq for entry in pathway.entries] == [1, 2, 3]


def test_an_event_already_on_the_timeline_changes_nothing(events) -> None:
    pathway, sent = pathway_of(events), events.referral_sent(0)
    pathway.record(sent)

    assert pathway.record(sent) == []
    assert len(pathway.entries) == 1


def test_the_first_stage_is_published_as_a_change_from_nothing(events) -> None:
    sent = events.referral_sent(0)

    changes = pathway_of(events).record(sent)

    assert changes[1] == StageChanged(str(events.person_id), None, Stage.REFERRED, sent.reference, False)


def test_a_late_event_says_so_and_takes_its_place_in_the_state(events) -> None:
    pathway = pathway_of(events)
    pathway.record(events.referral_sent(0))
    pathway.record(events.referral_started(5))
    late_pause = events.referral_paused(3)

    changes = pathway.record(late_pause)

    assert changes == [EntryAppended(pathway.entries[-1])]
    assert pathway.entries[-1].arrived_late
    assert pathway.state.stage is Stage.IN_WORKSHOP


def test_a_late_event_that_moves_the_stage_publishes_a_recomputed_change(events) -> None:
    pathway = pathway_of(events)
    pathway.record(events.referral_sent(0))
    pathway.record(events.member_added(5))
    late_start = events.referral_started(3)

    changes = pathway.record(late_start)

    assert changes[1] == StageChanged(
        str(events.person_id), Stage.REFERRED, Stage.IN_WORKSHOP, late_start.reference, True
    )


def test_retracting_an_event_hides_its_entry_records_the_retraction_and_recomputes_the_stage(events) -> None:
    pathway = pathway_of(events)
    pathway.record(events.referral_sent(0))
    training = events.training_entered(3)
    pathway.record(training)
    retraction = events.retraction(4, of=training)

    changes = pathway.record(retraction)

    assert kinds(changes) == ["EntryRetracted", "EntryAppended", "StageChanged"]
    assert changes[0] == EntryRetracted(str(events.person_id), training.reference)
    assert changes[2] == StageChanged(
        str(events.person_id), Stage.IN_TRAINING, Stage.REFERRED, retraction.reference, True
    )
    assert [(entry.seq, entry.retracted) for entry in pathway.entries] == [(1, False), (2, True), (3, False)]
    assert pathway.state.stage is Stage.REFERRED


def test_a_retraction_that_leaves_the_stage_alone_publishes_no_stage_change(events) -> None:
    pathway = pathway_of(events)
    pathway.record(events.referral_sent(0))
    barrier = events.barrier_identified(1, uuid4(), severity=BarrierSeverity.HINDERING)
    pathway.record(barrier)

    assert kinds(pathway.record(events.retraction(2, of=barrier))) == ["EntryRetracted", "EntryAppended"]


@pytest.mark.parametrize(
    ("retraction_of", "sender", "reason"),
    [
        ("someone_elses", "partner", RefusalReason.RETRACTED_EVENT_OF_ANOTHER_SOURCE),
        ("unknown", None, RefusalReason.RETRACTED_EVENT_UNKNOWN),
    ],
)
def test_only_an_events_own_source_may_retract_it_and_only_if_it_is_known(
    events, retraction_of: str, sender, reason: RefusalReason
) -> None:
    pathway = pathway_of(events)
    sent = events.referral_sent(0)
    pathway.record(sent)
    target = sent if retraction_of == "someone_elses" else events.training_entered(1)

    with pytest.raises(RefusedEventError) as refused:
        pathway.record(events.retraction(2, of=target, sender=events.partner if sender else None))

    assert refused.value.reason is reason
    assert len(pathway.entries) == 1


def test_an_event_is_retracted_once_and_a_retraction_is_final(events) -> None:
    pathway = pathway_of(events)
    training = events.training_entered(1)
    pathway.record(training)
    first = events.retraction(2, of=training)
    pathway.record(first)

    with pytest.raises(RefusedEventError) as again:
        pathway.record(events.retraction(3, of=training))
    with pytest.raises(RefusedEventError) as undo:
        pathway.record(events.retraction(3, of=first))

    assert again.value.reason is RefusalReason.RETRACTED_EVENT_ALREADY_RETRACTED
    assert undo.value.reason is RefusalReason.RETRACTION_CANNOT_BE_RETRACTED


def test_a_blocking_barrier_raises_one_alert_however_often_it_is_mentioned(events) -> None:
    pathway, barrier = pathway_of(events), uuid4()
    identified = events.barrier_identified(1, barrier)

    first = pathway.record(identified)
    again = pathway.record(events.barrier_persisting(2, barrier))

    alerts = [change for change in first if isinstance(change, AlertRaised)]
    assert [(alert.kind, alert.barrier_id, alert.triggered_by) for alert in alerts] == [
        ("blocking_barrier", str(barrier), identified.reference)
    ]
    assert alerts[0].alert_id in pathway.raised_alerts
    assert not [change for change in again if isinstance(change, AlertRaised)]


def test_hindering_or_already_lifted_barriers_raise_no_alert(events) -> None:
    pathway, hindering, lifted = pathway_of(events), uuid4(), uuid4()
    pathway.record(events.barrier_lifted(3, lifted))

    changes = [
        *pathway.record(events.barrier_identified(1, hindering, severity=BarrierSeverity.HINDERING)),
        *pathway.record(events.barrier_identified(2, lifted)),
    ]

    assert not [change for change in changes if isinstance(change, AlertRaised)]
