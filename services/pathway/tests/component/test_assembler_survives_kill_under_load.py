"""The real `pathway serve` killed with SIGKILL at random moments while referral and partner events pour
in: once it has caught up, every event sent is on the timeline exactly once, each person's `seq` runs
1..n without a gap, and the outbox holds one `timeline.entry_appended` per entry.

Nothing here depends on how often the consumer commits its offsets: redelivered events must be
recognised whatever the policy, and catching up is judged on the database, not on consumer lag."""

import asyncio
import random
import signal
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID, uuid4

from aiokafka import AIOKafkaProducer
from pathway_world import PathwayWorld, as_raw
from service_process import ServiceProcess

from devstack.eventually import eventually
from event_contracts.catalogue.codes import OrganisationKind
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import from_kafka_record

FOLLOWED_PERSONS = 80
NEWCOMERS = 240
EVENTS_PER_SECOND = 150
TICK_SECONDS = 0.05
KILL_AT_SENT_FRACTIONS = ((0.05, 0.25), (0.5, 0.9))
CATCH_UP_SECONDS = 120
ENTRIES = "SELECT count(*) FROM timeline_entries"
ENTRY_APPENDED = "fr.premiere-marche.timeline.entry_appended"
EventKey = tuple[str, str]


def key_of(event: CloudEvent) -> EventKey:
    return event.source, str(event.id)


@dataclass
class Partners:
    support: UUID = field(default_factory=uuid4)
    training: UUID = field(default_factory=uuid4)
    employer: UUID = field(default_factory=uuid4)

    async def register(self, world: PathwayWorld) -> None:
        await world.register_directly(str(self.support), OrganisationKind.SUPPORT_PARTNER, ["barrier.*"])
        await world.register_directly(str(self.training), OrganisationKind.TRAINING_PROVIDER, ["training.*"])
        await world.register_directly(str(self.employer), OrganisationKind.EMPLOYER, ["employment.*"])


def care_teams(persons: list[Any], partners: Partners) -> list[CloudEvent]:
    """Referral service events that let the partners speak about each followed person."""
    return [
        event
        for person in persons
        for event in (
            person.referral_sent(0),
            person.member_added(1, partners.support, OrganisationKind.SUPPORT_PARTNER),
            person.member_added(1, partners.training, OrganisationKind.TRAINING_PROVIDER),
            person.member_added(1, partners.employer, OrganisationKind.EMPLOYER),
        )
    ]


def followed_pathway(person: Any, partners: Partners) -> list[tuple[str, CloudEvent]]:
    """(topic kind, event) in the order a followed person lives them, on both topics."""
    mobility, housing = uuid4(), uuid4()
    return [
        ("referral", person.referral_accepted(2)),
        ("partner", person.barrier_identified(3, mobility, sender=partners.support)),
        ("referral", person.referral_scheduled(4)),
        ("partner", person.barrier_action_started(5, mobility, sender=partners.support)),
        ("referral", person.attendance(6, "present")),
        ("partner", person.barrier_identified(7, housing, sender=partners.support)),
        ("referral", person.attendance(8, "absent")),
        ("partner", person.barrier_lifted(9, mobility, sender=partners.support)),
        ("referral", person.attendance(10, "absent")),
        ("partner", person.barrier_persisting(11, housing, sender=partners.support)),
        ("partner", person.training_entered(12, sender=partners.training)),
        ("partner", person.training_abandoned(20, sender=partners.training)),
        ("partner", person.employment_started(25, sender=partners.employer)),
        ("partner", person.employment_ended(40, sender=partners.employer)),
    ]


def newcomer_pathway(person: Any) -> list[tuple[str, CloudEvent]]:
    return [
        ("referral", person.referral_sent(0)),
        ("referral", person.referral_accepted(1)),
        ("referral", person.referral_scheduled(2)),
        ("referral", person.referral_started(3)),
        ("referral", person.attendance(4, "present")),
    ]


def interleaved(pathways: list[list[tuple[str, CloudEvent]]]) -> list[tuple[str, CloudEvent]]:
    """Round by round across persons, so every moment of the load touches many persons at once."""
    longest = max(len(pathway) for pathway in pathways)
    return [pathway[step] for step in range(longest) for pathway in pathways if step < len(pathway)]


@dataclass
class SteadyProducer:
    """Sends at a steady rate; an event counts as sent once the broker has acknowledged it."""

    world: PathwayWorld
    load: list[tuple[str, CloudEvent]]
    sent: list[CloudEvent] = field(default_factory=list)
    progressed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def run(self) -> None:
        topics = {"referral": self.world.topics.referral_events, "partner": self.world.topics.partner_events}
        per_tick = max(1, round(EVENTS_PER_SECOND * TICK_SECONDS))
        producer = AIOKafkaProducer(bootstrap_servers=self.world.bootstrap, enable_idempotence=True)
        await producer.start()
        try:
            for start in range(0, len(self.load), per_tick):
                tick = self.load[start : start + per_tick]
                deliveries = []
                for topic_kind, event in tick:
                    key, value, headers = as_raw(event)
                    deliveries.append(await producer.send(topics[topic_kind], value, key, headers=headers))
                await asyncio.gather(*deliveries)
                async with self.progressed:
                    self.sent.extend(event for _, event in tick)
                    self.progressed.notify_all()
                await asyncio.sleep(TICK_SECONDS)  # the pace of the load, not a wait for anything
        finally:
            await producer.stop()

    async def wait_until_sent(self, fraction: float) -> None:
        async with self.progressed:
            await self.progressed.wait_for(lambda: len(self.sent) >= fraction * len(self.load))


