"""Session reminders, from the real timeline topic to the person (or their referent): the running service
learns from the timeline what is due, and the reminder scheduler, on a clock the test moves, asks a real
HTTP stand-in of the referral service how to reach the person and sends through a real local SMS provider
and a real local SMTP server."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
import structlog
from fastapi import FastAPI
from notification_api import NotificationApi, Organisation
from notification_local_servers import Answer, LocalHttpServer, local_http_server
from notification_local_smtp import LocalSmtpServer, local_smtp_server
from notification_timeline import PersonTimeline, isolated_region

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from notification.domain.messages import session_reminder
from notification.domain.plain_language import plain_language_issues
from notification.domain.sms_length import sms_length
from service_kit.producer import EventProducer

SESSION_DAY = date(2026, 12, 1)
DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the day before, 10 h in Paris
PHONE = "+33 6 12 34 56 78"
PERSONAL_ADDRESS = "camille.martin@example.org"
AN_HOUR = 3600.0
AsgiGet = Callable[[FastAPI, str], Awaitable[tuple[int, bytes]]]


@dataclass
class ReminderWorld:
    api: NotificationApi
    topic: str
    bootstrap_servers: str
    referral: LocalHttpServer
    sms_provider: LocalHttpServer
    smtp: LocalSmtpServer
    now: datetime = DUE

    async def publish(self, events: list[CloudEvent]) -> None:
        async with EventProducer(self.bootstrap_servers, client_id="notification-tests") as producer:
            for event in events:
                record = to_kafka_record(event)
                await producer.send(self.topic, key=record.key, value=record.value, headers=record.headers)

    async def hear(self, timeline: list[CloudEvent], *, outcome: str = "applied") -> None:
        """Publishes the timeline and waits until the running service's router has taken every entry."""
        await self.publish(timeline)
        await self.consumed(outcome, len(timeline))

    async def consumed(self, outcome: str, count: int) -> None:
        labels = {"consumer": self.api.service.settings.timeline_router_group, "outcome": outcome}
        registry = self.api.service.metrics.registry

        async def sample() -> float:
            return registry.get_sample_value("events_consumed_total", labels) or 0.0

        await eventually(sample, lambda consumed: consumed == count)

    def person_prefers(self, person: PersonTimeline, preference: str) -> None:
        contact = {
            "person_id": str(person.person_id),
            "phone": PHONE,
            "email": PERSONAL_ADDRESS,
            "contact_preference": preference,
        }
        self.referral.answer(f"/internal/persons/{person.person_id}/contact", Answer(200, json_body=contact))

    async def send_due_reminders(self, at: datetime) -> int:
        """One turn of a reminder scheduler whose clock says `at`; the attempts it made."""
        return await self.api.service.new_reminder_dispatcher(clock=lambda: at).deliver_once()

    async def reminders(self, person: PersonTimeline) -> list[tuple[str, str]]:
        rows = await self.api.scalar(
            "SELECT coalesce(json_agg(json_build_array(session_starts_on, status)"
            " ORDER BY session_starts_on), '[]') FROM session_reminders WHERE person_id = :person",
            person=person.person_id,
        )
        return [(starts_on, status) for starts_on, status in rows]

    async def attempts(self) -> list[tuple[str, str, str]]:
        rows = await self.api.scalar(
            "SELECT coalesce(json_agg(json_build_array(channel, target_id, result) ORDER BY id), '[]')"
            " FROM delivery_attempts"
        )
        return [tuple(row) for row in rows]

    def contact_reads(self, person: PersonTimeline) -> list[dict[str, str]]:
        return [
            request.query
            for request in self.referral.requests_to(f"/internal/persons/{person.person_id}/contact")
        ]


@pytest.fixture
async def world(
    fresh_database: str, kafka_bootstrap_servers: str, new_topic: Any
) -> AsyncIterator[ReminderWorld]:
    topic = await new_topic("pathway-timeline", with_dead_letter=True)
    with local_smtp_server() as smtp:
        async with (
            local_http_server() as referral,
            local_http_server(Answer(202, json_body={"id": "sms-1"})) as sms_provider,
        ):
            api = await NotificationApi.over_fresh_database(
                fresh_database,
                timeline_topic=topic,
                region=isolated_region(),
                kafka_bootstrap_servers=kafka_bootstrap_servers,
                smtp_port=smtp.port,
                referral_internal_url=referral.url(),
                sms_provider_url=sms_provider.url("/sms"),
                # The service's own dispatchers never take a turn during a test: the test's scheduler does.
                reminder_dispatch_interval_seconds=AN_HOUR,
                email_dispatch_interval_seconds=AN_HOUR,
                webhook_dispatch_interval_seconds=AN_HOUR,
            )
            async with api.app.router.lifespan_context(api.app):
                yield ReminderWorld(api, topic, kafka_bootstrap_servers, referral, sms_provider, smtp)
            await api.close()


