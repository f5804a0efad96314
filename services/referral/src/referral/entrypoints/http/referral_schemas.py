"""What partner systems send and receive about referrals; ids, codes and dates, plus the person's identity
only where a prescriber creates one."""

from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from referral.domain.actor import Party
from referral.domain.codes import (
    AttendanceStatus,
    BarrierCategory,
    DropOutReason,
    OutcomeFamily,
    RejectionReason,
    WaitlistReason,
)
from referral.domain.lifecycle import ReferralAction, ReferralStatus
from referral.domain.person import ContactPreference
from referral.domain.referral import Referral

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 .\-]{6,20}$")]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PostalAddressIn(Request):
    street: ShortText
    postcode: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{4,10}$")]
    city: ShortText
    complement: ShortText | None = None


class TrustedPersonIn(Request):
    name: Name
    relationship: ShortText
    phone: Phone


class NewPersonIn(Request):
    given_names: Name
    family_name: Name
    birth_date: date
    phone: Phone | None = None
    email: Email | None = None
    postal_address: PostalAddressIn | None = None
    contact_preference: ContactPreference = ContactPreference.VIA_REFERENT
    trusted_person: TrustedPersonIn | None = None


class ReferralIn(Request):
    operator_organisation_id: UUID = Field(description="The workshop operator the person is referred to.")
    workshop_id: UUID | None = Field(default=None, description="A workshop of that operator, if chosen.")
    person: NewPersonIn | None = Field(default=None, description="A person new to the platform.")
    person_id: UUID | None = Field(default=None, description="A person the prescriber already follows.")

    @model_validator(mode="after")
    def one_person(self) -> Self:
        if (self.person is None) == (self.person_id is None):
            raise ValueError("give either `person` or `person_id`")
        return self


class SubmittedReferralOut(BaseModel):
    referral_id: UUID
    person_id: UUID
    status: ReferralStatus
    possible_duplicates: list[UUID] = Field(
        description="Persons this prescriber follows with the same normalised names and birth date."
    )
    possible_duplicate_elsewhere: bool = Field(
        description="Whether such a person exists that this prescriber does not follow."
    )


class AcceptIn(Request):
    workshop_id: UUID | None = Field(default=None, description="Defaults to the workshop asked for.")


class RejectIn(Request):
    reason_code: RejectionReason
    message_for_prescriber: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None
    ) = Field(default=None, description="Seen by the prescriber only; never published in an event.")


class PlacementIn(Request):
    session_id: UUID


class WaitingListIn(Request):
    reason_code: WaitlistReason = WaitlistReason.NO_SESSION_PLANNED


class AttendanceIn(Request):
    sitting_on: date
    attendance: AttendanceStatus


class PauseIn(Request):
    barrier_category: BarrierCategory
    barrier_id: UUID | None = None


class CompleteIn(Request):
    outcome: OutcomeFamily


class DropOutIn(Request):
    reason_code: DropOutReason


class StatusChangeOut(BaseModel):
    action: ReferralAction
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    at: datetime
    by_party: Party
    by_organisation_id: UUID | None
    workshop_id: UUID | None = None
    session_id: UUID | None = None
    reason_code: str | None = None
    outcome: OutcomeFamily | None = None
    barrier_category: BarrierCategory | None = None
    message_for_prescriber: str | None = None


class ReferralOut(BaseModel):
    id: UUID
    person_id: UUID
    prescriber_organisation_id: UUID
    operator_organisation_id: UUID
    workshop_id: UUID | None
    session_id: UUID | None
    status: ReferralStatus
    sent_at: datetime
    history: list[StatusChangeOut]

    @classmethod
    def of(cls, referral: Referral) -> "ReferralOut":
        return cls(
            id=referral.id,
            person_id=referral.person_id,
            prescriber_organisation_id=referral.prescriber_organisation_id,
            operator_organisation_id=referral.operator_organisation_id,
            workshop_id=referral.workshop_id,
            session_id=referral.session_id,
            status=referral.status,
            sent_at=referral.sent_at,
            history=[
                StatusChangeOut(
                    action=change.action,
                    from_status=change.from_status,
                    to_status=change.to_status,
                    at=change.at,
                    by_party=change.by.party,
                    by_organisation_id=change.by.organisation_id,
                    workshop_id=change.workshop_id,
                    session_id=change.session_id,
                    reason_code=change.reason.value if change.reason else None,
                    outcome=change.outcome,
                    barrier_category=change.barrier_category,
                    message_for_prescriber=change.message_for_prescriber,
                )
                for change in referral.history
            ],
        )


class ReferralSummaryOut(BaseModel):
    id: UUID
    person_id: UUID
    prescriber_organisation_id: UUID
    workshop_id: UUID | None
    session_id: UUID | None
    status: ReferralStatus
    sent_at: datetime
    updated_at: datetime


class ReferralPage(BaseModel):
    items: list[ReferralSummaryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")
