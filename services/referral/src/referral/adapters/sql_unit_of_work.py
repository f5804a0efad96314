"""The unit of work on PostgreSQL: one transaction, whose commit first writes the integration events of
every aggregate it saw to the outbox, so that state and events commit (or vanish) together."""

from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from referral.adapters.contracts import integration_event
from referral.adapters.organisation_repository import SqlContactAccessLog, SqlOrganisationRepository
from referral.adapters.person_repository import SqlCareTeamRepository, SqlPersonRepository
from referral.adapters.referral_repository import SqlReferralRepository
from referral.adapters.seen_aggregates import SeenAggregates
from referral.adapters.workshop_repository import SqlAttendanceRepository, SqlWorkshopRepository
from service_kit.database import UnitOfWork as TransactionScope
from service_kit.outbox import add_all_to_outbox


class SqlUnitOfWork(TransactionScope):
    referrals: SqlReferralRepository
    persons: SqlPersonRepository
    care_teams: SqlCareTeamRepository
    workshops: SqlWorkshopRepository
    organisations: SqlOrganisationRepository
    attendances: SqlAttendanceRepository
    contact_accesses: SqlContactAccessLog

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], *, region: str, events_topic: str
    ) -> None:
        super().__init__(session_factory)
        self._region = region
        self._events_topic = events_topic
        self._seen = SeenAggregates()

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        session = self.session
        self._seen = SeenAggregates()
        self.referrals = SqlReferralRepository(session, self._seen)
        self.persons = SqlPersonRepository(session, self._region)
        self.care_teams = SqlCareTeamRepository(session, self._seen)
        self.workshops = SqlWorkshopRepository(session)
        self.organisations = SqlOrganisationRepository(session)
        self.attendances = SqlAttendanceRepository(session)
        self.contact_accesses = SqlContactAccessLog(session)
        return self

    async def commit(self) -> None:
        await self.publish_events()
        await super().commit()

    async def publish_events(self) -> None:
        """Writes the pending events to the outbox; `commit` does it, tests call it to commit apart."""
        events = [integration_event(event, region=self._region) for event in self._seen.pull_events()]
        await add_all_to_outbox(self.session, events, topic=self._events_topic)
