"""An impossible transition answers 409 with a problem document and changes nothing."""

from referral_api import ReferralApi

from referral.domain.codes import OrganisationKind


async def test_completing_a_referral_just_sent_answers_409_and_changes_nothing(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber = await api.partner(OrganisationKind.PRESCRIBER)
    operator = await api.partner(OrganisationKind.OPERATOR)
    sent = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={
            "operator_organisation_id": str(operator.organisation_id),
            "person": {"given_names": "Kevin", "family_name": "Martin", "birth_date": "1990-01-02"},
        },
    )
    referral = f"/referrals/{sent.json()['referral_id']}"
    before = await api.call("GET", referral, prescriber)
    outbox_before = await api.db.rows("SELECT count(*) FROM outbox")

    answer = await api.call("POST", f"{referral}/complete", operator, json_body={"outcome": "no_outcome"})

    assert answer.status == 409
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "https://premiere-marche.fr/problems/impossible-transition"
    assert "sent" in problem["detail"]
    assert (await api.call("GET", referral, prescriber)).body == before.body
    assert await api.db.rows("SELECT count(*) FROM outbox") == outbox_before


async def test_a_side_that_may_not_take_an_action_is_refused_with_403(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber = await api.partner(OrganisationKind.PRESCRIBER)
    operator = await api.partner(OrganisationKind.OPERATOR)
    sent = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={
            "operator_organisation_id": str(operator.organisation_id),
            "person": {"given_names": "Kevin", "family_name": "Martin", "birth_date": "1990-01-02"},
        },
    )

    answer = await api.call("POST", f"/referrals/{sent.json()['referral_id']}/withdraw", operator)

    assert answer.status == 403
    assert answer.headers["content-type"] == "application/problem+json"
