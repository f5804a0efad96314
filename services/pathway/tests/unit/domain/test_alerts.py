from datetime import UTC, date, datetime, timedelta

import pytest

from pathway.domain.alerts import absence_run_through
from pathway.domain.events import AlertRaised
from pathway.domain.pathway import Pathway

SEPTEMBER = date(2026, 9, 1)


def alerts_in(changes) -> list[tuple[str, str | None]]:
    return [(change.kind, change.referral_id) for change in changes if isinstance(change, AlertRaised)]


def pathway_with(events, *recorded) -> tuple[Pathway, list]:
    pathway, changes = Pathway(str(events.person_id)), []
    for event in recorded:
        changes += pathway.record(event)
    return pathway, changes


def test_two_absences_in_a_row_raise_one_alert_however_long_the_run(events) -> None:
    _, changes = pathway_with(
        events,
        events.attendance(1, "present"),
        events.attendance(2, "absent"),
        events.attendance(3, "absent"),
        events.attendance(4, "absent"),
    )

    assert alerts_in(changes) == [("two_consecutive_absences", str(events.referral_id))]


def test_a_new_run_of_absences_after_attending_raises_a_new_alert(events) -> None:
    _, changes = pathway_with(
        events,
        *(
            events.attendance(day, status)
            for day, status in enumerate(["absent", "absent", "present", "absent"])
        ),
    )
    assert len(alerts_in(changes)) == 1

    _, changes = pathway_with(
        events,
        *(
            events.attendance(day, s)
            for day, s in enumerate(["absent", "absent", "present", "absent", "absent"])
        ),
    )
    assert len(alerts_in(changes)) == 2


def test_a_late_recorded_absence_can_complete_a_run(events) -> None:
    _, changes = pathway_with(
        events,
        events.attendance(1, "absent"),
        events.attendance(3, "present"),
        events.attendance(2, "absent"),
    )

    assert alerts_in(changes) == [("two_consecutive_absences", str(events.referral_id))]


@pytest.mark.parametrize(
    ("statuses", "through", "run"),
    [
        (["absent", "excused", "absent"], 2, [0, 2]),
        (["absent", "present", "absent"], 2, [2]),
        (["absent", "absent", "present"], 2, []),
        (["present", "absent", "absent"], 1, [1, 2]),
    ],
)
def test_excused_sittings_neither_count_nor_break_a_run(statuses, through: int, run: list[int]) -> None:
    sittings = {SEPTEMBER + timedelta(days=day): status for day, status in enumerate(statuses)}

    found = absence_run_through(sittings, SEPTEMBER + timedelta(days=through))

    assert found == [SEPTEMBER + timedelta(days=day) for day in run]


def test_a_referral_still_unanswered_on_its_reminder_day_raises_one_alert(events) -> None:
    pathway, _ = pathway_with(events, events.referral_sent(0))
    reminder_day = datetime(2026, 9, 10, 22, 0, tzinfo=UTC)  # midnight, 11 September, in Paris

    assert pathway.raise_alerts_due(reminder_day - timedelta(seconds=1)) == []
    assert pathway.next_alert_due_at == reminder_day
    assert alerts_in(pathway.raise_alerts_due(reminder_day)) == [
        ("referral_unanswered", str(events.referral_id))
    ]
    assert pathway.raise_alerts_due(reminder_day + timedelta(days=1)) == []


def test_an_answered_referral_raises_no_reminder_alert(events) -> None:
    pathway, _ = pathway_with(events, events.referral_sent(0), events.referral_accepted(2))

    assert [change.kind for change in pathway.raise_alerts_due(datetime(2026, 9, 20, tzinfo=UTC))] == []


def test_thirty_quiet_days_raise_one_alert_per_quiet_spell(events) -> None:
    pathway, _ = pathway_with(events, events.referral_sent(0), events.referral_accepted(1))
    quiet_until = events.referral_accepted(1).occurred_at + timedelta(days=30)

    assert pathway.next_alert_due_at == quiet_until
    assert [alert.kind for alert in pathway.raise_alerts_due(quiet_until)] == ["no_recent_activity"]
    assert pathway.next_alert_due_at is None
    pathway.record(events.referral_scheduled(40))
    assert pathway.next_alert_due_at == events.referral_scheduled(40).occurred_at + timedelta(days=30)


def test_a_pathway_that_ended_is_not_watched_for_activity(events) -> None:
    pathway, _ = pathway_with(events, events.referral_sent(0), events.referral_rejected(1))

    assert pathway.next_alert_due_at is None
