"""An organisation acts only on the referrals it sent or received and reads only the persons it follows;
anything else answers 404, exactly as if it did not exist. Every route of the app has a case here."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from referral_api import Answer, Partner, ReferralApi

from referral.domain.codes import OrganisationKind

OPERATIONS_TAG = "operations"


@dataclass
class World:
    """Organisation A's prescriber and operator with their referral, person, workshop and session;
    B's prescriber and operator, holding every scope, try to reach them."""

    api: ReferralApi
    prescriber_a: Partner
    operator_a: Partner
    prescriber_b: Partner
    operator_b: Partner
    workshop_a: str
    session_a: str
    referral_a: str
    person_a: str
    referral_b: str


async def build_world(api: ReferralApi) -> World:
    prescriber_a = await api.partner(OrganisationKind.PRESCRIBER)
    operator_a = await api.partner(OrganisationKind.OPERATOR)
    prescriber_b = await api.partner(OrganisationKind.PRESCRIBER)
    operator_b = await api.partner(OrganisationKind.OPERATOR)
    workshop_a = (await api.call("POST", "/workshops", operator_a, json_body={"title": "A"})).json()["id"]
    session_a = await api.call(
        "POST",
        f"/workshops/{workshop_a}/sessions",
        operator_a,
        json_body={"starts_on": "2026-10-05", "ends_on": "2026-10-30", "venue": "A", "capacity": 3},
    )
    workshop_b = (await api.call("POST", "/workshops", operator_b, json_body={"title": "B"})).json()["id"]
    person = {"given_names": "Awa", "family_name": "Diallo", "birth_date": "1979-05-04"}
    referral_a = await api.call(
        "POST",
        "/referrals",
        prescriber_a,
        json_body={"operator_organisation_id": str(operator_a.organisation_id), "person": person},
    )
    referral_b = await api.call(
        "POST",
        "/referrals",
        prescriber_b,
        json_body={
            "operator_organisation_id": str(operator_b.organisation_id),
            "workshop_id": workshop_b,
            "person": {**person, "given_names": "Binta"},
        },
    )
    await api.call("POST", f"/referrals/{referral_b.json()['referral_id']}/accept", operator_b)
    return World(
        api,
        prescriber_a,
        operator_a,
        prescriber_b,
        operator_b,
        workshop_a,
        session_a.json()["id"],
        referral_a.json()["referral_id"],
        referral_a.json()["person_id"],
        referral_b.json()["referral_id"],
    )


Attempt = Callable[[World], Awaitable[Answer]]


def on_referral_a(method: str, step: str, by: str, body: dict[str, Any] | None = None) -> Attempt:
    async def attempt(world: World) -> Answer:
        path = f"/referrals/{world.referral_a}" + (f"/{step}" if step else "")
        return await world.api.call(method, path, getattr(world, by), json_body=body)

    return attempt


async def refer_person_a(world: World) -> Answer:
    body = {"operator_organisation_id": str(world.operator_b.organisation_id), "person_id": world.person_a}
    return await world.api.call("POST", "/referrals", world.prescriber_b, json_body=body)


async def list_incoming(world: World) -> Answer:
    return await world.api.call("GET", "/referrals/incoming", world.operator_b)


async def place_own_referral_on_session_a(world: World) -> Answer:
    body = {"session_id": world.session_a}
    return await world.api.call(
        "POST", f"/referrals/{world.referral_b}/placement", world.operator_b, json_body=body
    )


async def add_session_to_workshop_a(world: World) -> Answer:
    body = {"starts_on": "2026-12-01", "ends_on": "2026-12-20", "venue": "B", "capacity": 5}
    return await world.api.call(
        "POST", f"/workshops/{world.workshop_a}/sessions", world.operator_b, json_body=body
    )


async def read_sessions_of_workshop_a(world: World) -> Answer:
    return await world.api.call("GET", f"/workshops/{world.workshop_a}/sessions", world.operator_b)


async def create_workshop(world: World) -> Answer:
    return await world.api.call("POST", "/workshops", world.operator_b, json_body={"title": "B again"})


async def list_workshops(world: World) -> Answer:
    return await world.api.call("GET", "/workshops", world.prescriber_b)


def lists_workshops_and_nobodys_data(answer: Answer, world: World) -> None:
    assert answer.status == 200
    assert world.workshop_a in {workshop["id"] for workshop in answer.json()}
    assert set().union(*(workshop.keys() for workshop in answer.json())) == {
        "id",
        "operator_organisation_id",
        "title",
    }


async def read_person_a(world: World) -> Answer:
    return await world.api.call("GET", f"/persons/{world.person_a}", world.prescriber_b)


async def read_care_team_of_a(world: World) -> Answer:
    return await world.api.call("GET", f"/persons/{world.person_a}/care-team", world.prescriber_b)


async def add_b_to_care_team_of_a(world: World) -> Answer:
    body = {"organisation_id": str(world.operator_b.organisation_id)}
    return await world.api.call(
        "POST", f"/persons/{world.person_a}/care-team", world.prescriber_b, json_body=body
    )


async def end_membership_of_a_in_care_team_of_a(world: World) -> Answer:
    path = f"/persons/{world.person_a}/care-team/members/{world.prescriber_a.organisation_id}/end"
    return await world.api.call("POST", path, world.prescriber_b)


