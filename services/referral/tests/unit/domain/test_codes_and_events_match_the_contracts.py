"""The domain mirrors the v1 contracts without importing them; these tests keep the mirror true."""

from dataclasses import fields
from enum import StrEnum

import pytest

from event_contracts.catalogue import codes as contract_codes
from event_contracts.catalogue import referral as contract_events
from event_contracts.catalogue.base import EventData
from referral.domain import codes, events
from referral.domain.actor import Party

MIRRORED_CODES: list[tuple[type[StrEnum], type[StrEnum]]] = [
    (codes.OrganisationKind, contract_codes.OrganisationKind),
    (codes.RejectionReason, contract_codes.RejectionReason),
    (codes.DropOutReason, contract_codes.DropOutReason),
    (codes.WaitlistReason, contract_codes.WaitlistReason),
    (codes.OutcomeFamily, contract_codes.OutcomeFamily),
    (codes.BarrierCategory, contract_codes.BarrierCategory),
    (codes.CareTeamJoinReason, contract_codes.CareTeamJoinReason),
    (codes.CareTeamLeaveReason, contract_codes.CareTeamLeaveReason),
    (codes.AttendanceStatus, contract_codes.AttendanceStatus),
]

PUBLISHED_AS: list[tuple[type[events.DomainEvent], type[EventData]]] = [
    (events.ReferralSent, contract_events.ReferralSent),
    (events.ReferralMarkedUnderReview, contract_events.ReferralUnderReview),
    (events.ReferralAccepted, contract_events.ReferralAccepted),
    (events.ReferralRejected, contract_events.ReferralRejected),
    (events.ReferralExpired, contract_events.ReferralExpired),
    (events.ReferralWithdrawn, contract_events.ReferralWithdrawn),
    (events.ReferralWaitlisted, contract_events.ReferralWaitlisted),
    (events.ReferralScheduled, contract_events.ReferralScheduled),
    (events.ReferralStarted, contract_events.ReferralStarted),
    (events.ReferralPaused, contract_events.ReferralPaused),
    (events.ReferralResumed, contract_events.ReferralResumed),
    (events.ReferralCompleted, contract_events.ReferralCompleted),
    (events.ReferralDroppedOut, contract_events.ReferralDroppedOut),
    (events.ReferralCancelled, contract_events.ReferralCancelled),
    (events.CareTeamMemberAdded, contract_events.CareTeamMemberAdded),
    (events.CareTeamMemberRemoved, contract_events.CareTeamMemberRemoved),
    (events.AttendanceRecorded, contract_events.WorkshopAttendanceRecorded),
]


@pytest.mark.parametrize(("domain", "contract"), MIRRORED_CODES, ids=lambda enum: enum.__name__)
def test_each_domain_code_has_the_values_of_its_contract_code(
    domain: type[StrEnum], contract: type[StrEnum]
) -> None:
    assert [member.value for member in domain] == [member.value for member in contract]


def test_the_sides_of_a_referral_are_the_contracts_parties_plus_the_platform_itself() -> None:
    assert {party.value for party in Party} == {party.value for party in contract_codes.ReferralParty} | {
        "system"
    }


@pytest.mark.parametrize(("domain", "contract"), PUBLISHED_AS, ids=lambda cls: cls.__name__)
def test_each_domain_event_carries_every_field_of_the_event_it_is_published_as(
    domain: type[events.DomainEvent], contract: type[EventData]
) -> None:
    assert set(contract.model_fields) <= {field.name for field in fields(domain)}


def test_every_referral_event_of_the_catalogue_has_a_domain_event() -> None:
    published = {contract for _, contract in PUBLISHED_AS}

    assert set(contract_events.REFERRAL_EVENT_MODELS) == published
