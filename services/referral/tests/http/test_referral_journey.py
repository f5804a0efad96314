"""A referral's life over HTTP, as a prescriber and an operator see it."""

from typing import Any
from uuid import UUID

from referral_api import Partner, ReferralApi

from referral.domain.codes import OrganisationKind
from service_kit.http.api_keys import issue_api_key

NEW_PERSON = {
    "given_names": "Éloïse",
    "family_name": "Le Goff-Martin",
    "birth_date": "1986-03-15",
    "phone": "06 12 34 56 78",
    "contact_preference": "sms",
}


async def parties(api: ReferralApi) -> tuple[Partner, Partner, str, str]:
    prescriber = await api.partner(OrganisationKind.PRESCRIBER)
    operator = await api.partner(OrganisationKind.OPERATOR)
    workshop = await api.call("POST", "/workshops", operator, json_body={"title": "Première marche Lens"})
    session = await api.call(
        "POST",
        f"/workshops/{workshop.json()['id']}/sessions",
        operator,
        json_body={"starts_on": "2026-10-05", "ends_on": "2026-11-27", "venue": "Médiathèque", "capacity": 2},
    )
    assert (workshop.status, session.status) == (201, 201)
    return prescriber, operator, workshop.json()["id"], session.json()["id"]


async def send(api: ReferralApi, prescriber: Partner, operator: Partner, workshop_id: str | None) -> Any:
    answer = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={
            "operator_organisation_id": str(operator.organisation_id),
            "workshop_id": workshop_id,
            "person": NEW_PERSON,
        },
    )
    assert answer.status == 201, answer.body
    return answer.json()


