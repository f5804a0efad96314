"""An organisation names its own professional mailboxes and opts out of rules or event types; another
organisation sees none of it."""

from notification_api import NotificationApi

STAGES = "fr.premiere-marche.pathway.stage_changed"
DECISIONS_RULE = "prescriber_hears_decisions"


async def test_an_organisation_adds_lists_and_removes_its_email_recipients(api: NotificationApi) -> None:
    operator = await api.organisation()
    other = await api.organisation()

    added = await operator.call(
        "POST", "/email-recipients", {"address": "accueil@operateur.example", "event_types": [STAGES]}
    )
    again = await operator.call(
        "POST", "/email-recipients", {"address": "accueil@operateur.example", "event_types": [STAGES]}
    )
    seen_by_other = await other.call("GET", "/email-recipients")
    removed_by_other = await other.call("DELETE", added.headers["location"])
    listed = await operator.call("GET", "/email-recipients")
    removed = await operator.call("DELETE", added.headers["location"])
    after = await operator.call("GET", "/email-recipients")

    assert added.status == 201
    assert again.status == 422
    assert seen_by_other.json() == []
    assert removed_by_other.status == 404
    assert [recipient["address"] for recipient in listed.json()] == ["accueil@operateur.example"]
    assert removed.status == 204
    assert after.json() == []


async def test_an_invalid_address_is_refused_without_quoting_it(api: NotificationApi) -> None:
    operator = await api.organisation()

    refused = await operator.call(
        "POST", "/email-recipients", {"address": "not an address", "event_types": [STAGES]}
    )

    assert refused.status == 422
    assert b"not an address" not in refused.body


async def test_opt_outs_by_rule_and_by_event_type_belong_to_their_organisation(api: NotificationApi) -> None:
    prescriber = await api.organisation()
    other = await api.organisation()

    by_rule = await prescriber.call("POST", "/opt-outs", {"kind": "rule", "value": DECISIONS_RULE})
    by_type = await prescriber.call("POST", "/opt-outs", {"kind": "event_type", "value": STAGES})
    unknown = await prescriber.call("POST", "/opt-outs", {"kind": "rule", "value": "hear_everything"})
    listed = await prescriber.call("GET", "/opt-outs")
    seen_by_other = await other.call("GET", "/opt-outs")
    removed_by_other = await other.call("DELETE", f"/opt-outs/rule/{DECISIONS_RULE}")
    removed = await prescriber.call("DELETE", f"/opt-outs/rule/{DECISIONS_RULE}")

    assert (by_rule.status, by_type.status, unknown.status) == (201, 201, 422)
    assert listed.json() == [
        {"kind": "event_type", "value": STAGES},
        {"kind": "rule", "value": DECISIONS_RULE},
    ]
    assert seen_by_other.json() == []
    assert removed_by_other.status == 404
    assert removed.status == 204
    assert (await prescriber.call("GET", "/opt-outs")).json() == [{"kind": "event_type", "value": STAGES}]
