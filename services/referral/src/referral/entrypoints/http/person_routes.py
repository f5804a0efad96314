"""A person's identity and contact details: for the organisations of their care team, and, through an
internal service token, for the notification service at the moment it sends (every such read audited)."""

import hmac
from datetime import date
from typing import Annotated, Final
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from referral.domain.person import ContactPreference, Person
from referral.entrypoints.http.context import HttpContext
from referral.entrypoints.http.problems import PROBLEM_RESPONSES
from referral.entrypoints.http.scopes import READ_PERSONS
from referral.service.contact_for_notification import ReadContactDetails, read_contact_details
from referral.service.read_person import ReadPerson, read_person
from service_kit.http.api_keys import AuthenticatedOrganisation
from service_kit.http.problems import Problem, ProblemError, problem_type

NOTIFICATION_SERVICE: Final = "notification"

_service_token = HTTPBearer(
    scheme_name="InternalServiceToken", auto_error=False, description="The internal service token."
)


class PostalAddressOut(BaseModel):
    street: str
    postcode: str
    city: str
    complement: str | None


class TrustedPersonOut(BaseModel):
    name: str
    relationship: str
    phone: str


class ContactOut(BaseModel):
    person_id: UUID
    phone: str | None
    email: str | None
    postal_address: PostalAddressOut | None
    contact_preference: ContactPreference
    trusted_person: TrustedPersonOut | None

    @classmethod
    def of(cls, person: Person) -> "ContactOut":
        address, trusted = person.contact.postal_address, person.trusted_person
        return cls(
            person_id=person.id,
            phone=person.contact.phone,
            email=person.contact.email,
            postal_address=PostalAddressOut(**vars(address)) if address else None,
            contact_preference=person.contact_preference,
            trusted_person=TrustedPersonOut(**vars(trusted)) if trusted else None,
        )


class PersonOut(ContactOut):
    given_names: str
    family_name: str
    birth_date: date

    @classmethod
    def of_person(cls, person: Person) -> "PersonOut":
        return cls(
            **ContactOut.of(person).model_dump(),
            given_names=person.identity.given_names,
            family_name=person.identity.family_name,
            birth_date=person.identity.birth_date,
        )


def person_routes(context: HttpContext) -> APIRouter:
    router = APIRouter(tags=["persons"], responses=PROBLEM_RESPONSES)
    Reader = Annotated[AuthenticatedOrganisation, Depends(context.caller_with(READ_PERSONS))]  # noqa: N806 - a type

    async def internal_service(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_token)],
    ) -> str:
        expected = context.settings.internal_service_token.get_secret_value().encode()
        presented = credentials.credentials.encode() if credentials else b""
        if not hmac.compare_digest(presented, expected):
            problem = Problem(
                type=problem_type("unauthenticated"),
                title="Authentication required",
                status=401,
                detail="This internal endpoint needs the internal service token.",
            )
            raise ProblemError(
                problem, headers={"WWW-Authenticate": 'Bearer realm="premiere-marche-internal"'}
            )
        return NOTIFICATION_SERVICE

    @router.get("/persons/{person_id}", response_model=PersonOut)
    async def read_followed_person(person_id: UUID, caller: Reader) -> PersonOut:
        """The person, for an organisation of their care team; the read is recorded."""
        async with context.unit_of_work() as uow:
            person = await read_person(
                ReadPerson(person_id=person_id, organisation_id=caller.organisation_id), uow
            )
            await uow.commit()
        return PersonOut.of_person(person)

    @router.get("/internal/persons/{person_id}/contact", response_model=ContactOut, tags=["internal"])
    async def contact_for_sending(
        person_id: UUID,
        calling_service: Annotated[str, Depends(internal_service)],
        purpose: Annotated[str, Query(pattern=r"^[a-z0-9_.:\-]{1,200}$", description="Why, as a code.")],
    ) -> ContactOut:
        """How to reach the person now; the read is recorded with its purpose."""
        async with context.unit_of_work() as uow:
            query = ReadContactDetails(person_id=person_id, calling_service=calling_service, purpose=purpose)
            person = await read_contact_details(query, uow)
            await uow.commit()
        return ContactOut.of(person)

    return router
