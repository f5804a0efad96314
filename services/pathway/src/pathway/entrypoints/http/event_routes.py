"""`POST /events`: partners send CloudEvents in structured or batch mode; each event is checked as the
assembler will check it, and the accepted ones are on the partner topic before the answer leaves."""

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from event_contracts.envelope import CloudEvent
from event_contracts.errors import InvalidEvent
from event_contracts.http_binding import (
    BATCH_CONTENT_TYPE,
    STRUCTURED_CONTENT_TYPE,
    from_structured_json,
    parse_batch_json,
)
from event_contracts.media_types import essence
from pathway.adapters.cloud_events import recorded
from pathway.adapters.ingestion_reads import SqlIngestionReads
from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.adapters.partner_events_topic import PartnerEventsTopic, PartnerTopicUnavailableError
from pathway.domain.errors import RefusalReason
from pathway.domain.ingestion import Outcome, Verdict
from pathway.domain.senders import other_region_detail
from pathway.entrypoints.http.ingestion_schemas import EventResult, IngestionAnswer
from pathway.entrypoints.http.problems import problem_responses
from pathway.entrypoints.http.scopes import EMIT_EVENTS
from pathway.service.judge_partner_events import judge_partner_events
from service_kit.http.api_key_auth import require_api_key
from service_kit.http.api_keys import AuthenticatedOrganisation
from service_kit.http.problems import Problem, ProblemError, problem_type

RETRY_AFTER_SECONDS: Final = 5

_REQUEST_BODY: Final[dict[str, Any]] = {
    "required": True,
    "content": {
        STRUCTURED_CONTENT_TYPE: {
            "schema": {"type": "object", "description": "One CloudEvent of the catalogue (see AsyncAPI)."}
        },
        BATCH_CONTENT_TYPE: {
            "schema": {
                "type": "array",
                "items": {"type": "object"},
                "description": "CloudEvents of the catalogue, judged one by one.",
            }
        },
    },
}


def event_routes(
    sessions: async_sessionmaker[AsyncSession],
    partner_topic: PartnerEventsTopic,
    *,
    region: str,
    max_events_per_request: int,
) -> APIRouter:
    router = APIRouter(tags=["events"])
    Sender = Annotated[AuthenticatedOrganisation, Depends(require_api_key(sessions, scope=EMIT_EVENTS))]  # noqa: N806 - a type

    @router.post(
        "/events",
        response_model=IngestionAnswer,
        openapi_extra={"requestBody": _REQUEST_BODY},
        responses=problem_responses(
            {
                400: "A batch that is not a JSON array.",
                401: "No API key, or one that is unknown or revoked.",
                403: f"The key does not grant `{EMIT_EVENTS}`.",
                413: f"Over the size limit, or over {max_events_per_request} events.",
                415: "Neither structured nor batch CloudEvents JSON.",
                503: "The broker did not acknowledge the events in time: nothing was accepted, send again.",
            }
        ),
    )
    async def receive_events(request: Request, sender: Sender) -> IngestionAnswer:
        """Each event is accepted (it is on the partner topic), a duplicate, or rejected with a reason.
        The checks: a catalogue type whose data fits its schema, the deployment's region, a source that
        is the key's own organisation, a type that organisation may emit, a person whose care team
        includes it. A 503 means that no event of the request was accepted."""
        items = _events_in(request.headers.get("content-type", ""), await request.body())
        if len(items) > max_events_per_request:
            raise _too_many_events(max_events_per_request)
        results: dict[int, EventResult] = {}
        to_judge: list[tuple[int, CloudEvent]] = []
        for index, item in enumerate(items):
            if isinstance(item, InvalidEvent):
                results[index] = EventResult.undecodable(index, item)
            elif item.region != region:
                verdict = Verdict.rejected(RefusalReason.REGION_MISMATCH, other_region_detail(region))
                results[index] = EventResult.of(index, item, verdict)
            else:
                to_judge.append((index, item))
        async with sessions() as session, session.begin():
            verdicts = await judge_partner_events(
                [recorded(event) for _, event in to_judge],
                str(sender.organisation_id),
                SqlOrganisations(session),
                SqlIngestionReads(session),
            )
        for (index, event), verdict in zip(to_judge, verdicts, strict=True):
            results[index] = EventResult.of(index, event, verdict)
        accepted = [
            event
            for (_, event), verdict in zip(to_judge, verdicts, strict=True)
            if verdict.outcome is Outcome.ACCEPTED
        ]
        if accepted:
            try:
                await partner_topic.put(accepted)
            except PartnerTopicUnavailableError as unavailable:
                raise _broker_unavailable() from unavailable
        return IngestionAnswer.of([results[index] for index in range(len(items))])

    return router


def _events_in(content_type: str, body: bytes) -> list[CloudEvent | InvalidEvent]:
    mode = essence(content_type)
    if mode == STRUCTURED_CONTENT_TYPE:
        try:
            return [from_structured_json(body)]
        except InvalidEvent as refusal:
            return [refusal]
    if mode == BATCH_CONTENT_TYPE:
        try:
            return parse_batch_json(body)
        except InvalidEvent as refusal:
            raise ProblemError(
                Problem(
                    type=problem_type("undecodable-batch"),
                    title="The batch is not a JSON array",
                    status=400,
                    detail=refusal.detail,
                )
            ) from None
    raise ProblemError(
        Problem(
            type=problem_type("unsupported-media-type"),
            title="Unsupported Media Type",
            status=415,
            detail=f"Send {STRUCTURED_CONTENT_TYPE} (one event) or {BATCH_CONTENT_TYPE} (a batch).",
        ),
        headers={"Accept-Post": f"{STRUCTURED_CONTENT_TYPE}, {BATCH_CONTENT_TYPE}"},
    )


def _too_many_events(limit: int) -> ProblemError:
    return ProblemError(
        Problem(
            type=problem_type("too-many-events"),
            title="Content too large",
            status=413,
            detail=f"A batch holds at most {limit} events; split it.",
        )
    )


def _broker_unavailable() -> ProblemError:
    return ProblemError(
        Problem(
            type=problem_type("event-broker-unavailable"),
            title="The events could not be accepted now",
            status=503,
            detail="The broker did not acknowledge them in time; none was accepted. Send them again.",
        ),
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
