"""The OpenAPI document partners build against is committed; a change to the API shows up in review."""

import json
from pathlib import Path

from referral.config import ReferralSettings
from referral.entrypoints.cli import openapi_document

COMMITTED = Path(__file__).parents[2] / "openapi.json"
REGENERATE = "uv run referral openapi > services/referral/openapi.json"


def test_the_committed_openapi_document_is_the_apps() -> None:
    assert json.loads(COMMITTED.read_text()) == json.loads(openapi_document(ReferralSettings())), (
        f"the API changed: regenerate with `{REGENERATE}` and commit it"
    )


def test_the_document_is_openapi_3_1_and_every_post_takes_an_idempotency_key() -> None:
    document = json.loads(COMMITTED.read_text())

    assert document["openapi"].startswith("3.1")
    posts = [operations["post"] for operations in document["paths"].values() if "post" in operations]
    assert posts
    for post in posts:
        headers = {p["name"] for p in post.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, post["operationId"]
        assert "application/problem+json" in post["responses"]["409"]["content"]
