"""Caseworkers read a person's timeline and pathway with an OIDC bearer token: only professionals of the
care team see the person, each as their audience may, and every read is audited with its purpose."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pathway_world import Answer, PathwayApi, PathwayWorld
from service_process import free_port
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from event_contracts.catalogue import partner
from event_contracts.catalogue.codes import (
    AssessmentStage,
    BarrierCategory,
    BarrierSeverity,
    BasicSkillsProfile,
    OrganisationKind,
)

READER = ("referent",)
ANOTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EVERYONE_SEES = ["referral.sent", "referral.accepted", "care_team.member_added", "care_team.member_added"]


@dataclass
class Casebook:
    world: PathwayWorld
    api: PathwayApi
    events: Any
    identity: Any
    employer: UUID

    async def get(self, path: str, token: str | None, **query: Any) -> Answer:
        headers = {} if token is None else {"authorization": f"Bearer {token}"}
        return await self.api.call("GET", path, headers=headers, query=urlencode(query, doseq=True))

    async def timeline(self, organisation: object, roles: tuple[str, ...] = READER, **query: Any) -> Answer:
        token = self.identity.token(organisation, roles)
        query = {"purpose": "follow_up", **query}
        return await self.get(f"/persons/{self.events.person_id}/timeline", token, **query)

    async def audit(self) -> list[tuple[object, ...]]:
        return await self.world.rows(
            "SELECT organisation_id::text, person_id, purpose, what, granted FROM access_audit ORDER BY id"
        )


def names(answer: Answer) -> list[str]:
    assert answer.status == 200, answer.body
    return [entry["type"].removeprefix("fr.premiere-marche.") for entry in answer.json()["entries"]]


@pytest.fixture
async def casebook(pathway_world: PathwayWorld, pathway_events, identity_provider) -> AsyncIterator[Casebook]:
    events, employer = pathway_events, uuid4()
    events.region = pathway_world.region
    retracted_training = events.training_entered(4.5)
    health = partner.BarrierIdentified(
        barrier_id=uuid4(), category=BarrierCategory.HEALTH, severity=BarrierSeverity.BLOCKING
    )
    assessment = partner.AssessmentRecorded(
        assessment_id=uuid4(), stage=AssessmentStage.INITIAL, profile=BasicSkillsProfile.PROFILE_2
    )
    await pathway_world.on_the_timeline(
        [
            events.referral_sent(0),
            events.referral_accepted(0.5),
            events.member_added(1),
            events.member_added(1.5, organisation=employer, kind=OrganisationKind.EMPLOYER),
            events.barrier_identified(2, uuid4()),
            events._from_partner(health, 3, None),
            events._from_partner(assessment, 4, events.operator),
            retracted_training,
            events.employment_started(5),
            events.retraction(7, of=retracted_training),
        ]
    )
    api = pathway_world.in_process_api(**identity_provider.settings())
    try:
        yield Casebook(pathway_world, api, events, identity_provider, employer)
    finally:
        await api.close()


async def test_a_prescriber_of_the_care_team_reads_every_entry_in_occurrence_order_page_by_page(
    casebook: Casebook,
) -> None:
    prescriber = casebook.events.prescriber
    whole = await casebook.timeline(prescriber, limit=50)
    pages, after = [], None
    while True:
        page = await casebook.timeline(prescriber, limit=3, **({"after": after} if after else {}))
        pages.append(names(page))
        after = page.json()["next_cursor"]
        if after is None:
            break

    assert names(whole) == [
        *EVERYONE_SEES,
        "barrier.identified",
        "barrier.identified",
        "assessment.recorded",
        "employment.started",
        "event.retracted",
    ], "the retracted training is not shown"
    assert [len(page) for page in pages] == [3, 3, 3]
    assert [name for page in pages for name in page] == names(whole)


async def test_each_audience_sees_what_it_needs_and_sensitive_barriers_as_category_and_status(
    casebook: Casebook,
) -> None:
    support = await casebook.timeline(casebook.events.partner)
    employer = await casebook.timeline(casebook.employer, ("professional",), limit=1)
    health = await casebook.timeline(casebook.events.partner, barrier_category="health")

    assert "assessment.recorded" not in names(support)
    assert names(employer) == ["employment.started"]
    assert employer.json()["next_cursor"] is None
    [entry] = health.json()["entries"]
    assert entry["visibility"] == "category_and_status_only"
    assert set(entry["data"]) == {"barrier_id", "category"}


async def test_the_timeline_filters_by_type_barrier_category_and_day(casebook: Casebook) -> None:
    operator = casebook.events.operator

    by_type = await casebook.timeline(operator, type=["barrier.identified", "employment.started"])
    by_category = await casebook.timeline(operator, barrier_category="mobility")
    by_day = await casebook.timeline(operator, occurred_from="2026-09-03", occurred_until="2026-09-04")

    assert names(by_type) == ["barrier.identified", "barrier.identified", "employment.started"]
    assert [entry["data"]["category"] for entry in by_category.json()["entries"]] == ["mobility"]
    assert names(by_day) == ["barrier.identified", "barrier.identified"]


async def test_the_summary_follows_the_same_rules(casebook: Casebook) -> None:
    path, identity = f"/persons/{casebook.events.person_id}/pathway", casebook.identity
    prescriber = identity.token(casebook.events.prescriber)
    as_prescriber = await casebook.get(path, prescriber, purpose="case_meeting")
    as_employer = await casebook.get(path, identity.token(casebook.employer), purpose="follow_up")

    summary = as_prescriber.json()
    assert summary["stage"] == "employed"
    assert len(summary["care_team"]) == 4
    assert sorted((b["category"], b["severity"]) for b in summary["barriers"]) == [
        ("health", None),
        ("mobility", "blocking"),
    ]
    assert as_employer.json()["barriers"] == []
    # Both barriers are blocking, so each raised an alert; the health one's would give its severity away.
    assert [(alert["kind"], alert["barrier_id"]) for alert in summary["alerts"]] == [
        ("blocking_barrier", mobility["barrier_id"])
        for mobility in summary["barriers"]
        if mobility["category"] == "mobility"
    ]
    assert as_employer.json()["alerts"] == []


async def test_a_person_is_found_by_referral_id_or_platform_id(casebook: Casebook) -> None:
    token = casebook.identity.token(casebook.events.operator)
    purpose = "referral_review"

    referral, person = str(casebook.events.referral_id), str(casebook.events.person_id)
    by_referral = await casebook.get("/persons", token, referral_id=referral, purpose=purpose)
    by_platform_id = await casebook.get("/persons", token, platform_id=person, purpose=purpose)
    unknown = await casebook.get("/persons", token, referral_id=str(uuid4()), purpose=purpose)
    both = await casebook.get(
        "/persons", token, referral_id=str(uuid4()), platform_id=str(uuid4()), purpose=purpose
    )

    assert by_referral.json()["person_id"] == by_platform_id.json()["person_id"] == person
    assert (unknown.status, both.status) == (404, 422)


async def test_outside_the_care_team_or_without_a_reading_role_the_person_does_not_exist(
    casebook: Casebook,
) -> None:
    stranger = await casebook.timeline(uuid4())
    coordinator = await casebook.timeline(casebook.events.prescriber, ("regional_coordinator",))
    token = casebook.identity.token(casebook.events.prescriber)
    nobody = await casebook.get(f"/persons/{uuid4()}/pathway", token, purpose="follow_up")
    granted = await casebook.timeline(casebook.events.prescriber, purpose="barrier_work")

    assert (stranger.status, coordinator.status, nobody.status, granted.status) == (404, 404, 404, 200)
    assert stranger.json() == nobody.json()
    person = str(casebook.events.person_id)
    audit = await casebook.audit()
    assert [row[1:] for row in audit if row[1] == person] == [
        (person, "follow_up", "timeline", False),
        (person, "follow_up", "timeline", False),
        (person, "barrier_work", "timeline", True),
    ]
    assert audit[-1][0] == str(casebook.events.prescriber)


async def test_every_read_needs_a_purpose_from_the_coded_list(casebook: Casebook) -> None:
    token = casebook.identity.token(casebook.events.prescriber)
    path = f"/persons/{casebook.events.person_id}/timeline"

    without = await casebook.get(path, token)
    unknown = await casebook.get(path, token, purpose="curiosity")

    assert (without.status, unknown.status) == (422, 422)
    assert await casebook.audit() == []


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": 1_700_000_000, "iat": 1_699_999_000}, id="expired"),
        pytest.param({"aud": "another-api"}, id="wrong audience"),
        pytest.param({"iss": "https://elsewhere.test"}, id="wrong issuer"),
        pytest.param({"signing_key": ANOTHER_KEY}, id="wrong signature"),
        pytest.param({"organisation_id": "acme"}, id="organisation not an id"),
    ],
)
async def test_a_token_that_is_not_valid_for_this_api_is_refused_with_401(
    casebook: Casebook, claims: dict[str, Any]
) -> None:
    token = casebook.identity.token(casebook.events.prescriber, **claims)

    answer = await casebook.get(f"/persons/{casebook.events.person_id}/pathway", token, purpose="follow_up")

    assert answer.status == 401
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]
    assert await casebook.audit() == []


async def test_without_a_token_401_and_without_the_providers_keys_or_settings_503(
    casebook: Casebook, identity_provider
) -> None:
    path = f"/persons/{casebook.events.person_id}/pathway"
    blind = casebook.world.in_process_api(
        **{**identity_provider.settings(), "oidc_jwks_url": f"http://127.0.0.1:{free_port()}/certs"}
    )
    try:
        no_keys = await blind.call(
            "GET",
            path,
            headers={"authorization": f"Bearer {identity_provider.token(casebook.events.prescriber)}"},
            query="purpose=follow_up",
        )
    finally:
        await blind.close()

    unconfigured = casebook.world.in_process_api()
    try:
        not_configured = await unconfigured.call(
            "GET",
            path,
            headers={"authorization": f"Bearer {identity_provider.token(casebook.events.prescriber)}"},
            query="purpose=follow_up",
        )
    finally:
        await unconfigured.close()
    without = await casebook.get(path, None, purpose="follow_up")
    garbage = await casebook.get(path, "not-a-jwt", purpose="follow_up")

    assert (without.status, garbage.status) == (401, 401)
    assert (no_keys.status, not_configured.status) == (503, 503)
    assert "not configured" in not_configured.json()["detail"]


@pytest.mark.parametrize(
    "change",
    ["UPDATE access_audit SET purpose = 'case_meeting'", "DELETE FROM access_audit", "TRUNCATE access_audit"],
)
async def test_the_access_audit_cannot_be_changed_or_emptied(casebook: Casebook, change: str) -> None:
    await casebook.timeline(casebook.events.prescriber)

    with pytest.raises(DBAPIError, match="append-only"):
        async with casebook.world.engine.begin() as connection:
            await connection.execute(text(change))

    assert len(await casebook.audit()) == 1