async def read_contact_with_an_organisation_key(world: World) -> Answer:
    path = f"/internal/persons/{world.person_a}/contact"
    return await world.api.call("GET", path, world.prescriber_a, query="purpose=test")


def not_found(answer: Answer, _world: World) -> None:
    assert answer.status == 404, answer.body
    assert answer.headers["content-type"] == "application/problem+json"


def unauthenticated(answer: Answer, _world: World) -> None:
    assert answer.status == 401, answer.body


def lists_none_of_a(answer: Answer, world: World) -> None:
    assert answer.status == 200
    assert world.referral_a not in {item["id"] for item in answer.json()["items"]}


def is_bs_own(answer: Answer, world: World) -> None:
    assert answer.status == 201
    assert answer.json()["operator_organisation_id"] == str(world.operator_b.organisation_id)


CASES: dict[tuple[str, str], tuple[Attempt, Callable[[Answer, World], None]]] = {
    ("POST", "/referrals"): (refer_person_a, not_found),
    ("GET", "/referrals/incoming"): (list_incoming, lists_none_of_a),
    ("GET", "/referrals/{referral_id}"): (on_referral_a("GET", "", "operator_b"), not_found),
    ("POST", "/referrals/{referral_id}/withdraw"): (
        on_referral_a("POST", "withdraw", "prescriber_b"),
        not_found,
    ),
    ("POST", "/referrals/{referral_id}/cancel"): (on_referral_a("POST", "cancel", "operator_b"), not_found),
    ("POST", "/referrals/{referral_id}/under-review"): (
        on_referral_a("POST", "under-review", "operator_b"),
        not_found,
    ),
    ("POST", "/referrals/{referral_id}/accept"): (on_referral_a("POST", "accept", "operator_b"), not_found),
    ("POST", "/referrals/{referral_id}/reject"): (
        on_referral_a("POST", "reject", "operator_b", {"reason_code": "other"}),
        not_found,
    ),
    ("POST", "/referrals/{referral_id}/placement"): (place_own_referral_on_session_a, not_found),
    ("POST", "/referrals/{referral_id}/waiting-list"): (
        on_referral_a("POST", "waiting-list", "operator_b"),
        not_found,
    ),
    ("POST", "/referrals/{referral_id}/attendance"): (
        on_referral_a(
            "POST", "attendance", "operator_b", {"sitting_on": "2026-10-05", "attendance": "present"}
        ),
        not_found,
    ),
    ("POST", "/referrals/{referral_id}/pause"): (
        on_referral_a("POST", "pause", "operator_b", {"barrier_category": "mobility"}),
        not_found,
    ),
    ("POST", "/referrals/{referral_id}/resume"): (on_referral_a("POST", "resume", "operator_b"), not_found),
    ("POST", "/referrals/{referral_id}/complete"): (
        on_referral_a("POST", "complete", "operator_b", {"outcome": "no_outcome"}),
        not_found,
    ),
    ("POST", "/referrals/{referral_id}/drop-out"): (
        on_referral_a("POST", "drop-out", "operator_b", {"reason_code": "other"}),
        not_found,
    ),
    ("GET", "/workshops"): (list_workshops, lists_workshops_and_nobodys_data),
    ("POST", "/workshops"): (create_workshop, is_bs_own),
    ("POST", "/workshops/{workshop_id}/sessions"): (add_session_to_workshop_a, not_found),
    ("GET", "/workshops/{workshop_id}/sessions"): (read_sessions_of_workshop_a, not_found),
    ("GET", "/persons/{person_id}"): (read_person_a, not_found),
    ("GET", "/persons/{person_id}/care-team"): (read_care_team_of_a, not_found),
    ("POST", "/persons/{person_id}/care-team"): (add_b_to_care_team_of_a, not_found),
    ("POST", "/persons/{person_id}/care-team/members/{organisation_id}/end"): (
        end_membership_of_a_in_care_team_of_a,
        not_found,
    ),
    ("GET", "/internal/persons/{person_id}/contact"): (
        read_contact_with_an_organisation_key,
        unauthenticated,
    ),
}


def test_every_route_of_the_app_has_a_cross_organisation_case(referral_api: ReferralApi) -> None:
    # Read from the OpenAPI document, which lists every route however routers are nested.
    routes = {
        (method.upper(), path)
        for path, operations in referral_api.app.openapi()["paths"].items()
        for method, operation in operations.items()
        if OPERATIONS_TAG not in operation.get("tags", [])
    }

    assert routes == set(CASES)


@pytest.mark.parametrize("route", list(CASES), ids=lambda route: f"{route[0]} {route[1]}")
async def test_another_organisation_cannot_reach_what_is_not_its_own(
    referral_api: ReferralApi, route: tuple[str, str]
) -> None:
    world = await build_world(referral_api)
    attempt, expectation = CASES[route]
    referrals_before = await referral_api.db.rows("SELECT id, status FROM referrals ORDER BY id")

    answer = await attempt(world)

    expectation(answer, world)
    if answer.status >= 400:
        assert await referral_api.db.rows("SELECT id, status FROM referrals ORDER BY id") == referrals_before
