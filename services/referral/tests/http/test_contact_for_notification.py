"""The notification service reads a person's contact details with its internal token; each read is audited."""

from referral_api import INTERNAL_TOKEN, ReferralApi

from referral.domain.codes import OrganisationKind


async def a_person_id(api: ReferralApi) -> str:
    prescriber = await api.partner(OrganisationKind.PRESCRIBER)
    operator = await api.partner(OrganisationKind.OPERATOR)
    person = {
        "given_names": "Awa",
        "family_name": "Diallo",
        "birth_date": "1979-05-04",
        "email": "awa.diallo@example.org",
        "contact_preference": "email",
    }
    sent = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={"operator_organisation_id": str(operator.organisation_id), "person": person},
    )
    person_id: str = sent.json()["person_id"]
    return person_id


async def test_the_notification_service_reads_contact_details_and_the_read_is_recorded(
    referral_api: ReferralApi,
) -> None:
    person_id = await a_person_id(referral_api)

    answer = await referral_api.call(
        "GET",
        f"/internal/persons/{person_id}/contact",
        headers={"authorization": f"Bearer {INTERNAL_TOKEN}"},
        query="purpose=delivery:referral.accepted",
    )

    assert answer.status == 200
    assert answer.json()["email"] == "awa.diallo@example.org"
    assert answer.json()["contact_preference"] == "email"
    assert await referral_api.db.rows("SELECT accessed_by, purpose FROM contact_accesses") == [
        ("notification", "delivery:referral.accepted")
    ]


async def test_a_wrong_token_reads_nothing_and_leaves_no_audit_line(referral_api: ReferralApi) -> None:
    person_id = await a_person_id(referral_api)

    answer = await referral_api.call(
        "GET",
        f"/internal/persons/{person_id}/contact",
        headers={"authorization": "Bearer dev-guess"},
        query="purpose=delivery",
    )

    assert answer.status == 401
    assert b"Diallo" not in answer.body
    assert await referral_api.db.rows("SELECT count(*) FROM contact_accesses") == [(0,)]


async def test_an_organisation_of_the_care_team_reads_the_person_and_the_read_is_recorded(
    referral_api: ReferralApi,
) -> None:
    prescriber = await referral_api.partner(OrganisationKind.PRESCRIBER)
    operator = await referral_api.partner(OrganisationKind.OPERATOR)
    sent = await referral_api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={
            "operator_organisation_id": str(operator.organisation_id),
            "person": {"given_names": "Awa", "family_name": "Diallo", "birth_date": "1979-05-04"},
        },
    )
    person_id = sent.json()["person_id"]

    by_prescriber = await referral_api.call("GET", f"/persons/{person_id}", prescriber)
    by_operator_not_yet_following = await referral_api.call("GET", f"/persons/{person_id}", operator)

    assert by_prescriber.status == 200
    assert by_prescriber.json()["family_name"] == "Diallo"
    assert by_operator_not_yet_following.status == 404
    assert await referral_api.db.rows("SELECT accessed_by, purpose FROM contact_accesses") == [
        (f"organisation:{prescriber.organisation_id}", "care_team_read")
    ]
