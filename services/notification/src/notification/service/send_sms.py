"""Sends an SMS to a person: the number is asked of the referral service now, used once, and forgotten."""

from uuid import UUID

import structlog

from notification.domain.contacts import NoPhoneNumberError, SmsTooLongError
from notification.domain.sms_length import sms_length
from notification.service.ports import ContactDirectory, SmsGateway

logger = structlog.get_logger(__name__)


async def send_sms_to_person(
    person_id: UUID, text: str, *, purpose: str, contacts: ContactDirectory, gateway: SmsGateway
) -> None:
    # Checked before the number is read: a read is audited by the referral service, so none for nothing.
    length = sms_length(text)
    if length.segments > gateway.max_segments:
        raise SmsTooLongError(length.segments, gateway.max_segments)
    contact = await contacts.contact_of(person_id, purpose)
    if contact.phone is None:
        raise NoPhoneNumberError(person_id)
    await gateway.send(contact.phone, text)
    logger.info("sms_sent", person_id=str(person_id), purpose=purpose, segments=length.segments)
