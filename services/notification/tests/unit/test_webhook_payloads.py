import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.codes import (
    BarrierCategory,
    BarrierSeverity,
    EntryVisibility,
    OrganisationKind,
)
from event_contracts.catalogue.partner import BarrierIdentified
from event_contracts.catalogue.registry import dataschema_for, event_type_for
from event_contracts.catalogue.timeline import TIMELINE_EVENT_MODELS, OriginalEvent, TimelineEntryAppended
from event_contracts.envelope import CloudEvent
from event_contracts.examples import example_event
from event_contracts.json_format import from_json
from notification.adapters.email_notices import notice_of
from notification.adapters.webhook_payloads import webhook_message_of
from notification.domain.organisation_messages import message_to_organisation
from service_kit.logging import IDENTIFYING_KEYS


def keys_of(document: Any) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {key for value in document.values() for key in keys_of(value)}
    if isinstance(document, list):
        return {key for value in document for key in keys_of(value)}
    return set()


@pytest.mark.parametrize("event_type", TIMELINE_EVENT_MODELS)
def test_a_partner_receives_the_timeline_event_itself_with_its_id_as_webhook_id(
    event_type: type[EventData],
) -> None:
    event = example_event(event_type)

    message = webhook_message_of(event)

    assert message.id == str(event.id)
    assert message.content_type.startswith("application/cloudevents+json")
    assert from_json(message.body) == event.model_copy(update={"traceparent": None})


@pytest.mark.parametrize("event_type", TIMELINE_EVENT_MODELS)
def test_the_payload_names_no_direct_identifier_and_no_trace_of_ours(event_type: type[EventData]) -> None:
    document = json.loads(webhook_message_of(example_event(event_type)).body)

    assert not keys_of(document) & IDENTIFYING_KEYS
    assert "traceparent" not in document


PERSON, PARTNER, BARRIER = uuid4(), uuid4(), uuid4()


def barrier_entry(original: EventData, visibility: EntryVisibility) -> CloudEvent:
    return CloudEvent.build(
        TimelineEntryAppended(
            seq=3,
            original_event=OriginalEvent(
                type=event_type_for(type(original)),
                source=f"/organisations/{PARTNER}",
                id=uuid4(),
                time=datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
                dataschema=dataschema_for(type(original)),
                data=original.model_dump(mode="json"),
            ),
            visibility=visibility,
            audience=(OrganisationKind.PRESCRIBER, OrganisationKind.SUPPORT_PARTNER),
        ),
        source="/services/pathway",
        subject=PERSON,
        region="grand-est",
    )


def identified(category: BarrierCategory) -> BarrierIdentified:
    return BarrierIdentified(
        barrier_id=BARRIER,
        category=category,
        severity=BarrierSeverity.BLOCKING,
        responsible_organisation_id=PARTNER,
    )


def test_a_health_barrier_reaches_partners_as_its_id_and_category_only() -> None:
    event = barrier_entry(identified(BarrierCategory.HEALTH), EntryVisibility.CATEGORY_AND_STATUS_ONLY)

    document = json.loads(webhook_message_of(event).body)

    entry = document["data"]
    assert entry["original_event"]["data"] == {"barrier_id": str(BARRIER), "category": "health"}
    assert entry["original_event"]["type"] == "fr.premiere-marche.barrier.identified", "its status"
    assert entry["visibility"] == "category_and_status_only"
    assert entry["audience"] == ["prescriber", "support_partner"]
    assert document["subject"] == str(PERSON)
    assert from_json(webhook_message_of(event).body).id == event.id, "still a CloudEvent one can read"


def test_a_mobility_barrier_reaches_partners_whole() -> None:
    event = barrier_entry(identified(BarrierCategory.MOBILITY), EntryVisibility.FULL)

    document = json.loads(webhook_message_of(event).body)

    assert document["data"]["original_event"]["data"] == {
        "barrier_id": str(BARRIER),
        "category": "mobility",
        "severity": "blocking",
        "responsible_organisation_id": str(PARTNER),
    }


def test_a_health_barrier_e_mail_says_only_that_there_is_news() -> None:
    event = barrier_entry(identified(BarrierCategory.HEALTH), EntryVisibility.CATEGORY_AND_STATUS_ONLY)

    notice = notice_of(webhook_message_of(event).body, ZoneInfo("Europe/Paris"))
    message = message_to_organisation(notice)

    assert notice.code is None
    assert notice.referral_id is None
    assert message.subject == "Du nouveau pour une personne que vous suivez"
    assert "santé" not in message.text
    assert "health" not in message.text
    assert str(PARTNER) not in message.text
