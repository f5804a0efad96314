"""All SQL about the organisations registered as senders, and what each may emit."""

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.tables import organisations
from pathway.domain.senders import Organisation


class SqlOrganisations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, organisation_id: str) -> Organisation | None:
        query = select(organisations.c.kind, organisations.c.may_emit).where(
            organisations.c.organisation_id == UUID(organisation_id)
        )
        row = (await self._session.execute(query)).one_or_none()
        if row is None:
            return None
        return Organisation(organisation_id=organisation_id, kind=row.kind, may_emit=tuple(row.may_emit))

    async def register(self, organisation: Organisation) -> None:
        values = {"kind": organisation.kind, "may_emit": list(organisation.may_emit)}
        statement = insert(organisations).values(organisation_id=UUID(organisation.organisation_id), **values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[organisations.c.organisation_id], set_={**values, "updated_at": func.now()}
            )
        )
