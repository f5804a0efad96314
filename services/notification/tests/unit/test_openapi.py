"""The OpenAPI document partners build against is committed; a change to the API shows up in review."""

import json
from pathlib import Path

from notification.config import NotificationSettings
from notification.entrypoints.cli import openapi_document

COMMITTED = Path(__file__).parents[2] / "openapi.json"
REGENERATE = "uv run notification openapi > services/notification/openapi.json"


def test_the_committed_openapi_document_is_the_apps() -> None:
    assert json.loads(COMMITTED.read_text()) == json.loads(openapi_document(NotificationSettings())), (
        f"the API changed: regenerate with `{REGENERATE}` and commit it"
    )


def test_the_document_is_openapi_3_1_every_post_takes_an_idempotency_key_and_refusals_are_problems() -> None:
    document = json.loads(COMMITTED.read_text())

    assert document["openapi"].startswith("3.1")
    operations = [operation for path in document["paths"].values() for operation in path.values()]
    partner_operations = [operation for operation in operations if "401" in operation["responses"]]
    assert len(partner_operations) == 11
    for operation in partner_operations:
        assert {"PartnerApiKeyBearer": []} in operation["security"], operation["operationId"]
        for status in ("401", "403", "404", "422"):
            assert "application/problem+json" in operation["responses"][status]["content"], status
    posts = [path["post"] for path in document["paths"].values() if "post" in path]
    assert len(posts) == 4
    for post in posts:
        headers = {p["name"] for p in post.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, post["operationId"]
