"""Reading the `Idempotency-Key` header and fingerprinting the request it names.

The draft "The Idempotency-Key HTTP Header Field" makes the value a structured-field string
(`Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`); the bare token many clients send is
accepted too. The fingerprint covers the method, path, query and a hash of the body, so that a key sent
again with a different request is recognised as reused.
"""

import hashlib
import re
from typing import Annotated, Final

from fastapi import Header, Request

from service_kit.http.idempotency import MAX_KEY_LENGTH, IdempotentRequest
from service_kit.http.problems import Problem, ProblemError, problem_type

IDEMPOTENCY_KEY_HEADER: Final = "Idempotency-Key"

_PRINTABLE_ASCII: Final = re.compile(r"[\x20-\x7e]+")
_KEY_DESCRIPTION: Final = (
    "A unique value (a UUID is a good choice) that makes retrying this request safe: "
    "a retry with the same key and body returns the first answer without applying the request again."
)

IdempotencyKeyHeader = Annotated[
    str | None, Header(alias=IDEMPOTENCY_KEY_HEADER, description=_KEY_DESCRIPTION)
]


def request_fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    body_hash = hashlib.sha256(body).hexdigest()
    return hashlib.sha256(f"{method.upper()}\n{path}\n{query}\n{body_hash}".encode()).hexdigest()


async def idempotent_request(request: Request, key: IdempotencyKeyHeader = None) -> IdempotentRequest | None:
    """A dependency: the request's idempotency key with its fingerprint, or None when it carries no key."""
    if key is None:
        return None
    fingerprint = request_fingerprint(
        request.method, request.url.path, request.url.query, await request.body()
    )
    return IdempotentRequest(key=_parsed_key(key), fingerprint=fingerprint)


async def required_idempotent_request(
    request: Request, key: IdempotencyKeyHeader = None
) -> IdempotentRequest:
    """A dependency for operations that must be retried safely: 400 when the request carries no key."""
    idempotency = await idempotent_request(request, key)
    if idempotency is None:
        raise _bad_key("idempotency-key-missing", f"This operation needs an {IDEMPOTENCY_KEY_HEADER} header.")
    return idempotency


def _parsed_key(value: str) -> str:
    key = value.strip()
    if len(key) >= 2 and key.startswith('"') and key.endswith('"'):
        key = key[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if not key or len(key) > MAX_KEY_LENGTH or not _PRINTABLE_ASCII.fullmatch(key):
        raise _bad_key(
            "idempotency-key-invalid",
            f"An {IDEMPOTENCY_KEY_HEADER} is 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
        )
    return key


def _bad_key(slug: str, detail: str) -> ProblemError:
    title = "Missing idempotency key" if slug.endswith("missing") else "Invalid idempotency key"
    return ProblemError(Problem(type=problem_type(slug), title=title, status=400, detail=detail))
