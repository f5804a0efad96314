"""The notification service asks how to reach a person at the moment it sends; every answer is audited."""

from dataclasses import dataclass
from uuid import UUID

from referral.domain.person import Person
from referral.service.errors import PersonNotFound
from referral.service.unit_of_work import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class ReadContactDetails:
    person_id: UUID
    calling_service: str
    purpose: str


async def read_contact_details(query: ReadContactDetails, uow: UnitOfWork) -> Person:
    person = await uow.persons.get(query.person_id)
    if person is None:
        raise PersonNotFound(query.person_id)
    await uow.contact_accesses.record(person.id, accessed_by=query.calling_service, purpose=query.purpose)
    return person