async def test_a_referral_goes_from_sent_to_completed_and_the_prescriber_reads_every_step(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber, operator, workshop_id, session_id = await parties(api)
    sent = await send(api, prescriber, operator, workshop_id)
    referral = f"/referrals/{sent['referral_id']}"

    steps: list[tuple[str, dict[str, Any] | None, str]] = [
        ("under-review", None, "under_review"),
        ("accept", {}, "accepted"),
        ("placement", {"session_id": session_id}, "scheduled"),
        ("attendance", {"sitting_on": "2026-10-05", "attendance": "present"}, "started"),
        ("attendance", {"sitting_on": "2026-10-06", "attendance": "excused"}, "started"),
        ("pause", {"barrier_category": "childcare_family"}, "paused"),
        ("resume", None, "started"),
        ("complete", {"outcome": "positive_exit"}, "completed"),
    ]
    for step, body, status in steps:
        answer = await api.call("POST", f"{referral}/{step}", operator, json_body=body)
        assert (step, answer.status, answer.json()["status"]) == (step, 200, status)

    read = await api.call("GET", referral, prescriber)
    assert read.status == 200
    assert [change["to_status"] for change in read.json()["history"]] == [
        "sent",
        "under_review",
        "accepted",
        "scheduled",
        "started",
        "paused",
        "started",
        "completed",
    ]
    assert read.json()["history"][-1]["outcome"] == "positive_exit"
    fill = await api.call("GET", f"/workshops/{workshop_id}/sessions", operator)
    assert [(s["seated"], s["waiting"], s["fill_rate"]) for s in fill.json()] == [(1, 0, 0.5)]


async def test_the_prescriber_reads_the_coded_reason_and_the_message_of_a_refusal(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber, operator, workshop_id, _ = await parties(api)
    sent = await send(api, prescriber, operator, workshop_id)
    body = {"reason_code": "not_in_target_public", "message_for_prescriber": "Orienter vers un cours de FLE."}

    rejected = await api.call("POST", f"/referrals/{sent['referral_id']}/reject", operator, json_body=body)
    read = await api.call("GET", f"/referrals/{sent['referral_id']}", prescriber)

    assert rejected.status == 200
    decision = read.json()["history"][-1]
    assert (decision["to_status"], decision["reason_code"], decision["message_for_prescriber"]) == (
        "rejected",
        "not_in_target_public",
        "Orienter vers un cours de FLE.",
    )


async def test_a_rejection_without_a_reason_is_refused_naming_the_field(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, workshop_id, _ = await parties(api)
    sent = await send(api, prescriber, operator, workshop_id)

    answer = await api.call("POST", f"/referrals/{sent['referral_id']}/reject", operator, json_body={})

    assert answer.status == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["pointer"] for error in answer.json()["errors"]] == ["#/reason_code"]


async def test_the_eleventh_person_on_a_full_session_waits_in_line(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, workshop_id, session_id = await parties(api)
    statuses = []
    for _ in range(3):
        sent = await send(api, prescriber, operator, workshop_id)
        await api.call("POST", f"/referrals/{sent['referral_id']}/accept", operator)
        placed = await api.call(
            "POST",
            f"/referrals/{sent['referral_id']}/placement",
            operator,
            json_body={"session_id": session_id},
        )
        statuses.append(placed.json()["status"])

    assert statuses == ["scheduled", "scheduled", "waitlisted"]


async def test_a_retried_post_returns_the_first_answer_and_sends_one_referral(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber, operator, _, _ = await parties(api)
    request = {
        "headers": {"idempotency-key": "4c1f9d0e-retry"},
        "json_body": {"operator_organisation_id": str(operator.organisation_id), "person": NEW_PERSON},
    }

    first = await api.call("POST", "/referrals", prescriber, **request)
    retried = await api.call("POST", "/referrals", prescriber, **request)

    assert (first.status, retried.status) == (201, 201)
    assert first.body == retried.body
    assert retried.headers["idempotent-replayed"] == "true"
    assert await api.db.rows("SELECT count(*) FROM referrals") == [(1,)]
    assert await api.db.rows("SELECT count(*) FROM outbox WHERE headers::text LIKE '%referral.sent%'") == [
        (1,)
    ]


async def test_the_events_of_a_request_carry_its_trace_context(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, _, _ = await parties(api)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    body = {"operator_organisation_id": str(operator.organisation_id), "person": NEW_PERSON}

    traced = await api.call(
        "POST", "/referrals", prescriber, headers={"traceparent": traceparent}, json_body=body
    )
    untraced = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={**body, "person": {**NEW_PERSON, "birth_date": "1990-01-01"}},
    )

    assert (traced.status, untraced.status) == (201, 201)
    carried = await api.db.rows(
        "SELECT h->>1 FROM outbox, jsonb_array_elements(headers) AS h "
        "WHERE h->>0 = 'ce_traceparent' ORDER BY outbox.id"
    )
    sent = await api.db.rows("SELECT count(*) FROM outbox")
    assert carried[0] == (traceparent,), "the events of the traced request carry its traceparent"
    assert len({value for (value,) in carried}) == 2, "the other request's events are in a trace of their own"
    assert sent[0][0] == len(carried), "every event carries a trace context"


async def test_an_existing_person_is_referred_again_by_the_prescriber_that_follows_them(
    referral_api: ReferralApi,
) -> None:
    api = referral_api
    prescriber, operator, workshop_id, _ = await parties(api)
    first = await send(api, prescriber, operator, workshop_id)

    again = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={
            "operator_organisation_id": str(operator.organisation_id),
            "person_id": first["person_id"],
        },
    )
    duplicate = await send(api, prescriber, operator, workshop_id)

    assert again.status == 201
    assert again.json()["person_id"] == first["person_id"]
    assert UUID(duplicate["person_id"]) != UUID(first["person_id"])
    assert duplicate["possible_duplicates"] == [first["person_id"]]


async def test_incoming_referrals_come_page_by_page_oldest_first(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, workshop_id, _ = await parties(api)
    sent = [(await send(api, prescriber, operator, workshop_id))["referral_id"] for _ in range(5)]
    await api.call("POST", f"/referrals/{sent[1]}/under-review", operator)

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        answer = await api.call("GET", "/referrals/incoming", operator, query=query)
        assert answer.status == 200, answer.body
        page = answer.json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    waiting = await api.call("GET", "/referrals/incoming", operator, query="status=under_review")

    assert (seen, pages) == (sent, 3)
    assert [item["id"] for item in waiting.json()["items"]] == [sent[1]]


async def test_a_body_over_the_limit_is_refused_with_413(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber = await api.partner(OrganisationKind.PRESCRIBER)

    answer = await api.call("POST", "/referrals", prescriber, body=b"{" + b" " * 5000 + b"}")

    assert answer.status == 413
    assert answer.headers["content-type"] == "application/problem+json"


async def test_a_request_without_a_key_or_without_the_scope_is_refused(referral_api: ReferralApi) -> None:
    api = referral_api
    reader_only = await api.partner(OrganisationKind.PRESCRIBER, scopes=["referrals:read"])
    body = {"operator_organisation_id": str(reader_only.organisation_id), "person": NEW_PERSON}

    anonymous = await api.call("POST", "/referrals", json_body=body)
    unscoped = await api.call("POST", "/referrals", reader_only, json_body=body)

    assert (anonymous.status, unscoped.status) == (401, 403)
    assert anonymous.headers["content-type"] == unscoped.headers["content-type"] == "application/problem+json"


async def test_cancelling_a_scheduled_referral_frees_its_seat(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, workshop_id, session_id = await parties(api)
    sent = await send(api, prescriber, operator, workshop_id)
    referral = f"/referrals/{sent['referral_id']}"
    await api.call("POST", f"{referral}/accept", operator)
    await api.call("POST", f"{referral}/placement", operator, json_body={"session_id": session_id})

    cancelled = await api.call("POST", f"{referral}/cancel", prescriber)

    assert cancelled.status == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["history"][-1]["by_party"] == "prescriber"
    fill = await api.call("GET", f"/workshops/{workshop_id}/sessions", operator)
    assert [(s["seated"], s["waiting"]) for s in fill.json()] == [(0, 0)]


async def test_cancelling_needs_the_scope_of_the_callers_side(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, workshop_id, _ = await parties(api)
    sent = await send(api, prescriber, operator, workshop_id)
    await api.call("POST", f"/referrals/{sent['referral_id']}/accept", operator)
    async with api.db.sessions() as session, session.begin():
        issued = await issue_api_key(session, operator.organisation_id, ["referrals:read"])
    reader = Partner(operator.organisation_id, issued.secret)

    refused = await api.call("POST", f"/referrals/{sent['referral_id']}/cancel", reader)

    assert refused.status == 403
    assert (await api.call("GET", f"/referrals/{sent['referral_id']}", prescriber)).json()[
        "status"
    ] == "accepted"


async def test_a_retried_transition_answers_the_same_and_publishes_once(referral_api: ReferralApi) -> None:
    api = referral_api
    prescriber, operator, workshop_id, _ = await parties(api)
    sent = await send(api, prescriber, operator, workshop_id)
    accept = f"/referrals/{sent['referral_id']}/accept"

    first = await api.call("POST", accept, operator, headers={"idempotency-key": "accept-1"})
    retried = await api.call("POST", accept, operator, headers={"idempotency-key": "accept-1"})
    without_key = await api.call("POST", accept, operator)

    assert (first.status, retried.status, without_key.status) == (200, 200, 409)
    assert first.body == retried.body
    accepted = "SELECT count(*) FROM outbox WHERE headers::text LIKE '%referral.accepted%'"
    assert await api.db.rows(accepted) == [(1,)]
