"""Use case: a regional admin registers an organisation and the event types it may emit."""

from pathway.domain.senders import Organisation
from pathway.service.ports import Organisations


async def register_organisation(organisation: Organisation, organisations: Organisations) -> None:
    await organisations.register(organisation)
