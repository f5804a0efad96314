"""SMS through a real local HTTP server playing the SMS provider, and another playing the referral service's
internal contact endpoint: the number is fetched at the moment of sending and never shows in the logs."""

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

import aiohttp
import pytest
import structlog
from notification_local_servers import Answer, LocalHttpServer, local_http_server

from notification.adapters.http_sms_provider import HttpSmsProvider
from notification.adapters.referral_contacts import ReferralContactClient
from notification.domain.contacts import (
    ContactUnavailableError,
    NoPhoneNumberError,
    SmsNotSentError,
    SmsTooLongError,
)
from notification.domain.messages import session_reminder
from notification.service.send_sms import send_sms_to_person

PHONE = "+33 6 12 34 56 78"
INTERNAL_TOKEN = "internal-token-for-tests"
PROVIDER_TOKEN = "provider-token-for-tests"
PURPOSE = "sms.session_reminder"
TEXT = session_reminder(datetime(2026, 3, 3, 9, 30)).sms


@dataclass
class SmsWorld:
    person_id: UUID
    referral: LocalHttpServer
    provider: LocalHttpServer
    contacts: ReferralContactClient
    gateway: HttpSmsProvider

    @property
    def contact_path(self) -> str:
        return f"/internal/persons/{self.person_id}/contact"

    def person_has(self, phone: str | None) -> None:
        contact = {
            "person_id": str(self.person_id),
            "phone": phone,
            "email": None,
            "contact_preference": "sms",
        }
        self.referral.answer(self.contact_path, Answer(200, json_body=contact))

    async def send(self, text: str = TEXT) -> None:
        await send_sms_to_person(
            self.person_id, text, purpose=PURPOSE, contacts=self.contacts, gateway=self.gateway
        )


@pytest.fixture
async def world() -> AsyncIterator[SmsWorld]:
    async with (
        local_http_server() as referral,
        local_http_server(Answer(202, json_body={"id": "sms-1"})) as provider,
        aiohttp.ClientSession() as session,
    ):
        yield SmsWorld(
            person_id=uuid4(),
            referral=referral,
            provider=provider,
            contacts=ReferralContactClient(session, referral.url(), INTERNAL_TOKEN, timeout_seconds=2),
            gateway=HttpSmsProvider(
                session,
                provider.url("/sms"),
                PROVIDER_TOKEN,
                sender_name="PremMarche",
                max_segments=1,
                timeout_seconds=2,
            ),
        )


async def test_the_number_is_asked_of_the_referral_service_at_send_time_and_posted_to_the_provider(
    world: SmsWorld,
) -> None:
    world.person_has(PHONE)

    await world.send()

    [lookup] = world.referral.requests
    assert lookup.method == "GET"
    assert lookup.path == world.contact_path
    assert lookup.query == {"purpose": PURPOSE}
    assert lookup.headers["Authorization"] == f"Bearer {INTERNAL_TOKEN}"
    [posted] = world.provider.requests_to("/sms")
    assert posted.headers["Authorization"] == f"Bearer {PROVIDER_TOKEN}"
    assert json.loads(posted.body) == {"to": PHONE, "text": TEXT, "sender": "PremMarche"}


async def test_the_number_never_appears_in_the_logs(
    world: SmsWorld, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    world.person_has(PHONE)
    caplog.set_level(logging.DEBUG)

    with structlog.testing.capture_logs() as structured:
        await world.send()

    assert structured == [
        {
            "event": "sms_sent",
            "log_level": "info",
            "person_id": str(world.person_id),
            "purpose": PURPOSE,
            "segments": 1,
        }
    ]
    world.person_has(PHONE)
    await world.send()  # as logged for real this time, through whatever configuration structlog has
    captured = capsys.readouterr()
    assert "sms_sent" in caplog.text + captured.out
    for output in (caplog.text, captured.out, captured.err, repr(structured)):
        assert PHONE not in output
        assert PHONE.replace(" ", "") not in output


async def test_a_message_longer_than_the_allowed_segments_is_refused_before_the_number_is_read(
    world: SmsWorld,
) -> None:
    world.person_has(PHONE)

    with pytest.raises(SmsTooLongError) as refused:
        await world.send("Votre atelier a lieu bientôt. " * 3)

    assert refused.value.segments == 2
    assert world.referral.requests == []
    assert world.provider.requests == []


async def test_the_provider_adapter_refuses_a_too_long_message_on_its_own(world: SmsWorld) -> None:
    with pytest.raises(SmsTooLongError):
        await world.gateway.send(PHONE, "a" * 161)

    assert world.provider.requests == []


async def test_a_person_without_a_number_gets_no_sms(world: SmsWorld) -> None:
    world.person_has(None)

    with pytest.raises(NoPhoneNumberError):
        await world.send()

    assert world.provider.requests == []


@pytest.mark.parametrize(("status", "permanent"), [(404, True), (401, True), (503, False)])
async def test_when_the_referral_service_cannot_give_the_number_nothing_is_sent(
    world: SmsWorld, status: int, permanent: bool
) -> None:
    world.referral.answer(world.contact_path, Answer(status, json_body={"title": "no"}))

    with pytest.raises(ContactUnavailableError) as unavailable:
        await world.send()

    assert unavailable.value.permanent is permanent
    assert world.provider.requests == []


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (429, False), (502, False)])
async def test_a_provider_refusal_says_whether_to_retry_and_never_quotes_the_number(
    world: SmsWorld, status: int, permanent: bool
) -> None:
    world.person_has(PHONE)
    world.provider.answer("/sms", Answer(status, json_body={"error": f"bad number {PHONE}"}))

    with pytest.raises(SmsNotSentError) as not_sent:
        await world.send()

    assert not_sent.value.permanent is permanent
    assert PHONE not in str(not_sent.value)
    assert not_sent.value.__cause__ is None


async def test_the_contact_never_shows_its_number_or_address_in_a_repr(world: SmsWorld) -> None:
    contact = {
        "person_id": str(world.person_id),
        "phone": PHONE,
        "email": "c@example.org",
        "contact_preference": "sms",
    }
    world.referral.answer(world.contact_path, Answer(200, json_body=contact))

    read = await world.contacts.contact_of(world.person_id, PURPOSE)

    assert read.phone == PHONE
    assert PHONE not in repr(read)
    assert "c@example.org" not in repr(read)
