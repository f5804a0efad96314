from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from event_contracts.catalogue.codes import OrganisationKind
from pathway.domain.errors import RefusalReason, RefusedEventError
from pathway.domain.events import AlertRaised, AlertWithdrawn, PathwayEvent, StageChanged
from pathway.domain.pathway import Pathway
from pathway.domain.senders import Channel, Organisation
from pathway.domain.timeline import EventReference, TimelineEntry
from pathway.service.assemble_event import assemble_event
from pathway.service.raise_alerts_due import raise_alerts_due

REFERRAL_SERVICE = "/services/referral"


class FakePathways:
    def __init__(self) -> None:
        self.pathways: dict[str, Pathway] = {}
        self.saved: list[PathwayEvent] = []
        self.locked: list[str] = []

    async def load_for_update(self, person_id: str) -> Pathway:
        self.locked.append(person_id)
        stored = self.pathways.get(person_id, Pathway(person_id))
        return Pathway(person_id, list(stored.entries), stored.raised_alerts)

    async def with_alerts_due(self, now: datetime, limit: int) -> list[str]:
        due = [
            person
            for person, pathway in self.pathways.items()
            if pathway.next_alert_due_at is not None and pathway.next_alert_due_at <= now
        ]
        return due[:limit]

    async def save(self, pathway: Pathway, changes: Sequence[PathwayEvent]) -> None:
        self.pathways[pathway.person_id] = pathway
        self.saved.extend(changes)

    async def is_recorded(self, reference: EventReference) -> bool:
        return any(pathway.entry_for(reference) for pathway in self.pathways.values())


class FakeOrganisations:
    def __init__(self, *organisations: Organisation) -> None:
        self.registered = {organisation.organisation_id: organisation for organisation in organisations}

    async def get(self, organisation_id: str) -> Organisation | None:
        return self.registered.get(organisation_id)

    async def register(self, organisation: Organisation) -> None:
        self.registered[organisation.organisation_id] = organisation


class FakePublisher:
    def __init__(self) -> None:
        self.published: list[object] = []

    async def entry_appended(self, entry: TimelineEntry) -> None:
        self.published.append(entry)

    async def stage_changed(self, change: StageChanged) -> None:
        self.published.append(change)

    async def alert_raised(self, alert: AlertRaised) -> None:
        self.published.append(alert)

    async def alert_withdrawn(self, withdrawal: AlertWithdrawn) -> None:
        self.published.append(withdrawal)


class World:
    def __init__(self, events) -> None:
        self.events = events
        self.pathways = FakePathways()
        self.organisations = FakeOrganisations(
            Organisation(str(events.partner), OrganisationKind.SUPPORT_PARTNER, ("barrier.*", "training.*"))
        )
        self.publisher = FakePublisher()

    async def receive(self, *events, channel: Channel | None = None) -> list[PathwayEvent]:
        changes: list[PathwayEvent] = []
        for event in events:
            arrived_on = channel or (
                Channel.PLATFORM if event.source == REFERRAL_SERVICE else Channel.PARTNERS
            )
            changes += await assemble_event(
                event, self.pathways, self.organisations, self.publisher, channel=arrived_on
            )
        return changes

    def timeline(self) -> list[tuple[str, int, bool]]:
        pathway = self.pathways.pathways[str(self.events.person_id)]
        return [(entry.event.name, entry.seq, entry.retracted) for entry in pathway.entries]


@pytest.fixture
def world(events) -> World:
    return World(events)


async def test_events_of_the_referral_service_are_trusted_and_everything_they_change_is_published(
    world: World, events
) -> None:
    changes = await world.receive(events.referral_sent(0))

    assert world.publisher.published == [changes[0].entry, changes[1]]
    assert world.pathways.saved == changes
    assert world.pathways.locked == [str(events.person_id)]


