"""Use case: keep the routing projection up to date with a timeline event, and record every delivery the
rules owe for it, in the event's own transaction: once per (organisation, target), however many rules name
an organisation (`hearing` is a set, and so are the targets `owed_for` keys)."""

from collections import defaultdict
from datetime import datetime
from uuid import UUID

from notification.domain.owed_deliveries import OwedDelivery, owed_for
from notification.domain.routing import recipients_of
from notification.domain.subscriptions import OptOut, opted_out
from notification.domain.timeline_events import TimelineEvent
from notification.service.ports import RoutingStore


async def route_timeline_event(
    event: TimelineEvent, store: RoutingStore, now: datetime
) -> list[OwedDelivery]:
    if event.projection_change is not None:
        await store.change_projection(event.person_id, event.projection_change)
    happening = event.happening
    referral = None if happening.referral_id is None else await store.referral(happening.referral_id)
    recipients = recipients_of(happening, await store.care_team(event.person_id), referral)
    if not recipients:
        return []
    opt_outs: defaultdict[UUID, list[OptOut]] = defaultdict(list)
    for opt_out in await store.opt_outs_of({recipient.organisation_id for recipient in recipients}):
        opt_outs[opt_out.organisation_id].append(opt_out)
    hearing = {
        recipient.organisation_id
        for recipient in recipients
        if not opted_out(opt_outs[recipient.organisation_id], recipient.rule, happening.event_type)
    }
    if not hearing:
        return []
    owed = owed_for(event.source, event.id, await store.targets_of(hearing, happening.event_type))
    await store.owe(owed, event.message, now)
    return owed
