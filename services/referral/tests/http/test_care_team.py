"""The referent brings partners into a person's care team over HTTP; the change goes out as
`care_team.member_added`, and nobody else may make it."""

import json
from typing import Any
from uuid import uuid4

from referral_api import Partner, ReferralApi

from referral.domain.codes import OrganisationKind

PERSON = {"given_names": "Nadia", "family_name": "Haddad", "birth_date": "1984-02-29"}


async def referred_person(api: ReferralApi) -> tuple[Partner, Partner, str]:
    prescriber = await api.partner(OrganisationKind.PRESCRIBER)
    operator = await api.partner(OrganisationKind.OPERATOR)
    workshop = await api.call("POST", "/workshops", operator, json_body={"title": "Première marche Metz"})
    sent = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={
            "operator_organisation_id": str(operator.organisation_id),
            "workshop_id": workshop.json()["id"],
            "person": PERSON,
        },
    )
    accepted = await api.call(
        "POST", f"/referrals/{sent.json()['referral_id']}/accept", operator, json_body={}
    )
    assert accepted.status == 200, accepted.body
    return prescriber, operator, sent.json()["person_id"]


async def member_added_events(api: ReferralApi, person_id: str) -> list[dict[str, Any]]:
    rows = await api.db.rows(
        "SELECT message_value FROM outbox WHERE headers::text LIKE '%care_team.member_added%'"
        f" AND convert_from(message_key, 'UTF8') = '{person_id}' ORDER BY id"
    )
    return [json.loads(bytes(value)) for (value,) in rows]


async def test_the_referent_adds_a_partner_who_then_follows_the_person(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, _, person_id = await referred_person(api)
    partner = await api.partner(OrganisationKind.SUPPORT_PARTNER)
    body = {"organisation_id": str(partner.organisation_id)}

    added = await api.call("POST", f"/persons/{person_id}/care-team", prescriber, json_body=body)
    read_by_partner = await api.call("GET", f"/persons/{person_id}", partner)
    care_team = await api.call("GET", f"/persons/{person_id}/care-team", partner)

    assert added.status == 201, added.body
    assert [(m["organisation_kind"], m["join_reason"]) for m in added.json()["memberships"]] == [
        ("prescriber", "referred_the_person"),
        ("operator", "accepted_the_referral"),
        ("support_partner", "added_by_referent"),
    ]
    assert read_by_partner.status == 200
    assert care_team.json() == added.json()
    events = await member_added_events(api, person_id)
    assert events[-1]["organisation_id"] == str(partner.organisation_id)
    assert events[-1]["organisation_kind"] == "support_partner"
    assert events[-1]["reason_code"] == "added_by_referent"


async def test_only_the_referent_adds_and_nothing_changes_when_refused(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, person_id = await referred_person(api)
    partner = await api.partner(OrganisationKind.SUPPORT_PARTNER)
    path = f"/persons/{person_id}/care-team"
    before = await member_added_events(api, person_id)

    by_operator = await api.call(
        "POST", path, operator, json_body={"organisation_id": str(partner.organisation_id)}
    )
    already_in = await api.call(
        "POST", path, prescriber, json_body={"organisation_id": str(operator.organisation_id)}
    )
    unknown = await api.call("POST", path, prescriber, json_body={"organisation_id": str(uuid4())})

    assert (by_operator.status, already_in.status, unknown.status) == (403, 409, 422)
    for answer in (by_operator, already_in, unknown):
        assert answer.headers["content-type"] == "application/problem+json"
    assert await member_added_events(api, person_id) == before


async def test_a_retried_addition_applies_once(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, _, person_id = await referred_person(api)
    partner = await api.partner(OrganisationKind.TRAINING_PROVIDER)
    body = {"organisation_id": str(partner.organisation_id)}
    headers = prescriber.headers(idempotency_key="add-training-provider-1")

    first = await api.call("POST", f"/persons/{person_id}/care-team", json_body=body, headers=headers)
    retried = await api.call("POST", f"/persons/{person_id}/care-team", json_body=body, headers=headers)

    assert (first.status, retried.status) == (201, 201)
    assert retried.json() == first.json()
    added = [
        event
        for event in await member_added_events(api, person_id)
        if event["reason_code"] == "added_by_referent"
    ]
    assert len(added) == 1
