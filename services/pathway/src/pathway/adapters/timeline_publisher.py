"""Timeline entries leave the service as `timeline.entry_appended` events, through the outbox."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.catalogue.codes import EntryVisibility, OrganisationKind
from event_contracts.catalogue.timeline import OriginalEvent, TimelineEntryAppended
from event_contracts.envelope import CloudEvent
from pathway.domain.timeline import TimelineEntry
from service_kit.outbox import add_to_outbox

PATHWAY_SOURCE = "/services/pathway"

# Who may read an entry is decided per event type with the caseworker API; until then the care team's
# professional kinds see referral entries, and employers and coordinators (aggregates only) never do.
CARE_TEAM_AUDIENCE = (
    OrganisationKind.PRESCRIBER,
    OrganisationKind.OPERATOR,
    OrganisationKind.SUPPORT_PARTNER,
    OrganisationKind.TRAINING_PROVIDER,
)


class OutboxTimelinePublisher:
    def __init__(self, session: AsyncSession, *, region: str, topic: str) -> None:
        self._session = session
        self._region = region
        self._topic = topic

    async def entry_appended(self, entry: TimelineEntry) -> None:
        recorded = entry.event
        data: dict[str, Any] = dict(recorded.data)
        appended = TimelineEntryAppended(
            seq=entry.seq,
            original_event=OriginalEvent(
                type=recorded.event_type,
                source=recorded.source,
                id=recorded.event_id,
                time=recorded.occurred_at,
                dataschema=recorded.dataschema,
                data=data,
            ),
            visibility=EntryVisibility.FULL,
            audience=CARE_TEAM_AUDIENCE,
        )
        event = CloudEvent.build(
            appended, source=PATHWAY_SOURCE, subject=recorded.person_id, region=self._region
        )
        await add_to_outbox(self._session, event, topic=self._topic)
