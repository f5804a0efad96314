"""Organisations manage what they hear: webhook endpoints, e-mail recipients, opt-outs. Each sees and
changes only its own; another organisation's ids are not found."""

from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse

from notification.adapters.subscriptions import SqlSubscriptions
from notification.domain.subscriptions import (
    EmailRecipient,
    OptOut,
    OptOutKind,
    SubscriptionNotFoundError,
    subscribed_event_types,
)
from notification.entrypoints.http.context import HttpContext, Idempotency
from notification.entrypoints.http.problems import PROBLEM_RESPONSES
from notification.entrypoints.http.subscription_schemas import (
    EmailRecipientIn,
    EmailRecipientOut,
    OptOutIn,
    OptOutOut,
    RegisteredWebhookEndpointOut,
    RotatedSecretOut,
    SecretRotationIn,
    WebhookEndpointIn,
    WebhookEndpointOut,
)
from notification.service.ports import DestinationCheck
from notification.service.register_webhook_endpoint import register_webhook_endpoint
from notification.service.rotate_webhook_secret import rotate_webhook_secret
from service_kit.http.api_keys import AuthenticatedOrganisation


def _created(document: WebhookEndpointOut | EmailRecipientOut | OptOutOut, location: str) -> Response:
    return JSONResponse(document.model_dump(mode="json"), status_code=201, headers={"Location": location})


def subscription_routes(context: HttpContext, destinations: DestinationCheck) -> APIRouter:
    router = APIRouter(responses=PROBLEM_RESPONSES)
    router.include_router(webhook_endpoint_routes(context, destinations))
    router.include_router(email_recipient_routes(context))
    router.include_router(opt_out_routes(context))
    return router


def webhook_endpoint_routes(context: HttpContext, destinations: DestinationCheck) -> APIRouter:
    router = APIRouter(tags=["webhook endpoints"])
    Subscriber = Annotated[AuthenticatedOrganisation, Depends(context.subscriber())]  # noqa: N806 - a type

    @router.post("/webhook-endpoints", status_code=201, response_model=RegisteredWebhookEndpointOut)
    async def register_endpoint(
        body: WebhookEndpointIn, caller: Subscriber, idempotency: Idempotency
    ) -> Response:
        """Registers an endpoint after checking that its URL leads to a public address; the answer carries
        its signing secret, shown this once."""

        async def register(subscriptions: SqlSubscriptions) -> Response:
            endpoint = await register_webhook_endpoint(
                caller.organisation_id,
                body.url,
                body.event_types,
                destinations=destinations,
                endpoints=subscriptions,
            )
            registered = await subscriptions.webhook_endpoint(caller.organisation_id, endpoint.id)
            if registered is None:
                raise SubscriptionNotFoundError(f"no webhook endpoint {endpoint.id}")
            document = RegisteredWebhookEndpointOut(
                **WebhookEndpointOut.of(registered).model_dump(), secret=endpoint.secrets[0].shared_form
            )
            return _created(document, f"/webhook-endpoints/{endpoint.id}")

        return await context.apply_once(caller, idempotency, register)

    @router.get("/webhook-endpoints", response_model=list[WebhookEndpointOut])
    async def list_endpoints(caller: Subscriber) -> list[WebhookEndpointOut]:
        found = await context.read(
            lambda subscriptions: subscriptions.webhook_endpoints(caller.organisation_id)
        )
        return [WebhookEndpointOut.of(subscription) for subscription in found]

    @router.get("/webhook-endpoints/{endpoint_id}", response_model=WebhookEndpointOut)
    async def get_endpoint(endpoint_id: UUID, caller: Subscriber) -> WebhookEndpointOut:
        found = await context.read(
            lambda subscriptions: subscriptions.webhook_endpoint(caller.organisation_id, endpoint_id)
        )
        if found is None:
            raise SubscriptionNotFoundError(f"no webhook endpoint {endpoint_id}")
        return WebhookEndpointOut.of(found)

    @router.post(
        "/webhook-endpoints/{endpoint_id}/secret-rotations", status_code=201, response_model=RotatedSecretOut
    )
    async def rotate_secret(
        endpoint_id: UUID, body: SecretRotationIn, caller: Subscriber, idempotency: Idempotency
    ) -> Response:
        """A new secret, shown this once; the previous one keeps signing beside it for `overlap_hours`."""

        async def rotate(subscriptions: SqlSubscriptions) -> Response:
            rotated = await rotate_webhook_secret(
                caller.organisation_id,
                endpoint_id,
                timedelta(hours=body.overlap_hours),
                endpoints=subscriptions,
            )
            document = RotatedSecretOut(
                secret=rotated.secret.shared_form,
                previous_secret_valid_until=rotated.previous_secret_valid_until,
            )
            return JSONResponse(document.model_dump(mode="json"), status_code=201)

        return await context.apply_once(caller, idempotency, rotate)

    @router.delete("/webhook-endpoints/{endpoint_id}", status_code=204)
    async def remove_endpoint(endpoint_id: UUID, caller: Subscriber) -> Response:
        """Disables the endpoint: nothing more is sent to it, and its record stays."""

        return await context.remove(
            lambda chosen: chosen.remove_webhook_endpoint(caller.organisation_id, endpoint_id),
            f"webhook endpoint {endpoint_id}",
        )

    return router


