"""Alerts reach the timeline topic: those an event reveals as it lands, and those time passing raises."""

from collections.abc import Awaitable, Callable
from typing import Any

from pathway_world import PathwayWorld

from devstack.eventually import eventually
from event_contracts.catalogue import PathwayAlertRaised
from event_contracts.kafka_binding import from_kafka_record

ReadTopic = Callable[[str], Awaitable[list[Any]]]


async def test_absences_and_an_unanswered_referral_raise_their_alerts_once(
    pathway_world: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    events = pathway_events
    events.region = pathway_world.region
    service = pathway_world.service()
    service.start({"PATHWAY_ALERT_SWEEP_INTERVAL_SECONDS": "0.2"})
    await service.wait_ready()

    await pathway_world.publish(
        [
            events.referral_sent(0),
            events.attendance(12, "absent"),
            events.attendance(13, "absent"),
            events.attendance(14, "absent"),
        ]
    )

    def alerts(records: list[Any]) -> list[PathwayAlertRaised]:
        decoded = [from_kafka_record(record.key, record.value, record.headers).data for record in records]
        return [data for data in decoded if isinstance(data, PathwayAlertRaised)]

    entries = "SELECT count(*) FROM timeline_entries"
    assert await eventually(lambda: pathway_world.count(entries), lambda n: n == 4) == 4
    nothing_left_due = "SELECT count(*) FROM pathways WHERE next_alert_due_at IS NOT NULL"
    assert await eventually(lambda: pathway_world.count(nothing_left_due), lambda n: n == 0) == 0
    stored = await pathway_world.count("SELECT count(*) FROM raised_alerts")
    raised = alerts(
        await eventually(
            lambda: read_topic(pathway_world.topics.pathway_timeline),
            lambda found: len(alerts(found)) == stored,
        )
    )
    kinds = [alert.kind for alert in raised]
    # Depending on when the sweeps ran, the quiet spells before days 12, 13 and 14 each got their alert.
    assert kinds.count("referral_unanswered") == kinds.count("two_consecutive_absences") == 1
    assert 1 <= kinds.count("no_recent_activity") <= 4
    assert [alert.triggered_by is None for alert in raised if alert.kind == "two_consecutive_absences"] == [
        False
    ]
    assert {alert.referral_id for alert in raised if alert.kind != "no_recent_activity"} == {
        events.referral_id
    }
