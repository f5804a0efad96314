"""Demo pathways for the local platform: a few persons whose referrals are at different stages.

Event ids are derived from fixed names, so publishing the demo twice changes nothing downstream.
"""

from datetime import UTC, date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.referral import (
    ReferralAccepted,
    ReferralScheduled,
    ReferralSent,
    ReferralUnderReview,
)
from event_contracts.envelope import CloudEvent

REFERRAL_SOURCE = "/services/referral"
DEMO_DAY = date(2026, 11, 23)


def demo_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"https://demo.premiere-marche.fr/{name}")


PRESCRIBER = demo_id("organisations/france-travail-metz")
OPERATOR = demo_id("organisations/atelier-metz-borny")
WORKSHOP = demo_id("workshops/metz-borny")
SESSION = demo_id("sessions/metz-borny-2026-12")


def _sent(person: str) -> ReferralSent:
    return ReferralSent(
        referral_id=demo_id(f"referrals/{person}"),
        prescriber_organisation_id=PRESCRIBER,
        operator_organisation_id=OPERATOR,
        workshop_id=WORKSHOP,
        reminder_due_on=DEMO_DAY + timedelta(days=10),
        expires_on=DEMO_DAY + timedelta(days=30),
    )


def _pathways() -> dict[str, list[EventData]]:
    return {
        "person-1": [_sent("person-1")],
        "person-2": [
            _sent("person-2"),
            ReferralUnderReview(referral_id=demo_id("referrals/person-2"), operator_organisation_id=OPERATOR),
            ReferralAccepted(
                referral_id=demo_id("referrals/person-2"),
                operator_organisation_id=OPERATOR,
                workshop_id=WORKSHOP,
            ),
        ],
        "person-3": [
            _sent("person-3"),
            ReferralAccepted(
                referral_id=demo_id("referrals/person-3"),
                operator_organisation_id=OPERATOR,
                workshop_id=WORKSHOP,
            ),
            ReferralScheduled(
                referral_id=demo_id("referrals/person-3"),
                workshop_id=WORKSHOP,
                session_id=SESSION,
                session_starts_on=date(2026, 12, 7),
            ),
        ],
    }


def demo_events(region: str) -> list[CloudEvent]:
    events = []
    for person, steps in _pathways().items():
        for day, data in enumerate(steps):
            events.append(
                CloudEvent.build(
                    data,
                    id=demo_id(f"events/{person}/{day}"),
                    source=REFERRAL_SOURCE,
                    subject=demo_id(f"persons/{person}"),
                    region=region,
                    time=datetime(2026, 11, 23 + day, 9, 30, tzinfo=UTC),
                )
            )
    return events
