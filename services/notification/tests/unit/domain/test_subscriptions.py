"""What an organisation may subscribe to or opt out of, and what its choices reach: a withdrawal follows
its alert, so whoever chose alerts hears them taken back, and whoever turned alerts off hears neither."""

from uuid import uuid4

import pytest

from notification.domain.notified_events import (
    PATHWAY_ALERT_RAISED,
    PATHWAY_ALERT_WITHDRAWN,
    PATHWAY_STAGE_CHANGED,
    Rule,
    chosen_through,
)
from notification.domain.subscriptions import OptOut, OptOutKind, SubscriptionError, subscribed_event_types

ORGANISATION = uuid4()


def test_a_withdrawal_may_be_subscribed_to_like_any_notified_event() -> None:
    assert subscribed_event_types([PATHWAY_ALERT_WITHDRAWN, PATHWAY_ALERT_RAISED]) == (
        PATHWAY_ALERT_RAISED,
        PATHWAY_ALERT_WITHDRAWN,
    )
    with pytest.raises(SubscriptionError):
        subscribed_event_types(["fr.premiere-marche.pathway.alert_forgotten"])


def test_a_withdrawal_reaches_whoever_chose_alerts_or_withdrawals_and_nothing_else_widens() -> None:
    assert chosen_through(PATHWAY_ALERT_WITHDRAWN) == {PATHWAY_ALERT_WITHDRAWN, PATHWAY_ALERT_RAISED}
    assert chosen_through(PATHWAY_ALERT_RAISED) == {PATHWAY_ALERT_RAISED}, "an alert is never a withdrawal"
    assert chosen_through(PATHWAY_STAGE_CHANGED) == {PATHWAY_STAGE_CHANGED}


def test_turning_alerts_off_silences_their_withdrawals_but_not_the_reverse() -> None:
    no_alerts = OptOut(ORGANISATION, OptOutKind.EVENT_TYPE, PATHWAY_ALERT_RAISED)
    no_withdrawals = OptOut(ORGANISATION, OptOutKind.EVENT_TYPE, PATHWAY_ALERT_WITHDRAWN)
    no_alert_rule = OptOut(ORGANISATION, OptOutKind.RULE, Rule.REFERENT_HEARS_ALERTS)
    alert_rule = Rule.REFERENT_HEARS_ALERTS

    assert no_alerts.silences(alert_rule, PATHWAY_ALERT_WITHDRAWN)
    assert not no_withdrawals.silences(alert_rule, PATHWAY_ALERT_RAISED)
    assert no_withdrawals.silences(alert_rule, PATHWAY_ALERT_WITHDRAWN)
    assert no_alert_rule.silences(alert_rule, PATHWAY_ALERT_WITHDRAWN)
    assert not no_alerts.silences(Rule.CARE_TEAM_HEARS_STAGE_CHANGES, PATHWAY_STAGE_CHANGED)


def test_any_timeline_entry_type_may_be_subscribed_to_and_opted_out_of() -> None:
    entries = [
        "fr.premiere-marche.barrier.lifted",
        "fr.premiere-marche.barrier.identified",
        "fr.premiere-marche.training.entered",
        "fr.premiere-marche.employment.started",
        "fr.premiere-marche.workshop.attendance_recorded",
        "fr.premiere-marche.event.retracted",
    ]

    assert subscribed_event_types(entries) == tuple(sorted(entries))
    assert OptOut(ORGANISATION, OptOutKind.EVENT_TYPE, "fr.premiere-marche.barrier.lifted")
    assert OptOut(ORGANISATION, OptOutKind.RULE, "care_team_hears_what_it_subscribed_to").silences(
        Rule.CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO, "fr.premiere-marche.barrier.lifted"
    )


def test_an_unknown_type_or_the_pathways_own_envelope_is_still_refused() -> None:
    for refused in (
        "fr.premiere-marche.barrier.forgotten",
        "fr.premiere-marche.timeline.entry_appended",
        "barrier.lifted",
    ):
        with pytest.raises(SubscriptionError, match="no notification is ever sent for"):
            subscribed_event_types(["fr.premiere-marche.barrier.lifted", refused])
        with pytest.raises(SubscriptionError):
            OptOut(ORGANISATION, OptOutKind.EVENT_TYPE, refused)
