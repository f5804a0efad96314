"""Prescribers send and withdraw referrals; either side cancels one, and reads it with its whole history."""

from datetime import datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse

from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.domain.lifecycle import ReferralStatus
from referral.domain.person import ContactDetails, Identity, Person, PostalAddress, TrustedPerson
from referral.entrypoints.http.context import HttpContext, Idempotency, referral_document
from referral.entrypoints.http.problems import PROBLEM_RESPONSES
from referral.entrypoints.http.referral_schemas import (
    NewPersonIn,
    ReferralIn,
    ReferralOut,
    SubmittedReferralOut,
)
from referral.entrypoints.http.scopes import ANSWER_REFERRALS, READ_REFERRALS, SEND_REFERRALS
from referral.service.cancel_referral import CancelReferral, cancel_referral
from referral.service.submit_referral import SubmitReferral, submit_referral
from referral.service.visibility import referral_of
from referral.service.withdraw_referral import WithdrawReferral, withdraw_referral
from service_kit.http.api_key_auth import require_scope
from service_kit.http.api_keys import AuthenticatedOrganisation


def prescriber_routes(context: HttpContext) -> APIRouter:
    router = APIRouter(prefix="/referrals", tags=["referrals"], responses=PROBLEM_RESPONSES)
    Prescriber = Annotated[AuthenticatedOrganisation, Depends(context.caller_with(SEND_REFERRALS))]  # noqa: N806 - a type
    AnyPartner = Annotated[AuthenticatedOrganisation, Depends(context.any_partner())]  # noqa: N806 - a type
    Reader = Annotated[AuthenticatedOrganisation, Depends(context.caller_with(READ_REFERRALS))]  # noqa: N806 - a type

    @router.post("", status_code=201, response_model=SubmittedReferralOut)
    async def send_referral(body: ReferralIn, caller: Prescriber, idempotency: Idempotency) -> Response:
        """Sends a referral for a new person or one the prescriber follows; a possible duplicate is
        reported, never merged."""

        async def submit(uow: SqlUnitOfWork, at: datetime) -> Response:
            submitted = await submit_referral(
                SubmitReferral(
                    referral_id=uuid4(),
                    prescriber_organisation_id=caller.organisation_id,
                    operator_organisation_id=body.operator_organisation_id,
                    workshop_id=body.workshop_id,
                    at=at,
                    new_person=_person(body.person) if body.person else None,
                    person_id=body.person_id,
                ),
                uow,
                context.settings.answer_clock,
            )
            document = SubmittedReferralOut(
                referral_id=submitted.referral_id,
                person_id=submitted.person_id,
                status=ReferralStatus.SENT,
                possible_duplicates=list(submitted.possible_duplicates),
                possible_duplicate_elsewhere=submitted.possible_duplicate_elsewhere,
            )
            return JSONResponse(
                document.model_dump(mode="json"),
                status_code=201,
                headers={"Location": f"/referrals/{submitted.referral_id}"},
            )

        return await context.apply_once(caller, idempotency, submit)

    @router.post("/{referral_id}/withdraw", response_model=ReferralOut)
    async def withdraw(referral_id: UUID, caller: Prescriber, idempotency: Idempotency) -> Response:
        """Withdraws a referral the operator has not answered yet."""

        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            command = WithdrawReferral(
                referral_id=referral_id, prescriber_organisation_id=caller.organisation_id, at=at
            )
            await withdraw_referral(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @router.post("/{referral_id}/cancel", response_model=ReferralOut)
    async def cancel(referral_id: UUID, caller: AnyPartner, idempotency: Idempotency) -> Response:
        """Cancels an accepted referral, on the prescriber's side (`referrals:send`) or the operator's
        (`referrals:answer`); a seat it held is freed."""

        async def use_case(uow: SqlUnitOfWork, at: datetime) -> None:
            referral = await referral_of(uow, referral_id, caller.organisation_id)
            sending_side = caller.organisation_id == referral.prescriber_organisation_id
            require_scope(caller, SEND_REFERRALS if sending_side else ANSWER_REFERRALS)
            command = CancelReferral(referral_id=referral_id, organisation_id=caller.organisation_id, at=at)
            await cancel_referral(command, uow)

        return await context.change_referral(caller, idempotency, referral_id, use_case)

    @router.get("/{referral_id}", response_model=ReferralOut)
    async def read_referral(referral_id: UUID, caller: Reader) -> Response:
        """The referral with every change of its status, who made it, when, and with which codes."""
        async with context.unit_of_work() as uow:
            await referral_of(uow, referral_id, caller.organisation_id)
            return JSONResponse(await referral_document(uow, referral_id))

    return router


def _person(person: NewPersonIn) -> Person:
    address = person.postal_address
    trusted = person.trusted_person
    return Person(
        id=uuid4(),
        identity=Identity(person.given_names, person.family_name, person.birth_date),
        contact=ContactDetails(
            phone=person.phone,
            email=person.email,
            postal_address=(
                PostalAddress(address.street, address.postcode, address.city, address.complement)
                if address
                else None
            ),
        ),
        contact_preference=person.contact_preference,
        trusted_person=TrustedPerson(trusted.name, trusted.relationship, trusted.phone) if trusted else None,
    )
