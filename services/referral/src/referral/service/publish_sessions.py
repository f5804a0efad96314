"""Operators publish their workshops and the sessions of each, with dates, place and capacity."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from referral.domain.codes import OrganisationKind
from referral.domain.workshop import Session, Workshop
from referral.service.errors import UnknownOrganisation, WorkshopNotFound
from referral.service.unit_of_work import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class PublishWorkshop:
    workshop_id: UUID
    operator_organisation_id: UUID
    title: str


@dataclass(frozen=True, kw_only=True)
class PublishSession:
    session_id: UUID
    workshop_id: UUID
    operator_organisation_id: UUID
    starts_on: date
    ends_on: date
    venue: str
    capacity: int


async def publish_workshop(command: PublishWorkshop, uow: UnitOfWork) -> Workshop:
    operator = await uow.organisations.get(command.operator_organisation_id)
    if operator is None or operator.kind is not OrganisationKind.OPERATOR:
        raise UnknownOrganisation(command.operator_organisation_id, OrganisationKind.OPERATOR)
    workshop = Workshop(command.workshop_id, operator.id, command.title)
    await uow.workshops.add(workshop)
    return workshop


async def publish_session(command: PublishSession, uow: UnitOfWork) -> Session:
    workshop = await workshop_of(uow, command.workshop_id, command.operator_organisation_id)
    session = workshop.plan_session(
        session_id=command.session_id,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        venue=command.venue,
        capacity=command.capacity,
    )
    await uow.workshops.add_session(session)
    return session


async def workshop_of(uow: UnitOfWork, workshop_id: UUID, operator_organisation_id: UUID) -> Workshop:
    workshop = await uow.workshops.get(workshop_id)
    if workshop is None or workshop.operator_organisation_id != operator_organisation_id:
        raise WorkshopNotFound(workshop_id)
    return workshop
