"""Sends an e-mail to a person: the address is asked of the referral service now, used once, and forgotten."""

from uuid import UUID

import structlog

from notification.domain.contacts import NoEmailAddressError
from notification.domain.messages import Message
from notification.service.ports import ContactDirectory, Mailer

logger = structlog.get_logger(__name__)


async def send_email_to_person(
    person_id: UUID, message: Message, *, purpose: str, contacts: ContactDirectory, mailer: Mailer
) -> None:
    contact = await contacts.contact_of(person_id, purpose)
    if contact.email is None:
        raise NoEmailAddressError(person_id)
    await mailer.send(contact.email, message)
    logger.info("email_sent", person_id=str(person_id), purpose=purpose)
