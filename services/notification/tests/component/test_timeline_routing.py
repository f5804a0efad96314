"""The running service reads a real timeline topic and owes each event to exactly the organisations the
default rules name, on each channel they subscribed with, once, however often the event arrives."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from typing import Any, TypeVar
from uuid import uuid4

import pytest
from notification_api import NotificationApi, Organisation
from notification_local_servers import LocalHttpServer, local_http_server
from notification_local_smtp import local_smtp_server
from notification_timeline import PersonTimeline, isolated_region
from standardwebhooks import Webhook

from devstack.eventually import eventually
from event_contracts.catalogue.codes import AlertKind, BarrierCategory, CareTeamJoinReason, OrganisationKind
from event_contracts.catalogue.referral import ReferralSent
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import dead_letter_topic
from service_kit import dead_letters
from service_kit.producer import EventProducer

SENT = "fr.premiere-marche.referral.sent"
ACCEPTED = "fr.premiere-marche.referral.accepted"
STAGES = "fr.premiere-marche.pathway.stage_changed"
ALERTS = "fr.premiere-marche.pathway.alert_raised"
WITHDRAWN_ALERTS = "fr.premiere-marche.pathway.alert_withdrawn"
WITHDRAWN = "fr.premiere-marche.referral.withdrawn"
CANCELLED = "fr.premiere-marche.referral.cancelled"
IDENTIFIED = "fr.premiere-marche.barrier.identified"
LIFTED = "fr.premiere-marche.barrier.lifted"
T = TypeVar("T")


@dataclass
class RunningNotification:
    api: NotificationApi
    topic: str
    receiver: LocalHttpServer
    bootstrap_servers: str

    async def publish(self, events: list[CloudEvent]) -> None:
        async with EventProducer(self.bootstrap_servers, client_id="notification-tests") as producer:
            for event in events:
                record = to_kafka_record(event)
                await producer.send(self.topic, key=record.key, value=record.value, headers=record.headers)

    def consumed(self, outcome: str) -> float:
        group = self.api.service.settings.timeline_router_group
        labels = {"consumer": group, "outcome": outcome}
        return self.api.service.metrics.registry.get_sample_value("events_consumed_total", labels) or 0.0

    async def subscribe_webhook(self, organisation: Organisation, *event_types: str) -> dict[str, Any]:
        path = f"/hooks/{organisation.organisation_id}"
        body = {"url": self.receiver.url(path), "event_types": list(event_types)}
        reply = await organisation.call("POST", "/webhook-endpoints", body)
        assert reply.status == 201, reply.body
        document: dict[str, Any] = reply.json()
        return document

    async def owed(self) -> dict[str, list[str]]:
        """Per organisation, the channel and the original or timeline type of every delivery owed to it."""
        rows = await self.api.scalar(
            """
            SELECT coalesce(json_object_agg(organisation_id, owed), '{}') FROM (
                SELECT organisation_id::text, json_agg(owed ORDER BY owed) AS owed FROM (
                    SELECT e.organisation_id, 'webhook ' || coalesce(
                        convert_from(d.body, 'UTF8')::json #>> '{data,original_event,type}',
                        convert_from(d.body, 'UTF8')::json ->> 'type') AS owed
                    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    UNION ALL
                    SELECT organisation_id, 'email ' || coalesce(
                        convert_from(body, 'UTF8')::json #>> '{data,original_event,type}',
                        convert_from(body, 'UTF8')::json ->> 'type')
                    FROM email_deliveries
                ) o GROUP BY organisation_id
            ) p
            """
        )
        return {organisation: sorted(owed) for organisation, owed in rows.items()}


@asynccontextmanager
async def running_service(
    database_url: str, bootstrap_servers: str, new_topic: Any, **settings: Any
) -> AsyncIterator[RunningNotification]:
    topic = await new_topic("pathway-timeline", with_dead_letter=True)
    api = await NotificationApi.over_fresh_database(
        database_url,
        timeline_topic=topic,
        region=isolated_region(),
        kafka_bootstrap_servers=bootstrap_servers,
        webhook_allowed_networks=("127.0.0.0/8",),
        **settings,
    )
    async with local_http_server() as receiver, api.app.router.lifespan_context(api.app):
        yield RunningNotification(api, topic, receiver, bootstrap_servers)
    await api.close()


@pytest.fixture
async def running(
    fresh_database: str, kafka_bootstrap_servers: str, new_topic: Any
) -> AsyncIterator[RunningNotification]:
    async with running_service(
        fresh_database, kafka_bootstrap_servers, new_topic, webhook_dispatch_interval_seconds=0.05
    ) as service:
        yield service


async def test_each_event_is_owed_to_exactly_the_organisations_the_rules_name_once(
    running: RunningNotification,
) -> None:
    api = running.api
    prescriber, operator, outsider, leaver = [await api.organisation() for _ in range(4)]
    person = PersonTimeline(prescriber=prescriber.organisation_id, operator=operator.organisation_id)
    prescriber_hook = await running.subscribe_webhook(prescriber, ACCEPTED, STAGES, ALERTS)
    await running.subscribe_webhook(operator, SENT, STAGES, ALERTS)
    await running.subscribe_webhook(outsider, SENT, ACCEPTED, STAGES, ALERTS)
    await running.subscribe_webhook(leaver, STAGES)
    mailbox = {"address": "suivi@prescripteur.example", "event_types": [ACCEPTED, ALERTS]}
    assert (await prescriber.call("POST", "/email-recipients", mailbox)).status == 201
    timeline = [
        person.referral_sent(),
        person.prescriber_joined(),
        person.member_added(
            leaver.organisation_id, OrganisationKind.SUPPORT_PARTNER, CareTeamJoinReason.ADDED_BY_REFERENT
        ),
        person.referral_accepted(),
        person.operator_joined(),
        person.member_removed(leaver.organisation_id),
        person.stage_changed(),
        person.alert_raised(),
    ]

    await running.publish(timeline)
    await eventually(lambda: _value(running.consumed("applied")), lambda n: n == len(timeline))
    owed_once = await running.owed()
    await running.publish(timeline)
    await eventually(lambda: _value(running.consumed("duplicate")), lambda n: n == len(timeline))

    assert owed_once == {
        str(prescriber.organisation_id): sorted(
            [
                f"email {ACCEPTED}",
                f"email {ALERTS}",
                f"webhook {ACCEPTED}",
                f"webhook {ALERTS}",
                f"webhook {STAGES}",
            ]
        ),
        str(operator.organisation_id): sorted([f"webhook {SENT}", f"webhook {STAGES}"]),
    }, "the outsider never, the leaver not after leaving, the operator of the new referral before joining"
    assert await running.owed() == owed_once
    received = await eventually(
        lambda: _value(running.receiver.requests_to(f"/hooks/{prescriber.organisation_id}")),
        lambda requests: len(requests) == 3,
    )
    verified = [Webhook(prescriber_hook["secret"]).verify(r.body, r.headers) for r in received]
    assert sorted(document["type"] for document in verified) == sorted(
        ["fr.premiere-marche.timeline.entry_appended", STAGES, ALERTS]
    )
    assert all(document["subject"] == str(person.person_id) for document in verified)


async def test_opted_out_rules_and_event_types_are_not_owed(running: RunningNotification) -> None:
    api = running.api
    prescriber, operator = await api.organisation(), await api.organisation()
    person = PersonTimeline(prescriber=prescriber.organisation_id, operator=operator.organisation_id)
    await running.subscribe_webhook(prescriber, ACCEPTED, STAGES, ALERTS)
    await running.subscribe_webhook(operator, SENT, STAGES)
    mailbox = {"address": "suivi@prescripteur.example", "event_types": [ACCEPTED]}
    assert (await prescriber.call("POST", "/email-recipients", mailbox)).status == 201
    await prescriber.call("POST", "/opt-outs", {"kind": "rule", "value": "prescriber_hears_decisions"})
    await operator.call("POST", "/opt-outs", {"kind": "event_type", "value": STAGES})
    timeline = [
        person.referral_sent(),
        person.prescriber_joined(),
        person.referral_accepted(),
        person.operator_joined(),
        person.stage_changed(),
    ]

    await running.publish(timeline)
    await eventually(lambda: _value(running.consumed("applied")), lambda n: n == len(timeline))

    assert await running.owed() == {
        str(prescriber.organisation_id): [f"webhook {STAGES}"],
        str(operator.organisation_id): [f"webhook {SENT}"],
    }, "the prescriber hears no decision on any channel, the operator no stage change"


async def test_a_record_that_is_not_a_timeline_event_is_set_aside_and_routing_goes_on(
    running: RunningNotification, read_topic: Callable[[str], Awaitable[list[Any]]]
) -> None:
    api = running.api
    prescriber, operator = await api.organisation(), await api.organisation()
    person = PersonTimeline(prescriber=prescriber.organisation_id, operator=operator.organisation_id)
    await running.subscribe_webhook(prescriber, STAGES)
    stray = CloudEvent.build(
        ReferralSent(
            referral_id=person.referral_id,
            prescriber_organisation_id=person.prescriber,
            operator_organisation_id=person.operator,
            reminder_due_on=date(2026, 12, 7),
            expires_on=date(2026, 12, 27),
        ),
        source="/services/referral",
        subject=person.person_id,
        region="grand-est",
    )
    timeline = [person.prescriber_joined(), stray, person.stage_changed()]

    await running.publish(timeline)
    await eventually(lambda: _value(running.consumed("applied")), lambda n: n == 2)

    [dead_letter] = await eventually(lambda: read_topic(dead_letter_topic(running.topic)), bool)
    assert dict(dead_letter.headers)[dead_letters.REASON].startswith(b"not_a_timeline_event")
    assert running.consumed("dead_lettered") == 1
    assert await running.owed() == {str(prescriber.organisation_id): [f"webhook {STAGES}"]}


@pytest.fixture
async def delivering(
    fresh_database: str, kafka_bootstrap_servers: str, new_topic: Any
) -> AsyncIterator[tuple[RunningNotification, Any]]:
    """The service and the local SMTP server it sends to, webhooks and e-mails dispatched every 50 ms."""
    with local_smtp_server() as smtp:
        async with running_service(
            fresh_database,
            kafka_bootstrap_servers,
            new_topic,
            webhook_dispatch_interval_seconds=0.05,
            email_dispatch_interval_seconds=0.05,
            smtp_port=smtp.port,
        ) as running:
            yield running, smtp


async def test_deliveries_just_owed_wake_the_dispatchers_without_waiting_for_their_interval(
    fresh_database: str, kafka_bootstrap_servers: str, new_topic: Any
) -> None:
    an_hour = 3600.0
    with local_smtp_server() as smtp:
        async with running_service(
            fresh_database,
            kafka_bootstrap_servers,
            new_topic,
            webhook_dispatch_interval_seconds=an_hour,
            email_dispatch_interval_seconds=an_hour,
            smtp_port=smtp.port,
        ) as running:
            prescriber, operator = await running.api.organisation(), await running.api.organisation()
            person = PersonTimeline(prescriber=prescriber.organisation_id, operator=operator.organisation_id)
            await running.subscribe_webhook(prescriber, STAGES)
            mailbox = {"address": "suivi@prescripteur.example", "event_types": [STAGES]}
            assert (await prescriber.call("POST", "/email-recipients", mailbox)).status == 201

            await running.publish([person.prescriber_joined(), person.stage_changed()])
            webhooks = await eventually(lambda: _value(list(running.receiver.requests)), bool)
            mails = await eventually(lambda: _value(list(smtp.catcher.mails)), bool)

    assert len(webhooks) == 1, "delivered within the hour only because the routing commit woke the dispatcher"
    assert len(mails) == 1
    assert mails[0].message["Subject"] == "Le parcours d'une personne change d'étape"


async def test_whoever_heard_an_alert_hears_by_e_mail_and_webhook_that_it_was_withdrawn(
    delivering: tuple[RunningNotification, Any],
) -> None:
    running, smtp = delivering
    prescriber, operator = await running.api.organisation(), await running.api.organisation()
    person = PersonTimeline(prescriber=prescriber.organisation_id, operator=operator.organisation_id)
    # Both chose alerts only, as every subscription made before withdrawals existed did.
    referent_hook = await running.subscribe_webhook(prescriber, ALERTS)
    await running.subscribe_webhook(operator, ALERTS, WITHDRAWN_ALERTS)
    mailbox = {"address": "suivi@prescripteur.example", "event_types": [ALERTS]}
    assert (await prescriber.call("POST", "/email-recipients", mailbox)).status == 201
    raised = person.alert_raised(AlertKind.BLOCKING_BARRIER)

    await running.publish(
        [person.prescriber_joined(), person.operator_joined(), raised, person.alert_withdrawn(raised)]
    )
    hooks = await eventually(
        lambda: _value(running.receiver.requests_to(f"/hooks/{prescriber.organisation_id}")),
        lambda requests: len(requests) == 2,
    )
    mails = await eventually(lambda: _value(list(smtp.catcher.mails)), lambda mails: len(mails) == 2)
    owed = await running.owed()

    assert owed == {
        str(prescriber.organisation_id): sorted(
            [
                f"email {ALERTS}",
                f"email {WITHDRAWN_ALERTS}",
                f"webhook {ALERTS}",
                f"webhook {WITHDRAWN_ALERTS}",
            ]
        )
    }, "the referent hears the alert and its withdrawal; the operator, not the referent, hears neither"
    verified = [Webhook(referent_hook["secret"]).verify(r.body, r.headers) for r in hooks]
    assert sorted(document["type"] for document in verified) == [ALERTS, WITHDRAWN_ALERTS]
    [withdrawal] = [mail.message for mail in mails if mail.message["Subject"] == "Une alerte est retirée"]
    text = _plain_text_of(withdrawal)
    assert "L'information qui avait déclenché cette alerte a été annulée par son auteur." in text
    assert "L'alerte disait : une difficulté empêche la personne d'avancer." in text
    assert f"Référence de la personne : {person.person_id}." in text
    assert "suivi@prescripteur.example" not in text


async def test_the_operator_hears_by_e_mail_and_webhook_that_the_prescriber_withdrew_its_referral(
    delivering: tuple[RunningNotification, Any],
) -> None:
    running, smtp = delivering
    prescriber, operator = await running.api.organisation(), await running.api.organisation()
    person = PersonTimeline(prescriber=prescriber.organisation_id, operator=operator.organisation_id)
    operator_hook = await running.subscribe_webhook(operator, SENT, WITHDRAWN, CANCELLED)
    await running.subscribe_webhook(prescriber, WITHDRAWN, CANCELLED)
    mailbox = {"address": "accueil@atelier.example", "event_types": [WITHDRAWN]}
    assert (await operator.call("POST", "/email-recipients", mailbox)).status == 201
    timeline = [person.referral_sent(), person.prescriber_joined(), person.referral_withdrawn()]

    await running.publish(timeline)
    hooks = await eventually(
        lambda: _value(running.receiver.requests_to(f"/hooks/{operator.organisation_id}")),
        lambda requests: len(requests) == 2,
    )
    [mail] = await eventually(lambda: _value(list(smtp.catcher.mails)), lambda mails: len(mails) == 1)
    owed = await running.owed()

    assert owed == {
        str(operator.organisation_id): sorted(
            [f"email {WITHDRAWN}", f"webhook {SENT}", f"webhook {WITHDRAWN}"]
        )
    }, "the operator, not yet in the care team, hears the withdrawal; the prescriber, who withdrew, does not"
    verified = [Webhook(operator_hook["secret"]).verify(r.body, r.headers) for r in hooks]
    assert sorted(document["data"]["original_event"]["type"] for document in verified) == [SENT, WITHDRAWN]
    assert mail.envelope_to == ["accueil@atelier.example"]
    assert mail.message["Subject"] == "Une demande pour un atelier est retirée"
    text = _plain_text_of(mail.message)
    assert "La structure qui a orienté la personne a retiré la demande." in text
    assert "L'atelier n'a plus à la contacter pour cette demande." in text
    assert f"Référence de la personne : {person.person_id}." in text
    assert f"Référence de la demande : {person.referral_id}." in text
    assert "accueil@atelier.example" not in text


async def test_a_support_partner_hears_the_barriers_it_subscribed_to_a_health_one_as_category_and_id(
    delivering: tuple[RunningNotification, Any],
) -> None:
    running, smtp = delivering
    api = running.api
    prescriber, listener, lifter, employer = [await api.organisation() for _ in range(4)]
    person = PersonTimeline(prescriber=prescriber.organisation_id)
    listener_hook = await running.subscribe_webhook(listener, IDENTIFIED, LIFTED)
    await running.subscribe_webhook(lifter, IDENTIFIED, LIFTED)
    await running.subscribe_webhook(employer, IDENTIFIED, LIFTED)
    mailbox = {"address": "suivi@partenaire.example", "event_types": [IDENTIFIED]}
    assert (await listener.call("POST", "/email-recipients", mailbox)).status == 201
    mobility, health = uuid4(), uuid4()
    by = lifter.organisation_id
    timeline = [
        person.prescriber_joined(),
        person.member_added(
            listener.organisation_id,
            OrganisationKind.SUPPORT_PARTNER,
            CareTeamJoinReason.ADDED_BY_REFERENT,
        ),
        person.member_added(by, OrganisationKind.SUPPORT_PARTNER, CareTeamJoinReason.ADDED_BY_REFERENT),
        person.member_added(
            employer.organisation_id, OrganisationKind.EMPLOYER, CareTeamJoinReason.ADDED_BY_REFERENT
        ),
        person.barrier_identified(by, BarrierCategory.MOBILITY, mobility),
        person.barrier_identified(by, BarrierCategory.HEALTH, health),
        person.barrier_lifted(by, BarrierCategory.MOBILITY, mobility),
        person.barrier_lifted(by, BarrierCategory.HEALTH, health),
    ]

    await running.publish(timeline)
    hooks = await eventually(
        lambda: _value(running.receiver.requests_to(f"/hooks/{listener.organisation_id}")),
        lambda requests: len(requests) == 4,
    )
    mails = await eventually(lambda: _value(list(smtp.catcher.mails)), lambda mails: len(mails) == 2)
    owed = await running.owed()

    assert owed == {
        str(listener.organisation_id): sorted(
            [f"email {IDENTIFIED}"] * 2 + [f"webhook {IDENTIFIED}"] * 2 + [f"webhook {LIFTED}"] * 2
        )
    }, "the partner who lifted them does not hear its own acts; the employer never hears of a barrier"
    verified = [Webhook(listener_hook["secret"]).verify(r.body, r.headers) for r in hooks]
    told = {
        (entry["original_event"]["type"], entry["original_event"]["data"]["barrier_id"]): entry
        for entry in (document["data"] for document in verified)
    }
    assert told[(IDENTIFIED, str(mobility))]["original_event"]["data"] == {
        "barrier_id": str(mobility),
        "category": "mobility",
        "severity": "blocking",
        "responsible_organisation_id": str(by),
    }
    assert told[(LIFTED, str(mobility))]["original_event"]["data"] == {
        "barrier_id": str(mobility),
        "category": "mobility",
    }
    for status in (IDENTIFIED, LIFTED):
        health_entry = told[(status, str(health))]
        assert health_entry["original_event"]["data"] == {"barrier_id": str(health), "category": "health"}
        assert health_entry["visibility"] == "category_and_status_only"
        assert health_entry["audience"] == ["operator", "prescriber", "support_partner", "training_provider"]
    for mail in mails:
        text = _plain_text_of(mail.message)
        assert mail.message["Subject"] == "Du nouveau pour une personne que vous suivez"
        assert "Il y a du nouveau dans le parcours d'une personne que vous suivez." in text
        assert f"Référence de la personne : {person.person_id}." in text
        assert "santé" not in text
        assert "transport" not in text
        assert "suivi@partenaire.example" not in text


def _plain_text_of(message: EmailMessage) -> str:
    plain = message.get_body(("plain",))
    assert isinstance(plain, EmailMessage)
    return plain.get_content()


async def _value(value: T) -> T:
    return value
