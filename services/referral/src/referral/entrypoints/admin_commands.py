"""What a regional admin does from a shell: register organisations, issue and revoke their API keys,
expire due referrals now."""

from collections.abc import Iterable
from uuid import UUID, uuid4

from referral.bootstrap import ReferralService
from referral.domain.codes import OrganisationKind
from referral.domain.organisation import Organisation
from referral.entrypoints.scheduled_jobs import expire_all_due_referrals
from service_kit.http.api_keys import IssuedApiKey, issue_api_key, revoke_api_key


async def add_organisation(service: ReferralService, name: str, kind: OrganisationKind) -> UUID:
    organisation = Organisation(uuid4(), name, kind, service.settings.region)
    async with service.unit_of_work() as uow:
        await uow.organisations.add(organisation)
        await uow.commit()
    return organisation.id


async def issue_key(service: ReferralService, organisation_id: UUID, scopes: Iterable[str]) -> IssuedApiKey:
    async with service.unit_of_work() as uow:
        if await uow.organisations.get(organisation_id) is None:
            raise LookupError(f"no organisation {organisation_id} in region {service.settings.region}")
        issued = await issue_api_key(uow.session, organisation_id, scopes)
        await uow.commit()
    return issued


async def revoke_key(service: ReferralService, key_id: str) -> bool:
    async with service.unit_of_work() as uow:
        revoked = await revoke_api_key(uow.session, key_id)
        await uow.commit()
    return revoked


async def expire_due_now(service: ReferralService) -> int:
    return await expire_all_due_referrals(
        service.unit_of_work, service.settings.answer_clock, batch_size=service.settings.expiry_batch_size
    )
