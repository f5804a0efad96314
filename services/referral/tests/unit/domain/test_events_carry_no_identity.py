"""Domain events carry ids, codes, dates and counts: never a person's identity, nor any free text."""

import typing
from dataclasses import fields
from datetime import date, datetime
from enum import StrEnum
from types import NoneType, UnionType
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from referral.domain import events
from referral.domain.care_team import CareTeam
from referral.domain.codes import CareTeamJoinReason, CareTeamLeaveReason, OrganisationKind
from referral.domain.lifecycle import ReferralAction, ReferralStatus
from referral.domain.person import (
    ContactDetails,
    ContactPreference,
    Identity,
    Person,
    PostalAddress,
    TrustedPerson,
)

if TYPE_CHECKING:
    from conftest import World

ALLOWED_FIELD_TYPES = (UUID, date, datetime, int, StrEnum, NoneType)


A = ReferralAction
LIVES = {
    ReferralStatus.REJECTED: [A.MARK_UNDER_REVIEW, A.REJECT],
    ReferralStatus.COMPLETED: [A.ACCEPT, A.WAITLIST, A.SCHEDULE, A.START, A.PAUSE, A.RESUME, A.COMPLETE],
    ReferralStatus.CANCELLED: [A.ACCEPT, A.SCHEDULE, A.START, A.PAUSE, A.CANCEL],
}


def all_event_classes() -> list[type[events.DomainEvent]]:
    found, pending = [], [events.DomainEvent]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_event_field_is_typed_as_an_id_a_code_a_date_or_a_count() -> None:
    for cls in all_event_classes():
        for name, hint in typing.get_type_hints(cls).items():
            options = hint.__args__ if isinstance(hint, UnionType) else (hint,)
            for option in options:
                assert issubclass(option, ALLOWED_FIELD_TYPES), f"{cls.__name__}.{name}: {option}"


def test_no_event_of_a_whole_pathway_holds_anything_of_the_persons_identity(world: "World") -> None:
    person = Person(
        id=uuid4(),
        identity=Identity(given_names="Éloïse", family_name="Le Goff-Martin", birth_date=date(1987, 3, 14)),
        contact=ContactDetails(
            phone="06 12 34 56 78",
            email="eloise.legoff@example.org",
            postal_address=PostalAddress(street="12 rue des Corons", postcode="62300", city="Lens"),
        ),
        contact_preference=ContactPreference.SMS,
        trusted_person=TrustedPerson(name="Maëlle Le Goff", relationship="sœur", phone="06 98 76 54 32"),
    )
    identity_texts = [
        "Éloïse",
        "Le Goff",
        "06 12 34 56 78",
        "eloise.legoff@example.org",
        "Corons",
        "Maëlle",
        "06 98 76 54 32",
        "Mme",
    ]
    emitted: list[events.DomainEvent] = []
    for ending in (ReferralStatus.REJECTED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED):
        referral = world.send(person_id=person.id)
        for action in LIVES[ending]:
            world.perform(referral, action)
        emitted.extend(referral.pull_events())
    team = CareTeam(person_id=person.id)
    operator_id = world.operator.organisation_id
    assert operator_id is not None
    team.add(
        organisation_id=operator_id,
        organisation_kind=OrganisationKind.OPERATOR,
        reason=CareTeamJoinReason.ACCEPTED_THE_REFERRAL,
        at=world.later(),
    )
    team.end(organisation_id=operator_id, reason=CareTeamLeaveReason.PATHWAY_ENDED, at=world.later())
    emitted.extend(team.pull_events())

    assert len(emitted) == 19
    for event in emitted:
        for field in fields(event):
            value = getattr(event, field.name)
            assert not isinstance(value, Person | Identity | ContactDetails | TrustedPerson | PostalAddress)
            where = f"{type(event).__name__}.{field.name}"
            assert isinstance(value, ALLOWED_FIELD_TYPES), where
            assert not any(text in str(value) for text in identity_texts), where
            assert value != person.identity.birth_date, where
