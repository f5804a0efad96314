"""Partner organisations, and the audit of who read a person's contact details, in PostgreSQL."""

from uuid import UUID

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.adapters.tables import contact_accesses, organisations
from referral.domain.codes import OrganisationKind
from referral.domain.organisation import Organisation

# Built once: the statements of the hot path are compiled and cached by their shape, not rebuilt per call.
_ORGANISATION = select(organisations).where(organisations.c.id == bindparam("organisation_id"))


class SqlOrganisationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, organisation_id: UUID) -> Organisation | None:
        row = (await self._session.execute(_ORGANISATION, {"organisation_id": organisation_id})).one_or_none()
        return None if row is None else Organisation(row.id, row.name, OrganisationKind(row.kind), row.region)

    async def add(self, organisation: Organisation) -> None:
        await self._session.execute(
            insert(organisations).values(
                id=organisation.id,
                name=organisation.name,
                kind=organisation.kind.value,
                region=organisation.region,
            )
        )


class SqlContactAccessLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, person_id: UUID, *, accessed_by: str, purpose: str) -> None:
        await self._session.execute(
            insert(contact_accesses).values(person_id=person_id, accessed_by=accessed_by, purpose=purpose)
        )
