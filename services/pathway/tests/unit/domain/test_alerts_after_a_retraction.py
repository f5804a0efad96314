"""A retraction recomputes the alerts too: one whose situation it takes back is withdrawn, one it reveals is
raised."""

from uuid import uuid4

from pathway.domain.events import AlertRaised, AlertWithdrawn
from pathway.domain.pathway import Pathway


def recorded(pathway: Pathway, *events) -> list:
    changes: list = []
    for event in events:
        changes += pathway.record(event)
    return changes


def withdrawn_in(changes) -> list[tuple[str, object]]:
    return [(c.alert.kind, c.withdrawn_because) for c in changes if isinstance(c, AlertWithdrawn)]


def raised_in(changes) -> list[str]:
    return [change.kind for change in changes if isinstance(change, AlertRaised)]


def test_retracting_what_revealed_a_blocking_barrier_withdraws_its_alert(events) -> None:
    pathway, barrier = Pathway(str(events.person_id)), uuid4()
    identified = events.barrier_identified(1, barrier)
    raised = recorded(pathway, identified)
    retraction = events.retraction(2, of=identified)

    changes = pathway.record(retraction)

    assert raised_in(raised) == ["blocking_barrier"]
    assert withdrawn_in(changes) == [("blocking_barrier", retraction.reference)]
    withdrawal = next(change for change in changes if isinstance(change, AlertWithdrawn))
    assert withdrawal.alert.alert_id == next(c.alert_id for c in raised if isinstance(c, AlertRaised))
    assert withdrawal.alert.barrier_id == str(barrier)
    assert withdrawal.alert.alert_id in pathway.withdrawn_alerts


def test_retracting_an_event_the_alert_does_not_rest_on_withdraws_nothing(events) -> None:
    pathway = Pathway(str(events.person_id))
    training = events.training_entered(2)
    recorded(pathway, events.barrier_identified(1, uuid4()), training)

    assert withdrawn_in(pathway.record(events.retraction(3, of=training))) == []


def test_retracting_one_of_two_absences_in_a_row_withdraws_their_alert(events) -> None:
    pathway = Pathway(str(events.person_id))
    first_absence = events.attendance(1, "absent")
    raised = recorded(pathway, first_absence, events.attendance(2, "absent"))

    changes = pathway.record(events.retraction(3, of=first_absence))

    assert raised_in(raised) == ["two_consecutive_absences"]
    assert [kind for kind, _ in withdrawn_in(changes)] == ["two_consecutive_absences"]


def test_retracting_the_sitting_attended_between_two_absences_raises_their_alert(events) -> None:
    pathway = Pathway(str(events.person_id))
    attended = events.attendance(2, "present")
    before = recorded(pathway, events.attendance(1, "absent"), attended, events.attendance(3, "absent"))

    changes = pathway.record(events.retraction(4, of=attended))

    assert raised_in(before) == []
    assert raised_in(changes) == ["two_consecutive_absences"]
    assert withdrawn_in(changes) == []


def test_a_withdrawn_alert_is_neither_raised_nor_withdrawn_again(events) -> None:
    pathway, barrier = Pathway(str(events.person_id)), uuid4()
    first = events.barrier_identified(1, barrier)
    again = events.barrier_identified(3, barrier)
    recorded(pathway, first, events.retraction(2, of=first))

    identified_again = pathway.record(again)
    retracted_again = pathway.record(events.retraction(4, of=again))

    assert raised_in(identified_again) == []
    assert withdrawn_in(retracted_again) == []


def test_an_unrelated_retraction_raises_no_alert_that_arrival_order_did_not_raise(events) -> None:
    # The lifting arrives before the identification it follows: as it arrives, the barrier is lifted
    # already, so no alert; a replay in occurrence order would see it stand in the way for a while.
    pathway, barrier = Pathway(str(events.person_id)), uuid4()
    training = events.training_entered(5)
    arrived = recorded(
        pathway, events.barrier_lifted(3, barrier), events.barrier_identified(1, barrier), training
    )

    changes = pathway.record(events.retraction(6, of=training))

    assert raised_in(arrived) == []
    assert raised_in(changes) == []
