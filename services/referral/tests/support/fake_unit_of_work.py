"""An in-memory unit of work for the use cases' unit tests: dictionaries for tables, and the events the
aggregates it saw queued, collected the way the real one writes them to the outbox."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from referral.domain.attendance import AttendanceRecord
from referral.domain.care_team import CareTeam
from referral.domain.duplicates import DuplicateKey
from referral.domain.events import DomainEvent
from referral.domain.lifecycle import AWAITING_ANSWER
from referral.domain.organisation import Organisation
from referral.domain.person import Person
from referral.domain.referral import Referral
from referral.domain.workshop import Session, Workshop


@dataclass
class FakeStore:
    referrals: dict[UUID, Referral] = field(default_factory=dict)
    persons: dict[UUID, Person] = field(default_factory=dict)
    care_teams: dict[UUID, CareTeam] = field(default_factory=dict)
    workshops: dict[UUID, Workshop] = field(default_factory=dict)
    sessions: dict[UUID, Session] = field(default_factory=dict)
    organisations: dict[UUID, Organisation] = field(default_factory=dict)
    attendances: list[AttendanceRecord] = field(default_factory=list)
    contact_accesses: list[tuple[UUID, str, str]] = field(default_factory=list)
    published: list[DomainEvent] = field(default_factory=list)


class _Seen:
    def __init__(self) -> None:
        self.aggregates: list[Referral | CareTeam] = []

    def add(self, aggregate: Referral | CareTeam) -> None:
        if not any(seen is aggregate for seen in self.aggregates):
            self.aggregates.append(aggregate)


class FakeReferrals:
    def __init__(self, store: FakeStore, seen: _Seen) -> None:
        self._store, self._seen = store, seen

    async def get(self, referral_id: UUID, *, lock: bool = False) -> Referral | None:
        referral = self._store.referrals.get(referral_id)
        if referral is not None:
            self._seen.add(referral)
        return referral

    async def add(self, referral: Referral) -> None:
        self._store.referrals[referral.id] = referral
        self._seen.add(referral)

    async def save(self, referral: Referral) -> None:
        self._store.referrals[referral.id] = referral
        self._seen.add(referral)

    async def due_for_expiry(self, sent_by: datetime, *, limit: int) -> list[Referral]:
        due = [
            r for r in self._store.referrals.values() if r.status in AWAITING_ANSWER and r.sent_at <= sent_by
        ]
        for referral in due[:limit]:
            self._seen.add(referral)
        return due[:limit]


class FakePersons:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, person_id: UUID) -> Person | None:
        return self._store.persons.get(person_id)

    async def add(self, person: Person) -> None:
        self._store.persons[person.id] = person

    async def with_duplicate_key(self, key: DuplicateKey) -> list[UUID]:
        return [p.id for p in self._store.persons.values() if DuplicateKey.of(p.identity) == key]


class FakeCareTeams:
    def __init__(self, store: FakeStore, seen: _Seen) -> None:
        self._store, self._seen = store, seen

    async def get(self, person_id: UUID, *, lock: bool = False) -> CareTeam:
        care_team = self._store.care_teams.setdefault(person_id, CareTeam(person_id))
        self._seen.add(care_team)
        return care_team

    async def save(self, care_team: CareTeam) -> None:
        self._store.care_teams[care_team.person_id] = care_team


class FakeWorkshops:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, workshop_id: UUID) -> Workshop | None:
        return self._store.workshops.get(workshop_id)

    async def add(self, workshop: Workshop) -> None:
        self._store.workshops[workshop.id] = workshop

    async def get_session(self, session_id: UUID, *, lock: bool = False) -> Session | None:
        return self._store.sessions.get(session_id)

    async def sessions_holding(self, referral_id: UUID) -> list[UUID]:
        return sorted(
            s.id
            for s in self._store.sessions.values()
            if s.holds_seat_for(referral_id) or s.is_waiting(referral_id)
        )

    async def add_session(self, session: Session) -> None:
        self._store.sessions[session.id] = session

    async def save_session(self, session: Session) -> None:
        self._store.sessions[session.id] = replace(session)


class FakeOrganisations:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, organisation_id: UUID) -> Organisation | None:
        return self._store.organisations.get(organisation_id)

    async def add(self, organisation: Organisation) -> None:
        self._store.organisations[organisation.id] = organisation


class FakeAttendances:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def record(self, attendance: AttendanceRecord) -> None:
        self._store.attendances.append(attendance)


class FakeContactAccesses:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def record(self, person_id: UUID, *, accessed_by: str, purpose: str) -> None:
        self._store.contact_accesses.append((person_id, accessed_by, purpose))


class FakeUnitOfWork:
    """Changes land in the store at once (there is no rollback); `commit` collects the events."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._seen = _Seen()
        self.referrals = FakeReferrals(store, self._seen)
        self.persons = FakePersons(store)
        self.care_teams = FakeCareTeams(store, self._seen)
        self.workshops = FakeWorkshops(store)
        self.organisations = FakeOrganisations(store)
        self.attendances = FakeAttendances(store)
        self.contact_accesses = FakeContactAccesses(store)
        self.committed = False

    async def commit(self) -> None:
        for aggregate in self._seen.aggregates:
            self.store.published.extend(aggregate.pull_events())
        self.committed = True
