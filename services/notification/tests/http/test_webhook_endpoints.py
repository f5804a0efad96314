"""An organisation registers webhook endpoints for event types, gets each secret once, rotates it with an
overlap during which both secrets sign, and never sees or touches another organisation's endpoints."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from notification_api import NotificationApi

from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.domain.webhooks import WebhookMessage, WebhookSecret

PUBLIC_URL = "https://93.184.216.34/hooks"
ACCEPTED = "fr.premiere-marche.referral.accepted"
ALERTS = "fr.premiere-marche.pathway.alert_raised"


def endpoint_request(url: str = PUBLIC_URL, *event_types: str) -> dict[str, object]:
    return {"url": url, "event_types": list(event_types or (ACCEPTED,))}


async def signing_secrets(api: NotificationApi, endpoint_id: str) -> list[str]:
    """The secrets the dispatcher signs this endpoint's next delivery with."""
    deliveries = PostgresWebhookDeliveries(api.service.session_factory, api.service.secret_cipher)
    delivery_id = uuid4()
    await deliveries.enqueue(
        delivery_id, UUID(endpoint_id), WebhookMessage(str(uuid4()), b"{}"), datetime.now(UTC)
    )
    delivery = await deliveries.get(delivery_id)
    assert delivery is not None
    return [secret.shared_form for secret in delivery.endpoint.secrets]


async def test_a_registered_endpoint_shows_its_secret_once(api: NotificationApi) -> None:
    prescriber = await api.organisation()

    registered = await prescriber.call(
        "POST", "/webhook-endpoints", endpoint_request(PUBLIC_URL, ALERTS, ACCEPTED), idempotency_key="k1"
    )
    listed = await prescriber.call("GET", "/webhook-endpoints")
    one = await prescriber.call("GET", registered.headers["location"])

    assert registered.status == 201
    document = registered.json()
    assert WebhookSecret.parse(document["secret"])
    assert document["event_types"] == [ALERTS, ACCEPTED], "distinct and sorted"
    assert [endpoint["id"] for endpoint in listed.json()] == [document["id"]]
    assert "secret" not in listed.json()[0]
    assert one.json() == {key: value for key, value in document.items() if key != "secret"}
    assert await signing_secrets(api, document["id"]) == [document["secret"]]


async def test_a_retried_registration_answers_the_same_and_registers_once(api: NotificationApi) -> None:
    prescriber = await api.organisation()

    first = await prescriber.call("POST", "/webhook-endpoints", endpoint_request(), idempotency_key="same")
    retry = await prescriber.call("POST", "/webhook-endpoints", endpoint_request(), idempotency_key="same")
    other = await prescriber.call(
        "POST", "/webhook-endpoints", endpoint_request(PUBLIC_URL, ALERTS), idempotency_key="same"
    )

    assert (first.status, retry.status) == (201, 201)
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert other.status == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert await api.scalar("SELECT count(*) FROM webhook_endpoints") == 1


async def test_an_endpoint_inside_our_network_or_for_unknown_events_is_refused(api: NotificationApi) -> None:
    prescriber = await api.organisation()

    private = await prescriber.call("POST", "/webhook-endpoints", endpoint_request("http://10.0.0.7/hooks"))
    unknown = await prescriber.call(
        "POST", "/webhook-endpoints", endpoint_request(PUBLIC_URL, "fr.premiere-marche.barrier.forgotten")
    )
    none = await prescriber.call("POST", "/webhook-endpoints", {"url": PUBLIC_URL, "event_types": []})

    assert private.status == 422
    assert private.json()["type"].endswith("/destination-refused")
    assert unknown.status == 422
    assert unknown.json()["type"].endswith("/invalid-subscription")
    assert none.status == 422
    assert private.headers["content-type"] == unknown.headers["content-type"] == "application/problem+json"
    assert await api.scalar("SELECT count(*) FROM webhook_endpoints") == 0


async def test_during_a_rotation_both_secrets_sign_and_afterwards_only_the_new_one(
    api: NotificationApi,
) -> None:
    prescriber = await api.organisation()
    registered = (await prescriber.call("POST", "/webhook-endpoints", endpoint_request())).json()
    started = datetime.now(UTC)

    rotated = await prescriber.call(
        "POST", f"/webhook-endpoints/{registered['id']}/secret-rotations", {"overlap_hours": 2}
    )

    assert rotated.status == 201
    new_secret = rotated.json()["secret"]
    valid_until = datetime.fromisoformat(rotated.json()["previous_secret_valid_until"])
    assert started + timedelta(hours=2) <= valid_until <= datetime.now(UTC) + timedelta(hours=2)
    assert await signing_secrets(api, registered["id"]) == [new_secret, registered["secret"]]
    await api.scalar(
        "UPDATE webhook_endpoints SET previous_secrets_valid_until = now() - interval '1 second' RETURNING id"
    )
    assert await signing_secrets(api, registered["id"]) == [new_secret]


async def test_a_removed_endpoint_is_disabled_and_can_no_longer_rotate(api: NotificationApi) -> None:
    prescriber = await api.organisation()
    registered = (await prescriber.call("POST", "/webhook-endpoints", endpoint_request())).json()

    removed = await prescriber.call("DELETE", f"/webhook-endpoints/{registered['id']}")
    shown = await prescriber.call("GET", f"/webhook-endpoints/{registered['id']}")
    rotated = await prescriber.call("POST", f"/webhook-endpoints/{registered['id']}/secret-rotations", {})

    assert removed.status == 204
    assert shown.json()["disabled_at"] is not None
    assert shown.json()["disabled_reason"] == "removed by its organisation"
    assert rotated.status == 404


async def test_another_organisation_neither_sees_nor_changes_an_endpoint(api: NotificationApi) -> None:
    owner = await api.organisation()
    other = await api.organisation()
    registered = (await owner.call("POST", "/webhook-endpoints", endpoint_request())).json()
    path = f"/webhook-endpoints/{registered['id']}"

    listed = await other.call("GET", "/webhook-endpoints")
    shown = await other.call("GET", path)
    rotated = await other.call("POST", f"{path}/secret-rotations", {})
    removed = await other.call("DELETE", path)

    assert listed.json() == []
    assert (shown.status, rotated.status, removed.status) == (404, 404, 404)
    assert shown.json()["type"].endswith("/not-found")
    assert await signing_secrets(api, registered["id"]) == [registered["secret"]]
    assert (await owner.call("GET", path)).json()["disabled_at"] is None
