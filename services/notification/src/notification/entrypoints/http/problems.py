"""Every refusal of the domain and the use cases, told once as an RFC 9457 problem."""

from collections.abc import Mapping
from typing import Any, Final

from notification.domain.destination_addresses import DestinationRefusedError
from notification.domain.subscriptions import SubscriptionError, SubscriptionNotFoundError
from service_kit.http.problem_handlers import ProblemSpec
from service_kit.http.problems import PROBLEM_MEDIA_TYPE, Problem

DOMAIN_PROBLEMS: Final[Mapping[type[Exception], ProblemSpec]] = {
    SubscriptionNotFoundError: ProblemSpec(404, "not-found", "Not found"),
    SubscriptionError: ProblemSpec(422, "invalid-subscription", "The subscription cannot be made"),
    DestinationRefusedError: ProblemSpec(
        422, "destination-refused", "Webhooks are never sent to this destination"
    ),
}

_PROBLEM_CONTENT: Final = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}

PROBLEM_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    401: {"model": Problem, "description": "No API key, or one that is unknown or revoked."},
    403: {"model": Problem, "description": "The key lacks the `subscriptions:manage` scope."},
    404: {"model": Problem, "description": "The calling organisation has nothing with this id."},
    409: {"model": Problem, "description": "A request with this Idempotency-Key is still in flight."},
    413: {"model": Problem, "description": "The request body is too large."},
    422: {"model": Problem, "description": "Invalid input: `errors` or `detail` says what and why."},
}
for _response in PROBLEM_RESPONSES.values():
    _response["content"] = _PROBLEM_CONTENT