async def test_a_registered_partner_of_the_care_team_adds_to_the_timeline(world: World, events) -> None:
    barrier = uuid4()

    await world.receive(
        events.referral_sent(0),
        events.member_added(1),
        events.barrier_identified(2, barrier),
        events.barrier_lifted(3, barrier),
        events.training_entered(4),
    )

    pathway = world.pathways.pathways[str(events.person_id)]
    assert pathway.state.stage == "in_training"
    assert [name for name, _, _ in world.timeline()] == [
        "referral.sent",
        "care_team.member_added",
        "barrier.identified",
        "barrier.lifted",
        "training.entered",
    ]
    assert [type(item).__name__ for item in world.publisher.published].count("AlertRaised") == 1


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("not_registered", RefusalReason.UNKNOWN_SENDER),
        ("not_in_care_team", RefusalReason.NOT_IN_CARE_TEAM),
        ("type_not_allowed", RefusalReason.TYPE_NOT_ALLOWED),
    ],
)
async def test_a_refused_partner_event_changes_and_publishes_nothing(
    world: World, events, setup: str, reason: RefusalReason
) -> None:
    await world.receive(events.referral_sent(0))
    if setup != "not_in_care_team":
        await world.receive(events.member_added(1))
    if setup == "not_registered":
        world.organisations.registered.clear()
    published_before = list(world.publisher.published)
    refused_event = (
        events.employment_started(2) if setup == "type_not_allowed" else events.training_entered(2)
    )

    with pytest.raises(RefusedEventError) as refused:
        await world.receive(refused_event)

    assert refused.value.reason is reason
    assert world.publisher.published == published_before
    assert "training.entered" not in [name for name, _, _ in world.timeline()]


async def test_the_care_team_at_arrival_decides_even_for_events_that_occurred_before_removal(
    world: World, events
) -> None:
    await world.receive(events.referral_sent(0), events.member_added(1), events.member_removed(5))

    with pytest.raises(RefusedEventError) as refused:
        await world.receive(events.barrier_identified(3, uuid4()))

    assert refused.value.reason is RefusalReason.NOT_IN_CARE_TEAM


async def test_an_event_seen_before_is_not_checked_again_nor_applied_twice(world: World, events) -> None:
    training = events.training_entered(2)
    await world.receive(events.referral_sent(0), events.member_added(1), training)
    await world.receive(events.member_removed(3))

    assert await world.receive(training) == []
    assert len(world.timeline()) == 4


async def test_a_retraction_hides_the_entry_and_republishes_the_recomputed_stage(
    world: World, events
) -> None:
    training = events.training_entered(2)
    await world.receive(events.referral_sent(0), events.member_added(1), training)

    changes = await world.receive(events.retraction(3, of=training))

    assert world.timeline()[2] == ("training.entered", 3, True)
    assert world.timeline()[3] == ("event.retracted", 4, False)
    stage_changes = [change for change in changes if isinstance(change, StageChanged)]
    assert [(c.previous, c.stage, c.recomputed) for c in stage_changes] == [("in_training", "referred", True)]
    assert stage_changes[0] in world.publisher.published


async def test_pathway_events_sent_by_anyone_are_refused(world: World, events) -> None:
    event = events.referral_sent(0)
    forged = type(event)(**{**event.__dict__, "event_type": "fr.premiere-marche.pathway.stage_changed"})

    with pytest.raises(RefusedEventError) as refused:
        await world.receive(forged)

    assert refused.value.reason is RefusalReason.TYPE_NOT_ALLOWED


async def test_alerts_that_time_made_due_are_raised_once_and_published(world: World, events) -> None:
    await world.receive(events.referral_sent(0))
    october = datetime(2026, 10, 15, tzinfo=UTC)

    first = await raise_alerts_due(october, world.pathways, world.publisher, batch_size=10)
    again = await raise_alerts_due(october, world.pathways, world.publisher, batch_size=10)

    assert sorted(alert.kind for alert in first) == ["no_recent_activity", "referral_unanswered"]
    assert again == []
    assert all(alert in world.publisher.published for alert in first)
    assert world.pathways.saved[-2:] == first


async def test_a_platform_source_on_the_partners_topic_is_not_believed(world: World, events) -> None:
    await world.receive(events.referral_sent(0))

    with pytest.raises(RefusedEventError) as refused:
        await world.receive(events.member_added(1), channel=Channel.PARTNERS)

    assert refused.value.reason is RefusalReason.SOURCE_NOT_AN_ORGANISATION
