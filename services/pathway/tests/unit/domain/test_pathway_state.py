from datetime import date
from uuid import uuid4

from event_contracts.catalogue.codes import BarrierSeverity, OrganisationKind
from pathway.domain.pathway_state import Barrier, BarrierStatus, fold
from pathway.domain.timeline import TimelineEntry


def state_of(*events):
    return fold(TimelineEntry(event, seq) for seq, event in enumerate(events))


def test_each_barrier_keeps_its_category_severity_status_and_responsible_organisation(events) -> None:
    mobility, childcare = uuid4(), uuid4()

    state = state_of(
        events.barrier_identified(1, mobility),
        events.barrier_identified(2, childcare, severity=BarrierSeverity.HINDERING),
        events.barrier_action_started(3, mobility),
        events.barrier_lifted(4, mobility),
        events.barrier_persisting(5, childcare),
    )

    assert state.barriers == {
        str(mobility): Barrier("mobility", "blocking", BarrierStatus.LIFTED, str(events.partner)),
        str(childcare): Barrier("mobility", "blocking", BarrierStatus.PERSISTING, None),
    }


def test_the_care_team_holds_the_prescriber_the_operator_and_members_added_until_removed(events) -> None:
    training_provider = uuid4()

    state = state_of(
        events.referral_sent(0),
        events.referral_accepted(1),
        events.member_added(2),
        events.member_added(3, training_provider, OrganisationKind.TRAINING_PROVIDER),
        events.member_removed(4),
    )

    assert state.care_team == {
        str(events.prescriber): "prescriber",
        str(events.operator): "operator",
        str(training_provider): "training_provider",
    }


def test_the_next_session_is_known_while_the_referral_is_scheduled(events) -> None:
    scheduled = [events.referral_sent(0), events.referral_scheduled(1, starts_on=date(2026, 9, 20))]

    assert state_of(*scheduled).next_session_on == date(2026, 9, 20)
    assert state_of(*scheduled, events.referral_started(19)).next_session_on is None
    assert state_of(*scheduled, events.referral_waitlisted(5)).next_session_on is None


def test_last_activity_is_the_latest_occurrence_whatever_the_arrival_order(events) -> None:
    latest = events.barrier_identified(5, uuid4())

    state = state_of(events.referral_sent(0), latest, events.referral_accepted(2))

    assert state.last_activity_at == latest.occurred_at


def test_a_retracted_entry_counts_for_nothing(events) -> None:
    entries = [
        TimelineEntry(events.referral_sent(0), 0),
        TimelineEntry(events.training_entered(1), 1).as_retracted(),
    ]

    assert fold(entries).stage == "referred"