def email_recipient_routes(context: HttpContext) -> APIRouter:
    router = APIRouter(tags=["e-mail recipients"])
    Subscriber = Annotated[AuthenticatedOrganisation, Depends(context.subscriber())]  # noqa: N806 - a type

    @router.post("/email-recipients", status_code=201, response_model=EmailRecipientOut)
    async def add_recipient(body: EmailRecipientIn, caller: Subscriber, idempotency: Idempotency) -> Response:
        """Adds a professional mailbox of the organisation; it receives e-mails for its event types."""

        async def add(subscriptions: SqlSubscriptions) -> Response:
            recipient = EmailRecipient(
                id=uuid4(),
                organisation_id=caller.organisation_id,
                address=body.address,
                event_types=subscribed_event_types(body.event_types),
                created_at=datetime.now(UTC),
            )
            await subscriptions.add_email_recipient(recipient)
            return _created(EmailRecipientOut.of(recipient), f"/email-recipients/{recipient.id}")

        return await context.apply_once(caller, idempotency, add)

    @router.get("/email-recipients", response_model=list[EmailRecipientOut])
    async def list_recipients(caller: Subscriber) -> list[EmailRecipientOut]:
        found = await context.read(
            lambda subscriptions: subscriptions.email_recipients(caller.organisation_id)
        )
        return [EmailRecipientOut.of(recipient) for recipient in found]

    @router.delete("/email-recipients/{recipient_id}", status_code=204)
    async def remove_recipient(recipient_id: UUID, caller: Subscriber) -> Response:
        return await context.remove(
            lambda chosen: chosen.remove_email_recipient(caller.organisation_id, recipient_id),
            f"e-mail recipient {recipient_id}",
        )

    return router


def opt_out_routes(context: HttpContext) -> APIRouter:
    router = APIRouter(tags=["opt-outs"])
    Subscriber = Annotated[AuthenticatedOrganisation, Depends(context.subscriber())]  # noqa: N806 - a type

    @router.post("/opt-outs", status_code=201, response_model=OptOutOut)
    async def opt_out(body: OptOutIn, caller: Subscriber, idempotency: Idempotency) -> Response:
        """Silences a default rule or an event type for every channel of the organisation."""

        async def add(subscriptions: SqlSubscriptions) -> Response:
            await subscriptions.add_opt_out(OptOut(caller.organisation_id, body.kind, body.value))
            document = OptOutOut(kind=body.kind, value=body.value)
            return _created(document, f"/opt-outs/{body.kind}/{body.value}")

        return await context.apply_once(caller, idempotency, add)

    @router.get("/opt-outs", response_model=list[OptOutOut])
    async def list_opt_outs(caller: Subscriber) -> list[OptOutOut]:
        found = await context.read(lambda subscriptions: subscriptions.opt_outs(caller.organisation_id))
        return [OptOutOut(kind=opt_out.kind, value=opt_out.value) for opt_out in found]

    @router.delete("/opt-outs/{kind}/{value}", status_code=204)
    async def opt_back_in(kind: OptOutKind, value: str, caller: Subscriber) -> Response:
        opted_out = OptOut(caller.organisation_id, kind, value)
        return await context.remove(
            lambda chosen: chosen.remove_opt_out(opted_out), f"opt-out {kind}/{value}"
        )

    return router
