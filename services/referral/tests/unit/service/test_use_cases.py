"""The use cases against an in-memory unit of work: what they change, which events they queue, and
that they never commit themselves."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from fake_unit_of_work import FakeStore, FakeUnitOfWork

from referral.domain import events
from referral.domain.answer_clock import AnswerClock
from referral.domain.codes import CareTeamJoinReason, CareTeamLeaveReason, OrganisationKind
from referral.domain.errors import NotAPartyToTheReferral
from referral.domain.organisation import Organisation
from referral.domain.person import Identity, Person
from referral.domain.workshop import Workshop
from referral.service.add_to_care_team import AddToCareTeam, add_to_care_team
from referral.service.answer_referral import AcceptReferral, accept_referral
from referral.service.contact_for_notification import ReadContactDetails, read_contact_details
from referral.service.end_care_team_membership import EndCareTeamMembership, end_care_team_membership
from referral.service.errors import PersonNotFound, ReferralNotFound, UnknownOrganisation
from referral.service.expire_referrals import expire_due_referrals
from referral.service.submit_referral import SubmitReferral, submit_referral
from referral.service.withdraw_referral import WithdrawReferral, withdraw_referral

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


class World:
    def __init__(self) -> None:
        self.store = FakeStore()
        self.prescriber = self._organisation(OrganisationKind.PRESCRIBER)
        self.other_prescriber = self._organisation(OrganisationKind.PRESCRIBER)
        self.operator = self._organisation(OrganisationKind.OPERATOR)
        self.support_partner = self._organisation(OrganisationKind.SUPPORT_PARTNER)
        self.workshop = Workshop(uuid4(), self.operator, "Première marche")
        self.store.workshops[self.workshop.id] = self.workshop

    def _organisation(self, kind: OrganisationKind) -> UUID:
        organisation = Organisation(uuid4(), str(kind), kind, "grand-est")
        self.store.organisations[organisation.id] = organisation
        return organisation.id

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)

    async def submit(
        self, *, by: UUID | None = None, person_id: UUID | None = None, at: datetime = NOW
    ) -> tuple[FakeUnitOfWork, UUID, UUID]:
        uow = self.uow()
        person = None if person_id else Person(uuid4(), Identity("Éloïse", "Le Goff", date(1986, 3, 15)))
        submitted = await submit_referral(
            SubmitReferral(
                referral_id=uuid4(),
                prescriber_organisation_id=by or self.prescriber,
                operator_organisation_id=self.operator,
                workshop_id=self.workshop.id,
                at=at,
                new_person=person,
                person_id=person_id,
            ),
            uow,
            AnswerClock(),
        )
        return uow, submitted.referral_id, submitted.person_id


@pytest.fixture
def world() -> World:
    return World()


async def test_submitting_queues_the_referral_and_the_prescribers_joining_without_committing(
    world: World,
) -> None:
    uow, _, person_id = await world.submit()

    assert not uow.committed
    await uow.commit()
    assert [type(event) for event in world.store.published] == [
        events.ReferralSent,
        events.CareTeamMemberAdded,
    ]
    assert world.store.care_teams[person_id].is_followed_by(world.prescriber)


async def test_a_person_another_prescriber_follows_cannot_be_referred_by_id(world: World) -> None:
    _, _, person_id = await world.submit()

    with pytest.raises(PersonNotFound):
        await world.submit(by=world.other_prescriber, person_id=person_id)


async def test_only_a_prescriber_organisation_sends_referrals(world: World) -> None:
    with pytest.raises(UnknownOrganisation):
        await world.submit(by=world.operator)


async def test_accepting_twice_for_the_same_person_adds_the_operator_to_the_care_team_once(
    world: World,
) -> None:
    _, first, person_id = await world.submit()
    _, second, _ = await world.submit(person_id=person_id)

    for referral_id in (first, second):
        uow = world.uow()
        await accept_referral(
            AcceptReferral(
                referral_id=referral_id, operator_organisation_id=world.operator, at=NOW + timedelta(1)
            ),
            uow,
        )
        await uow.commit()

    memberships = world.store.care_teams[person_id].memberships
    assert [m.join_reason for m in memberships] == [
        CareTeamJoinReason.REFERRED_THE_PERSON,
        CareTeamJoinReason.ACCEPTED_THE_REFERRAL,
    ]


async def test_another_organisation_is_told_the_referral_does_not_exist(world: World) -> None:
    _, referral_id, _ = await world.submit()

    with pytest.raises(ReferralNotFound):
        await withdraw_referral(
            WithdrawReferral(
                referral_id=referral_id, prescriber_organisation_id=world.other_prescriber, at=NOW
            ),
            world.uow(),
        )


async def test_the_operator_may_see_the_referral_but_not_withdraw_it(world: World) -> None:
    _, referral_id, _ = await world.submit()

    with pytest.raises(NotAPartyToTheReferral):
        await withdraw_referral(
            WithdrawReferral(referral_id=referral_id, prescriber_organisation_id=world.operator, at=NOW),
            world.uow(),
        )


async def test_expiry_takes_only_what_is_due_and_no_more_than_a_batch(world: World) -> None:
    for at in [NOW, NOW, NOW, NOW + timedelta(days=20)]:
        submitted, _, _ = await world.submit(at=at)
        await submitted.commit()
    uow = world.uow()

    expired = await expire_due_referrals(uow, AnswerClock(), NOW + timedelta(days=30), batch_size=2)
    await uow.commit()

    assert expired == 2
    assert [type(event) for event in world.store.published[8:]] == [events.ReferralExpired] * 2


async def test_reading_contact_details_is_recorded_with_its_purpose(world: World) -> None:
    _, _, person_id = await world.submit()
    uow = world.uow()

    await read_contact_details(
        ReadContactDetails(person_id=person_id, calling_service="notification", purpose="delivery"), uow
    )

    assert world.store.contact_accesses == [(person_id, "notification", "delivery")]


async def test_ending_a_membership_queues_its_removal_without_committing(world: World) -> None:
    _, _, person_id = await world.submit()
    partner = world.support_partner
    adding = world.uow()
    await add_to_care_team(
        AddToCareTeam(person_id=person_id, organisation_id=partner, referent_id=world.prescriber, at=NOW),
        adding,
    )
    await adding.commit()
    uow = world.uow()

    await end_care_team_membership(
        EndCareTeamMembership(
            person_id=person_id, organisation_id=partner, requested_by=world.prescriber, at=NOW
        ),
        uow,
    )

    assert not uow.committed
    await uow.commit()
    removed = world.store.published[-1]
    assert isinstance(removed, events.CareTeamMemberRemoved)
    assert (removed.organisation_id, removed.reason_code) == (
        partner,
        CareTeamLeaveReason.REMOVED_BY_REFERENT,
    )
    assert not world.store.care_teams[person_id].is_followed_by(partner)


async def test_an_organisation_outside_the_care_team_is_told_the_person_does_not_exist(world: World) -> None:
    _, _, person_id = await world.submit()

    with pytest.raises(PersonNotFound):
        await end_care_team_membership(
            EndCareTeamMembership(
                person_id=person_id,
                organisation_id=world.prescriber,
                requested_by=world.other_prescriber,
                at=NOW,
            ),
            world.uow(),
        )
