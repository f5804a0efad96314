"""An organisation of the person's care team reads who they are and how to reach them; the read is audited."""

from dataclasses import dataclass
from uuid import UUID

from referral.domain.person import Person
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import person_followed_by


@dataclass(frozen=True, kw_only=True)
class ReadPerson:
    person_id: UUID
    organisation_id: UUID


async def read_person(query: ReadPerson, uow: UnitOfWork) -> Person:
    person = await person_followed_by(uow, query.person_id, query.organisation_id)
    await uow.contact_accesses.record(
        person.id, accessed_by=f"organisation:{query.organisation_id}", purpose="care_team_read"
    )
    return person