def placed_on_a_session(person: PersonTimeline) -> list[CloudEvent]:
    return [
        person.referral_sent(),
        person.prescriber_joined(),
        person.referral_accepted(),
        person.operator_joined(),
        person.referral_scheduled(SESSION_DAY),
    ]


async def test_a_scheduled_referral_is_reminded_once_the_day_before_by_sms(world: ReminderWorld) -> None:
    person = PersonTimeline()
    world.person_prefers(person, "sms")
    timeline = placed_on_a_session(person)

    await world.hear(timeline)
    sent_too_early = await world.send_due_reminders(DUE - timedelta(minutes=1))
    with structlog.testing.capture_logs() as logged:
        sent_when_due = await world.send_due_reminders(DUE)
    sent_again = await world.send_due_reminders(DUE + timedelta(hours=2))

    assert (sent_too_early, sent_when_due, sent_again) == (0, 1, 0)
    [sms] = world.sms_provider.requests_to("/sms")
    text = json.loads(sms.body)["text"]
    assert json.loads(sms.body)["to"] == PHONE
    assert text == session_reminder(SESSION_DAY).sms
    assert "mardi 1er décembre" in text
    assert plain_language_issues(text) == []
    assert sms_length(text).segments == 1
    assert world.contact_reads(person) == [{"purpose": "session_reminder"}], "read once, when sending"
    assert await world.reminders(person) == [(SESSION_DAY.isoformat(), "sent")]
    assert await world.attempts() == [("sms", str(person.person_id), "delivered")]
    assert world.smtp.catcher.mails == []
    assert [entry["event"] for entry in logged] == ["session reminder attempted"]
    assert PHONE not in repr(logged)
    assert PERSONAL_ADDRESS not in repr(logged)


async def test_a_redelivered_timeline_owes_nothing_new(world: ReminderWorld) -> None:
    person = PersonTimeline()
    world.person_prefers(person, "sms")
    timeline = placed_on_a_session(person)
    await world.hear(timeline)
    assert await world.send_due_reminders(DUE) == 1

    await world.hear(timeline, outcome="duplicate")

    assert await world.send_due_reminders(DUE + timedelta(minutes=5)) == 0
    assert len(world.sms_provider.requests_to("/sms")) == 1
    assert await world.reminders(person) == [(SESSION_DAY.isoformat(), "sent")]


async def test_a_cancelled_waitlisted_or_retracted_placement_is_not_reminded(world: ReminderWorld) -> None:
    cancelled, waitlisted, retracted = PersonTimeline(), PersonTimeline(), PersonTimeline()
    for person in (cancelled, waitlisted, retracted):
        world.person_prefers(person, "sms")
    cancelled_timeline = [*placed_on_a_session(cancelled), cancelled.referral_cancelled_by_prescriber()]
    waitlisted_timeline = [*placed_on_a_session(waitlisted), waitlisted.referral_waitlisted()]
    retracted_timeline = placed_on_a_session(retracted)
    retracted_timeline.append(retracted.retraction_of(retracted_timeline[-1]))
    timeline = [*cancelled_timeline, *waitlisted_timeline, *retracted_timeline]

    await world.hear(timeline)

    assert await world.send_due_reminders(DUE) == 0
    assert world.sms_provider.requests == []
    assert world.referral.requests == [], "nobody's contact details are read for a reminder not owed"
    for person in (cancelled, waitlisted, retracted):
        assert await world.reminders(person) == [(SESSION_DAY.isoformat(), "cancelled")]


