"""A migrated referral database for tests, with units of work on it and ways to seed it."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from event_contracts.topics import topics_for_region
from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.domain.answer_clock import AnswerClock
from referral.domain.codes import OrganisationKind
from referral.domain.organisation import Organisation
from referral.domain.person import ContactDetails, ContactPreference, Identity, Person
from referral.service.answer_referral import AcceptReferral, accept_referral
from referral.service.publish_sessions import (
    PublishSession,
    PublishWorkshop,
    publish_session,
    publish_workshop,
)
from referral.service.submit_referral import SubmitReferral, SubmittedReferral, submit_referral


@dataclass
class ReferralDatabase:
    """A migrated database of its own, units of work on it, and the organisations a test needs."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    region: str = "grand-est"
    now: datetime = field(default_factory=lambda: datetime(2026, 9, 1, 9, 0, tzinfo=UTC))

    @property
    def events_topic(self) -> str:
        return topics_for_region(self.region).referral_events

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, region=self.region, events_topic=self.events_topic)

    def later(self, **delta: float) -> datetime:
        self.now += timedelta(**delta) if delta else timedelta(minutes=1)
        return self.now

    async def organisation(self, kind: OrganisationKind, name: str = "") -> UUID:
        organisation = Organisation(uuid4(), name or f"{kind} {uuid4().hex[:6]}", kind, self.region)
        async with self.unit_of_work() as uow:
            await uow.organisations.add(organisation)
            await uow.commit()
        return organisation.id

    async def workshop(self, operator_id: UUID) -> UUID:
        async with self.unit_of_work() as uow:
            workshop = await publish_workshop(
                PublishWorkshop(workshop_id=uuid4(), operator_organisation_id=operator_id, title="Atelier"),
                uow,
            )
            await uow.commit()
        return workshop.id

    async def session(self, operator_id: UUID, workshop_id: UUID, capacity: int = 12) -> UUID:
        async with self.unit_of_work() as uow:
            session = await publish_session(
                PublishSession(
                    session_id=uuid4(),
                    workshop_id=workshop_id,
                    operator_organisation_id=operator_id,
                    starts_on=date(2026, 10, 5),
                    ends_on=date(2026, 11, 27),
                    venue="Médiathèque de Lens",
                    capacity=capacity,
                ),
                uow,
            )
            await uow.commit()
        return session.id

    async def submit(
        self, prescriber_id: UUID, operator_id: UUID, workshop_id: UUID | None, person: Person | None = None
    ) -> SubmittedReferral:
        async with self.unit_of_work() as uow:
            submitted = await submit_referral(
                SubmitReferral(
                    referral_id=uuid4(),
                    prescriber_organisation_id=prescriber_id,
                    operator_organisation_id=operator_id,
                    workshop_id=workshop_id,
                    at=self.later(),
                    new_person=person or a_person(),
                ),
                uow,
                AnswerClock(),
            )
            await uow.commit()
        return submitted

    async def accepted(self, prescriber_id: UUID, operator_id: UUID, workshop_id: UUID) -> UUID:
        submitted = await self.submit(prescriber_id, operator_id, workshop_id)
        async with self.unit_of_work() as uow:
            await accept_referral(
                AcceptReferral(
                    referral_id=submitted.referral_id, operator_organisation_id=operator_id, at=self.later()
                ),
                uow,
            )
            await uow.commit()
        return submitted.referral_id

    async def rows(self, query: str) -> list[Any]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(text(query))).all())


def a_person(given_names: str = "Éloïse", family_name: str = "Le Goff-Martin") -> Person:
    return Person(
        id=uuid4(),
        identity=Identity(given_names, family_name, date(1986, 3, 15)),
        contact=ContactDetails(phone="06 12 34 56 78"),
        contact_preference=ContactPreference.SMS,
    )
