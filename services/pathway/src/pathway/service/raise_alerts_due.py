"""Use case: raise the alerts that time passing has made due (unanswered referral, no recent activity)."""

from datetime import datetime

from pathway.domain.events import PathwayEvent
from pathway.service.ports import Pathways, TimelinePublisher
from pathway.service.publish_changes import publish


async def raise_alerts_due(
    now: datetime, pathways: Pathways, publisher: TimelinePublisher, *, batch_size: int
) -> list[PathwayEvent]:
    raised: list[PathwayEvent] = []
    for person_id in await pathways.with_alerts_due(now, batch_size):
        pathway = await pathways.load_for_update(person_id)
        alerts = pathway.raise_alerts_due(now)
        # Saved even without alerts: that stores when the pathway next needs looking at.
        await pathways.save(pathway, alerts)
        await publish(alerts, publisher)
        raised += alerts
    return raised