async def test_a_new_session_replaces_the_reminder_of_the_previous_one(world: ReminderWorld) -> None:
    person = PersonTimeline()
    world.person_prefers(person, "sms")
    later_session = SESSION_DAY + timedelta(days=7)
    timeline = [*placed_on_a_session(person), person.referral_scheduled(later_session)]

    await world.hear(timeline)

    assert await world.send_due_reminders(DUE) == 0
    assert await world.send_due_reminders(DUE + timedelta(days=7)) == 1
    [sms] = world.sms_provider.requests_to("/sms")
    assert json.loads(sms.body)["text"] == session_reminder(later_session).sms
    assert await world.reminders(person) == [
        (SESSION_DAY.isoformat(), "cancelled"),
        (later_session.isoformat(), "sent"),
    ]


async def test_a_person_who_prefers_email_gets_the_reminder_in_their_mailbox(world: ReminderWorld) -> None:
    person = PersonTimeline()
    world.person_prefers(person, "email")
    timeline = placed_on_a_session(person)
    await world.hear(timeline)

    assert await world.send_due_reminders(DUE) == 1

    [mail] = world.smtp.catcher.mails
    assert mail.envelope_to == [PERSONAL_ADDRESS]
    assert mail.message["Subject"] == session_reminder(SESSION_DAY).subject
    body = mail.message.get_body(("plain",))
    assert body is not None
    assert "Votre atelier a lieu demain, mardi 1er décembre." in body.get_content()
    assert world.sms_provider.requests == []
    assert await world.attempts() == [("email", str(person.person_id), "delivered")]


@pytest.mark.parametrize("preference", ["via_referent", "phone", "postal_letter"])
async def test_through_the_referent_the_reminder_goes_to_its_recipients_without_the_persons_identity(
    world: ReminderWorld, preference: str
) -> None:
    person = PersonTimeline()
    world.person_prefers(person, preference)
    prescriber = await world.api.organisation()
    person.prescriber = prescriber.organisation_id
    recipients = [
        await register_mailbox(prescriber, address)
        for address in ("suivi@cd54.example", "accueil@cd54.example")
    ]
    timeline = placed_on_a_session(person)
    await world.hear(timeline)

    assert await world.send_due_reminders(DUE) == 2
    assert await world.send_due_reminders(DUE + timedelta(hours=1)) == 0

    mails = world.smtp.catcher.mails
    assert sorted(address for mail in mails for address in mail.envelope_to) == sorted(
        ["suivi@cd54.example", "accueil@cd54.example"]
    )
    for mail in mails:
        body = mail.message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert plain_language_issues(text) == []
        assert plain_language_issues(str(mail.message["Subject"])) == []
        assert str(person.person_id) in text
        assert "mardi 1er décembre" in text
        assert PHONE not in mail.message.as_string()
        assert PERSONAL_ADDRESS not in mail.message.as_string()
    assert world.sms_provider.requests == []
    assert sorted(await world.attempts()) == sorted(
        ("email", str(recipient), "delivered") for recipient in recipients
    )


async def register_mailbox(organisation: Organisation, address: str) -> UUID:
    body = {"address": address, "event_types": ["fr.premiere-marche.pathway.alert_raised"]}
    reply = await organisation.call("POST", "/email-recipients", body)
    assert reply.status == 201, reply.body
    return UUID(reply.json()["id"])


async def test_each_reminder_attempt_is_counted_by_channel_and_result_and_nothing_personal(
    world: ReminderWorld, asgi_get: AsgiGet
) -> None:
    by_sms, by_email = PersonTimeline(), PersonTimeline()
    world.person_prefers(by_sms, "sms")
    world.person_prefers(by_email, "email")
    await world.hear([*placed_on_a_session(by_sms), *placed_on_a_session(by_email)])

    assert await world.send_due_reminders(DUE) == 2

    registry = world.api.service.metrics.registry
    [counter] = [metric for metric in registry.collect() if metric.name == "session_reminder_attempts"]
    counted = {
        tuple(sorted(sample.labels.items())): sample.value
        for sample in counter.samples
        if sample.name == "session_reminder_attempts_total"
    }
    assert counted == {
        (("channel", "email"), ("result", "delivered")): 1.0,
        (("channel", "sms"), ("result", "delivered")): 1.0,
    }
    status, exposed = await asgi_get(world.api.app, "/metrics")
    assert status == 200
    assert b'session_reminder_attempts_total{channel="sms",result="delivered"} 1.0' in exposed
    for personal in (PHONE, PERSONAL_ADDRESS, str(by_sms.person_id), str(by_email.person_id)):
        assert personal.encode() not in exposed
