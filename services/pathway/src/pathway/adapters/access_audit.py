"""The access audit: one row per caseworker read, appended in the read's own transaction."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.tables import access_audit
from pathway.service.ports import AuditedRead


class SqlAccessAudit:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, read: AuditedRead) -> None:
        caseworker = read.read.caseworker
        await self._session.execute(
            access_audit.insert().values(
                subject=caseworker.subject,
                organisation_id=UUID(caseworker.organisation_id),
                roles=sorted(caseworker.roles),
                person_id=read.read.person_id,
                purpose=str(read.read.purpose),
                what=read.what,
                granted=read.granted,
            )
        )
