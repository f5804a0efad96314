"""When PostgreSQL drops the service's connections (a restart, a failover, an administrator), the real
`pathway serve` process goes on assembling on new ones, every event once."""

from collections.abc import Callable
from uuid import uuid4

from pathway_world import PathwayWorld

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent

ENTRIES = "SELECT count(*) FROM timeline_entries"
# Every connection to the service's database but the test's own: the assembler's, the API's, the relay's.
TERMINATE_THE_SERVICES_CONNECTIONS = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def test_events_after_the_database_dropped_every_connection_are_assembled_once(
    pathway_world: PathwayWorld, referral_sent: Callable[..., CloudEvent]
) -> None:
    service = pathway_world.service()
    service.start()
    await service.wait_ready()
    before = [referral_sent(uuid4(), region=pathway_world.region) for _ in range(3)]
    await pathway_world.publish(before)
    await eventually(lambda: pathway_world.count(ENTRIES), lambda n: n == 3)

    terminated = await pathway_world.rows(TERMINATE_THE_SERVICES_CONNECTIONS)
    after = [referral_sent(uuid4(), region=pathway_world.region) for _ in range(3)]
    await pathway_world.publish(after)

    assert terminated[0][0] >= 1, "the assembler's connection was among those dropped"
    assert await eventually(lambda: pathway_world.count(ENTRIES), lambda n: n == 6) == 6
    assert sorted(await pathway_world.entry_ids()) == sorted(str(event.id) for event in before + after)
    assert service.process.poll() is None, "the service kept running"
