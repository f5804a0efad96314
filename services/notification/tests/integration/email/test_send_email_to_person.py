"""An e-mail to a person: the address is read from the referral service at send time, then sent over SMTP."""

from datetime import datetime
from uuid import uuid4

import aiohttp
import pytest
import structlog
from notification_local_servers import Answer, local_http_server
from notification_local_smtp import local_smtp_server

from notification.adapters.referral_contacts import ReferralContactClient
from notification.adapters.smtp_mailer import SmtpMailer, SmtpServer
from notification.domain.contacts import NoEmailAddressError
from notification.domain.messages import session_reminder
from notification.service.send_email import send_email_to_person

ADDRESS = "camille.exemple@example.org"
REMINDER = session_reminder(datetime(2026, 3, 3, 9, 30))


async def test_the_address_comes_from_the_referral_service_and_stays_out_of_the_logs() -> None:
    person_id = uuid4()
    contact = {"person_id": str(person_id), "phone": None, "email": ADDRESS, "contact_preference": "email"}
    async with (
        local_http_server(Answer(200, json_body=contact)) as referral,
        aiohttp.ClientSession() as session,
    ):
        with local_smtp_server() as smtp, structlog.testing.capture_logs() as logs:
            await send_email_to_person(
                person_id,
                REMINDER,
                purpose="email.session_reminder",
                contacts=ReferralContactClient(session, referral.url(), "token", timeout_seconds=2),
                mailer=SmtpMailer(
                    SmtpServer("127.0.0.1", smtp.port, "ne-pas-repondre@example.org", starttls=False)
                ),
            )

    [lookup] = referral.requests
    assert lookup.query == {"purpose": "email.session_reminder"}
    [mail] = smtp.catcher.mails
    assert mail.envelope_to == [ADDRESS]
    assert logs == [
        {
            "event": "email_sent",
            "log_level": "info",
            "person_id": str(person_id),
            "purpose": "email.session_reminder",
        }
    ]
    assert ADDRESS not in repr(logs)


async def test_a_person_without_an_address_gets_no_e_mail() -> None:
    person_id = uuid4()
    contact = {"person_id": str(person_id), "phone": None, "email": None, "contact_preference": "phone"}
    async with (
        local_http_server(Answer(200, json_body=contact)) as referral,
        aiohttp.ClientSession() as session,
    ):
        with local_smtp_server() as smtp, pytest.raises(NoEmailAddressError):
            await send_email_to_person(
                person_id,
                REMINDER,
                purpose="email.session_reminder",
                contacts=ReferralContactClient(session, referral.url(), "token", timeout_seconds=2),
                mailer=SmtpMailer(
                    SmtpServer("127.0.0.1", smtp.port, "ne-pas-repondre@example.org", starttls=False)
                ),
            )

    assert smtp.catcher.mails == []
