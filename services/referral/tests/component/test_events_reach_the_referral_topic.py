"""Referral events travel from the HTTP API through the outbox to `{region}.referral.events.v1` on real
Kafka: keyed by person, readable with the official CloudEvents SDK, valid against the catalogue."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from cloudevents.core.bindings import kafka as sdk_kafka
from cloudevents.core.formats.json import JSONFormat
from referral_api import ReferralApi, send_referral

from devstack.eventually import eventually
from event_contracts.catalogue.referral import CareTeamMemberAdded, ReferralSent, ReferralWithdrawn
from event_contracts.decoding import event_from_fields
from referral.service.withdraw_referral import WithdrawReferral, withdraw_referral

ReadTopic = Callable[[str], Awaitable[list[Any]]]


async def test_a_referral_sent_over_http_is_published_and_reads_in_the_cloudevents_sdk(
    running_referral_api: ReferralApi, read_topic: ReadTopic
) -> None:
    api = running_referral_api
    sent = await send_referral(api)

    records = await eventually(lambda: read_topic(api.db.events_topic), lambda found: len(found) == 2)

    assert len(records) == 2
    events = []
    for record in sorted(records, key=lambda record: record.offset):
        assert record.key == sent["person_id"].encode()
        assert b"Diallo" not in record.value
        assert all(b"Diallo" not in value for _, value in record.headers)
        message = sdk_kafka.KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
        sdk_event = sdk_kafka.from_binary(message, JSONFormat())
        assert sdk_event.get_subject() == sent["person_id"]
        events.append(event_from_fields({**sdk_event.get_attributes(), "data": sdk_event.get_data()}))
    assert [type(event.data) for event in events] == [ReferralSent, CareTeamMemberAdded]
    assert str(events[0].data.model_dump()["referral_id"]) == sent["referral_id"]
    assert {event.source for event in events} == {"/services/referral"}
    assert {event.region for event in events} == {api.db.region}


class CrashBeforeCommit(Exception):
    pass


async def test_an_error_between_the_outbox_insert_and_the_commit_publishes_nothing(
    running_referral_api: ReferralApi, read_topic: ReadTopic
) -> None:
    api = running_referral_api
    sent = await send_referral(api)
    await eventually(lambda: read_topic(api.db.events_topic), lambda found: len(found) == 2)

    async def withdraw_then_crash() -> None:
        async with api.db.unit_of_work() as uow:
            command = WithdrawReferral(
                referral_id=sent["referral_id"],
                prescriber_organisation_id=sent["prescriber"],
                at=api.db.later(),
            )
            await withdraw_referral(command, uow)
            await uow.publish_events()
            raise CrashBeforeCommit

    with pytest.raises(CrashBeforeCommit):
        await withdraw_then_crash()
    second = await send_referral(api)
    # The relay publishes in commit order: once the later referral is out, an earlier row would be too.
    records = await eventually(lambda: read_topic(api.db.events_topic), lambda found: len(found) == 4)

    subjects_and_types = [
        (record.key.decode(), dict(record.headers)["ce_type"].decode()) for record in records
    ]
    assert len(records) == 4
    assert not any(event_type.endswith(ReferralWithdrawn.event_name) for _, event_type in subjects_and_types)
    assert sorted({subject for subject, _ in subjects_and_types}) == sorted(
        {sent["person_id"], second["person_id"]}
    )
