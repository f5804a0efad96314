"""What use cases need from storage: repositories of aggregates, and one commit done by the caller.

Use cases never commit: the entrypoint that opened the unit of work commits once, and committing
publishes the domain events the aggregates it saw have queued, in the same transaction.
"""

from datetime import datetime
from typing import Protocol
from uuid import UUID

from referral.domain.attendance import AttendanceRecord
from referral.domain.care_team import CareTeam
from referral.domain.duplicates import DuplicateKey
from referral.domain.organisation import Organisation
from referral.domain.person import Person
from referral.domain.referral import Referral
from referral.domain.workshop import Session, Workshop


class ReferralRepository(Protocol):
    async def get(self, referral_id: UUID, *, lock: bool = False) -> Referral | None: ...

    async def add(self, referral: Referral) -> None: ...

    async def save(self, referral: Referral) -> None: ...

    async def due_for_expiry(self, sent_by: datetime, *, limit: int) -> list[Referral]:
        """Referrals still awaiting an answer, sent before ``sent_by``, locked, skipping those
        another transaction holds."""
        ...


class PersonRepository(Protocol):
    async def get(self, person_id: UUID) -> Person | None: ...

    async def add(self, person: Person) -> None: ...

    async def with_duplicate_key(self, key: DuplicateKey) -> list[UUID]: ...


class CareTeamRepository(Protocol):
    async def get(self, person_id: UUID, *, lock: bool = False) -> CareTeam:
        """With ``lock``, holds the person until commit, so that two changes of one care team queue up."""
        ...

    async def save(self, care_team: CareTeam) -> None: ...


class WorkshopRepository(Protocol):
    async def get(self, workshop_id: UUID) -> Workshop | None: ...

    async def add(self, workshop: Workshop) -> None: ...

    async def get_session(self, session_id: UUID, *, lock: bool = False) -> Session | None: ...

    async def add_session(self, session: Session) -> None: ...

    async def save_session(self, session: Session) -> None: ...

    async def sessions_holding(self, referral_id: UUID) -> list[UUID]:
        """Sessions where the referral has a seat or a place in line."""
        ...


class OrganisationRepository(Protocol):
    async def get(self, organisation_id: UUID) -> Organisation | None: ...

    async def add(self, organisation: Organisation) -> None: ...


class AttendanceRepository(Protocol):
    async def record(self, attendance: AttendanceRecord) -> None: ...


class ContactAccessLog(Protocol):
    async def record(self, person_id: UUID, *, accessed_by: str, purpose: str) -> None: ...


class UnitOfWork(Protocol):
    @property
    def referrals(self) -> ReferralRepository: ...

    @property
    def persons(self) -> PersonRepository: ...

    @property
    def care_teams(self) -> CareTeamRepository: ...

    @property
    def workshops(self) -> WorkshopRepository: ...

    @property
    def organisations(self) -> OrganisationRepository: ...

    @property
    def attendances(self) -> AttendanceRepository: ...

    @property
    def contact_accesses(self) -> ContactAccessLog: ...
