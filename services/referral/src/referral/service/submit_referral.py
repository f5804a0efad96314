"""A prescriber sends a referral for a new person, or for a person its organisation already follows."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain.actor import Actor
from referral.domain.answer_clock import AnswerClock
from referral.domain.codes import CareTeamJoinReason, OrganisationKind
from referral.domain.duplicates import DuplicateKey
from referral.domain.person import Person
from referral.domain.referral import Referral
from referral.service.errors import UnknownOrganisation, UnknownWorkshop
from referral.service.unit_of_work import UnitOfWork
from referral.service.visibility import person_followed_by


@dataclass(frozen=True, kw_only=True)
class SubmitReferral:
    referral_id: UUID
    prescriber_organisation_id: UUID
    operator_organisation_id: UUID
    workshop_id: UUID | None
    at: datetime
    new_person: Person | None = None
    """Either a new person, or the id of one the prescriber already follows."""
    person_id: UUID | None = None


@dataclass(frozen=True)
class SubmittedReferral:
    referral_id: UUID
    person_id: UUID
    possible_duplicates: tuple[UUID, ...]
    """Persons of the region with the same normalised names and birth date that the prescriber follows."""
    possible_duplicate_elsewhere: bool
    """Whether such a person exists that the prescriber does not follow (their id is not told)."""


async def submit_referral(
    command: SubmitReferral, uow: UnitOfWork, answer_clock: AnswerClock
) -> SubmittedReferral:
    prescriber = await uow.organisations.get(command.prescriber_organisation_id)
    if prescriber is None or prescriber.kind is not OrganisationKind.PRESCRIBER:
        raise UnknownOrganisation(command.prescriber_organisation_id, OrganisationKind.PRESCRIBER)
    operator = await uow.organisations.get(command.operator_organisation_id)
    if operator is None or operator.kind is not OrganisationKind.OPERATOR:
        raise UnknownOrganisation(command.operator_organisation_id, OrganisationKind.OPERATOR)
    workshop = None
    if command.workshop_id is not None:
        workshop = await uow.workshops.get(command.workshop_id)
        if workshop is None:
            raise UnknownWorkshop(command.workshop_id)

    followed: list[UUID] = []
    elsewhere = False
    if command.new_person is not None:
        person = command.new_person
        for candidate in await uow.persons.with_duplicate_key(DuplicateKey.of(person.identity)):
            if (await uow.care_teams.get(candidate)).is_followed_by(prescriber.id):
                followed.append(candidate)
            else:
                elsewhere = True
        await uow.persons.add(person)
    elif command.person_id is not None:
        person = await person_followed_by(uow, command.person_id, prescriber.id)
    else:
        raise ValueError("a referral names a new person or an existing one")

    referral = Referral.send(
        referral_id=command.referral_id,
        person_id=person.id,
        by=Actor.prescriber(prescriber.id),
        operator_organisation_id=operator.id,
        workshop=workshop,
        at=command.at,
        answer_clock=answer_clock,
    )
    await uow.referrals.add(referral)
    care_team = await uow.care_teams.get(person.id, lock=True)
    if not care_team.is_followed_by(prescriber.id):
        care_team.add(
            organisation_id=prescriber.id,
            organisation_kind=prescriber.kind,
            reason=CareTeamJoinReason.REFERRED_THE_PERSON,
            at=command.at,
            referral_id=referral.id,
        )
        await uow.care_teams.save(care_team)
    return SubmittedReferral(referral.id, person.id, tuple(followed), elsewhere)