@dataclass
class Killer:
    world: PathwayWorld
    service: ServiceProcess
    sent_at_kills: list[int] = field(default_factory=list)
    exit_codes: list[int | None] = field(default_factory=list)

    async def kill_and_restart_at_random_moments(self, producer: SteadyProducer, rng: random.Random) -> None:
        for low, high in KILL_AT_SENT_FRACTIONS:
            await producer.wait_until_sent(rng.uniform(low, high))
            await self._while_it_works()
            self.sent_at_kills.append(len(producer.sent))
            await asyncio.to_thread(self.service.kill)
            self.exit_codes.append(self.service.process.returncode if self.service.process else None)
            self.service = self.world.service()
            self.service.start()
            await self.service.wait_ready()

    async def _while_it_works(self) -> None:
        """Kill only an assembler that is taking events in, not one still joining its group."""
        before = await self.world.count(ENTRIES)
        await eventually(lambda: self.world.count(ENTRIES), lambda now: now > before)


async def timeline_rows(world: PathwayWorld) -> list[tuple[EventKey, str, int]]:
    """((source, id), person, seq) of every entry."""
    rows = await world.rows("SELECT event_source, event_id, person_id, seq FROM timeline_entries")
    return [
        ((str(source), str(event_id)), str(person), cast(int, seq)) for source, event_id, person, seq in rows
    ]


async def appended_in_outbox(world: PathwayWorld) -> list[tuple[EventKey, str, int]]:
    """((source, id) of the original event, person, seq) of every `timeline.entry_appended` written."""
    rows = await world.rows("SELECT message_key, message_value, headers FROM outbox")
    published = [
        from_kafka_record(
            cast(bytes, key),
            cast(bytes, value),
            [(name, text.encode()) for name, text in cast(list[tuple[str, str]], headers)],
        )
        for key, value, headers in rows
    ]
    return [
        ((entry.original_event.source, str(entry.original_event.id)), event.subject, entry.seq)
        for event in published
        if event.type == ENTRY_APPENDED
        for entry in [cast(Any, event.data)]
    ]


async def test_killing_the_assembler_under_load_loses_nothing_and_duplicates_nothing(
    pathway_world: PathwayWorld, pathway_events: Any
) -> None:
    world, builder, partners = pathway_world, type(pathway_events), Partners()
    await partners.register(world)
    followed = [builder(region=world.region) for _ in range(FOLLOWED_PERSONS)]
    newcomers = [builder(region=world.region) for _ in range(NEWCOMERS)]
    service = world.service()
    service.start()
    await service.wait_ready()
    setup = care_teams(followed, partners)
    await world.publish(setup)
    # Partner events are judged against the care team when they arrive; across two topics only this
    # wait guarantees that the referral service's word came first.
    assert await eventually(lambda: world.count(ENTRIES), lambda n: n == len(setup)) == len(setup)
    load = interleaved(
        [followed_pathway(person, partners) for person in followed]
        + [newcomer_pathway(person) for person in newcomers]
    )
    seed = random.randrange(2**32)
    producer, killer = SteadyProducer(world, load), Killer(world, service)

    await asyncio.gather(
        producer.run(), killer.kill_and_restart_at_random_moments(producer, random.Random(seed))
    )
    sent = setup + producer.sent
    found = await eventually(
        lambda: timeline_rows(world), lambda rows: len(rows) >= len(sent), timeout_seconds=CATCH_UP_SECONDS
    )
    in_outbox = await appended_in_outbox(world)

    context = f"random seed {seed}; killed with {killer.sent_at_kills} of {len(load)} events sent"
    assert killer.exit_codes == [-signal.SIGKILL] * len(KILL_AT_SENT_FRACTIONS), context
    assert len(sent) == len(setup) + len(load) > 2500
    sent_keys = [key_of(event) for event in sent]
    stored = Counter(key for key, _, _ in found)
    assert [key for key in sent_keys if stored[key] != 1] == [], f"not stored exactly once; {context}"
    assert set(stored) - set(sent_keys) == set(), f"stored but never sent; {context}"
    sent_per_person = Counter(str(event.subject) for event in sent)
    seqs: defaultdict[str, list[int]] = defaultdict(list)
    for _, person, seq in found:
        seqs[person].append(seq)
    assert {person: sorted(numbers) for person, numbers in seqs.items()} == {
        person: list(range(1, count + 1)) for person, count in sent_per_person.items()
    }, context
    assert Counter(in_outbox) == Counter(found), f"one timeline.entry_appended per entry; {context}"
