"""The referent brings partners into a person's care team over HTTP and removes them, and a member
withdraws; each change goes out as `care_team.member_added` or `care_team.member_removed`, and nobody
else may make it."""

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


async def care_team_events(api: ReferralApi, person_id: str, name: str) -> list[dict[str, Any]]:
    rows = await api.db.rows(
        f"SELECT message_value FROM outbox WHERE headers::text LIKE '%{name}%'"
        f" AND convert_from(message_key, 'UTF8') = '{person_id}' ORDER BY id"
    )
    return [json.loads(bytes(value)) for (value,) in rows]


async def member_added_events(api: ReferralApi, person_id: str) -> list[dict[str, Any]]:
    return await care_team_events(api, person_id, "care_team.member_added")


async def member_removed_events(api: ReferralApi, person_id: str) -> list[dict[str, Any]]:
    return await care_team_events(api, person_id, "care_team.member_removed")


async def with_a_support_partner(api: ReferralApi) -> tuple[Partner, Partner, Partner, str]:
    """(prescriber, operator, support partner, person id): the prescriber has brought the partner in."""
    prescriber, operator, person_id = await referred_person(api)
    partner = await api.partner(OrganisationKind.SUPPORT_PARTNER)
    body = {"organisation_id": str(partner.organisation_id)}
    added = await api.call("POST", f"/persons/{person_id}/care-team", prescriber, json_body=body)
    assert added.status == 201, added.body
    return prescriber, operator, partner, person_id


def end_path(person_id: str, organisation: Partner) -> str:
    return f"/persons/{person_id}/care-team/members/{organisation.organisation_id}/end"


def membership_of(care_team: dict[str, Any], organisation: Partner) -> dict[str, Any]:
    [membership] = [
        m for m in care_team["memberships"] if m["organisation_id"] == str(organisation.organisation_id)
    ]
    return membership


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


async def test_the_referent_removes_a_partner_who_then_no_longer_sees_the_person(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber, _, partner, person_id = await with_a_support_partner(api)

    removed = await api.call("POST", end_path(person_id, partner), prescriber)
    read_by_partner = await api.call("GET", f"/persons/{person_id}", partner)
    care_team_read_by_partner = await api.call("GET", f"/persons/{person_id}/care-team", partner)
    care_team = await api.call("GET", f"/persons/{person_id}/care-team", prescriber)

    assert removed.status == 200, removed.body
    ended = membership_of(removed.json(), partner)
    assert ended["leave_reason"] == "removed_by_referent"
    assert ended["until"] == api.db.now.date().isoformat()
    assert care_team.json() == removed.json()
    assert (read_by_partner.status, care_team_read_by_partner.status) == (404, 404)
    [event] = await member_removed_events(api, person_id)
    assert event == {
        "organisation_id": str(partner.organisation_id),
        "reason_code": "removed_by_referent",
        "member_until": ended["until"],
    }


async def test_a_member_withdraws_its_own_organisation(referral_api: ReferralApi) -> None:
    api = referral_api
    _, operator, partner, person_id = await with_a_support_partner(api)

    withdrawn = await api.call("POST", end_path(person_id, partner), partner)
    by_operator = await api.call("GET", f"/persons/{person_id}/care-team", operator)

    assert withdrawn.status == 200, withdrawn.body
    assert membership_of(by_operator.json(), partner)["leave_reason"] == "organisation_withdrew"
    assert membership_of(by_operator.json(), operator)["until"] is None
    [event] = await member_removed_events(api, person_id)
    assert (event["organisation_id"], event["reason_code"]) == (
        str(partner.organisation_id),
        "organisation_withdrew",
    )


async def test_the_referent_cannot_withdraw_and_another_member_cannot_remove_others(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber, operator, partner, person_id = await with_a_support_partner(api)

    referent_withdrawing = await api.call("POST", end_path(person_id, prescriber), prescriber)
    partner_removing_operator = await api.call("POST", end_path(person_id, operator), partner)

    assert referent_withdrawing.status == 409
    assert referent_withdrawing.headers["content-type"] == "application/problem+json"
    assert (
        referent_withdrawing.json()["type"] == "https://premiere-marche.fr/problems/referent-cannot-withdraw"
    )
    assert partner_removing_operator.status == 403
    assert partner_removing_operator.json()["type"] == "https://premiere-marche.fr/problems/not-the-referent"
    care_team = await api.call("GET", f"/persons/{person_id}/care-team", prescriber)
    assert all(membership["until"] is None for membership in care_team.json()["memberships"])
    assert await member_removed_events(api, person_id) == []


async def test_an_organisation_outside_the_care_team_is_told_the_person_does_not_exist(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    _, _, partner, person_id = await with_a_support_partner(api)
    stranger = await api.partner(OrganisationKind.PRESCRIBER)

    ending = await api.call("POST", end_path(person_id, partner), stranger)
    reading = await api.call("GET", f"/persons/{person_id}/care-team", stranger)
    unknown_person = await api.call("POST", end_path(str(uuid4()), partner), partner)

    assert (ending.status, unknown_person.status) == (404, 404)
    assert ending.json() == reading.json()
    assert await member_removed_events(api, person_id) == []


async def test_ending_a_membership_that_is_not_active_is_a_conflict_and_sends_nothing_more(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber, _, partner, person_id = await with_a_support_partner(api)
    never_a_member = await api.partner(OrganisationKind.TRAINING_PROVIDER)

    first = await api.call("POST", end_path(person_id, partner), prescriber)
    twice = await api.call("POST", end_path(person_id, partner), prescriber)
    not_a_member = await api.call("POST", end_path(person_id, never_a_member), prescriber)

    assert first.status == 200, first.body
    for refused in (twice, not_a_member):
        assert refused.status == 409
        assert refused.json()["type"] == "https://premiere-marche.fr/problems/not-in-care-team"
    assert len(await member_removed_events(api, person_id)) == 1


async def test_a_retried_removal_with_its_idempotency_key_applies_once(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, _, partner, person_id = await with_a_support_partner(api)
    headers = prescriber.headers(idempotency_key="remove-support-partner-1")

    first = await api.call("POST", end_path(person_id, partner), headers=headers)
    retried = await api.call("POST", end_path(person_id, partner), headers=headers)

    assert (first.status, retried.status) == (200, 200)
    assert retried.json() == first.json()
    assert len(await member_removed_events(api, person_id)) == 1
