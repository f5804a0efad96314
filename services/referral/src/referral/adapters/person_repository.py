"""Persons (the only identity the platform holds) and their care teams in PostgreSQL."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.adapters.seen_aggregates import SeenAggregates
from referral.adapters.tables import care_team_memberships, persons
from referral.domain.care_team import CareTeam, CareTeamMembership
from referral.domain.codes import CareTeamJoinReason, CareTeamLeaveReason, OrganisationKind
from referral.domain.duplicates import DuplicateKey
from referral.domain.person import (
    ContactDetails,
    ContactPreference,
    Identity,
    Person,
    PostalAddress,
    TrustedPerson,
)

# Built once: the statements of the hot path are compiled and cached by their shape, not rebuilt per call.
_INSERT_PERSON = insert(persons)
_WITH_DUPLICATE_KEY = select(persons.c.id).where(
    persons.c.region == bindparam("region"),
    persons.c.duplicate_family_name == bindparam("family_name"),
    persons.c.duplicate_given_names == bindparam("given_names"),
    persons.c.birth_date == bindparam("birth_date"),
)
_CARE_TEAM = (
    select(care_team_memberships)
    .where(care_team_memberships.c.person_id == bindparam("person_id"))
    .order_by(care_team_memberships.c.position)
)
# The person's row is the care team's lock; the outer join reads the memberships with it.
_CARE_TEAM_LOCKED = (
    select(care_team_memberships)
    .select_from(persons.outerjoin(care_team_memberships))
    .where(persons.c.id == bindparam("person_id"))
    .order_by(care_team_memberships.c.position)
    .with_for_update(of=persons)
)
_INSERT_MEMBERSHIPS = insert(care_team_memberships)


class SqlPersonRepository:
    def __init__(self, session: AsyncSession, region: str) -> None:
        self._session = session
        self._region = region

    async def get(self, person_id: UUID) -> Person | None:
        row = (
            await self._session.execute(
                select(persons).where(persons.c.id == person_id, persons.c.region == self._region)
            )
        ).one_or_none()
        return None if row is None else _person(row)

    async def add(self, person: Person) -> None:
        key = DuplicateKey.of(person.identity)
        address = person.contact.postal_address
        trusted = person.trusted_person
        await self._session.execute(
            _INSERT_PERSON,
            {
                "id": person.id,
                "region": self._region,
                "given_names": person.identity.given_names,
                "family_name": person.identity.family_name,
                "birth_date": person.identity.birth_date,
                "duplicate_family_name": key.family_name,
                "duplicate_given_names": key.given_names,
                "phone": person.contact.phone,
                "email": person.contact.email,
                "street": address.street if address else None,
                "postcode": address.postcode if address else None,
                "city": address.city if address else None,
                "address_complement": address.complement if address else None,
                "contact_preference": person.contact_preference.value,
                "trusted_person_name": trusted.name if trusted else None,
                "trusted_person_relationship": trusted.relationship if trusted else None,
                "trusted_person_phone": trusted.phone if trusted else None,
            },
        )

    async def with_duplicate_key(self, key: DuplicateKey) -> list[UUID]:
        found = await self._session.execute(
            _WITH_DUPLICATE_KEY,
            {
                "region": self._region,
                "family_name": key.family_name,
                "given_names": key.given_names,
                "birth_date": key.birth_date,
            },
        )
        return list(found.scalars())


class SqlCareTeamRepository:
    """Saves what changed in a care team since it was read: memberships are only ever added or ended."""

    def __init__(self, session: AsyncSession, seen: SeenAggregates) -> None:
        self._session = session
        self._seen = seen
        self._as_read: dict[UUID, tuple[CareTeamMembership, ...]] = {}

    async def get(self, person_id: UUID, *, lock: bool = False) -> CareTeam:
        query = _CARE_TEAM_LOCKED if lock else _CARE_TEAM
        rows = (await self._session.execute(query, {"person_id": person_id})).all()
        memberships = tuple(_membership(row) for row in rows if row.person_id is not None)
        care_team = CareTeam(person_id, memberships)
        self._as_read[person_id] = memberships
        self._seen.add(care_team)
        return care_team

    async def save(self, care_team: CareTeam) -> None:
        as_read = self._as_read.get(care_team.person_id)
        if as_read is None or care_team.memberships[: len(as_read)] != as_read:
            await self._rewrite(care_team)
        else:
            added = care_team.memberships[len(as_read) :]
            rows = [
                _membership_row(care_team.person_id, len(as_read) + index, m) for index, m in enumerate(added)
            ]
            if rows:
                await self._session.execute(_INSERT_MEMBERSHIPS, rows)
        self._as_read[care_team.person_id] = care_team.memberships
        self._seen.add(care_team)

    async def _rewrite(self, care_team: CareTeam) -> None:
        await self._session.execute(
            delete(care_team_memberships).where(care_team_memberships.c.person_id == care_team.person_id)
        )
        rows = [
            _membership_row(care_team.person_id, position, membership)
            for position, membership in enumerate(care_team.memberships)
        ]
        if rows:
            await self._session.execute(_INSERT_MEMBERSHIPS, rows)


def _membership_row(person_id: UUID, position: int, membership: CareTeamMembership) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "position": position,
        "organisation_id": membership.organisation_id,
        "organisation_kind": membership.organisation_kind.value,
        "since": membership.since,
        "until": membership.until,
        "join_reason": membership.join_reason.value,
        "leave_reason": membership.leave_reason.value if membership.leave_reason else None,
        "referral_id": membership.referral_id,
    }


def _person(row: Row[Any]) -> Person:
    address = (
        PostalAddress(row.street, row.postcode, row.city, row.address_complement)
        if row.street is not None
        else None
    )
    trusted = (
        TrustedPerson(row.trusted_person_name, row.trusted_person_relationship, row.trusted_person_phone)
        if row.trusted_person_name is not None
        else None
    )
    return Person(
        id=row.id,
        identity=Identity(row.given_names, row.family_name, row.birth_date),
        contact=ContactDetails(phone=row.phone, email=row.email, postal_address=address),
        contact_preference=ContactPreference(row.contact_preference),
        trusted_person=trusted,
    )


def _membership(row: Row[Any]) -> CareTeamMembership:
    return CareTeamMembership(
        organisation_id=row.organisation_id,
        organisation_kind=OrganisationKind(row.organisation_kind),
        since=row.since,
        join_reason=CareTeamJoinReason(row.join_reason),
        referral_id=row.referral_id,
        until=row.until,
        leave_reason=CareTeamLeaveReason(row.leave_reason) if row.leave_reason else None,
    )
