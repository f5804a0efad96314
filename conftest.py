"""Fixtures every test directory shares; the real broker and database come from the devstack plugin."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from event_contracts.catalogue.referral import ReferralSent
from event_contracts.envelope import CloudEvent

PRESCRIBER_SOURCE = "/services/referral"


def build_referral_sent(person_id: UUID | None = None, *, region: str = "grand-est") -> CloudEvent:
    today = date(2026, 11, 27)
    return CloudEvent.build(
        ReferralSent(
            referral_id=uuid4(),
            prescriber_organisation_id=uuid4(),
            operator_organisation_id=uuid4(),
            workshop_id=None,
            reminder_due_on=today + timedelta(days=10),
            expires_on=today + timedelta(days=30),
        ),
        source=PRESCRIBER_SOURCE,
        subject=person_id or uuid4(),
        region=region,
        time=datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
    )


@pytest.fixture
def referral_sent() -> Callable[..., CloudEvent]:
    """Builds `referral.sent` events: `referral_sent(person_id=None, region="grand-est")`."""
    return build_referral_sent
