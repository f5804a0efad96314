"""The OpenAPI document partners and caseworker tools build against is committed; a change to the API
shows up in review."""

import json
from pathlib import Path

from pathway.config import PathwaySettings
from pathway.entrypoints.cli import openapi_document

COMMITTED = Path(__file__).parents[2] / "openapi.json"
REGENERATE = "uv run pathway openapi > services/pathway/openapi.json"


def test_the_committed_openapi_document_is_the_apps() -> None:
    assert json.loads(COMMITTED.read_text()) == json.loads(openapi_document(PathwaySettings())), (
        f"the API changed: regenerate with `{REGENERATE}` and commit it"
    )


def test_events_are_taken_in_structured_and_batch_mode_and_refusals_are_problems() -> None:
    post = json.loads(COMMITTED.read_text())["paths"]["/events"]["post"]

    assert set(post["requestBody"]["content"]) == {
        "application/cloudevents+json",
        "application/cloudevents-batch+json",
    }
    for status in ("401", "403", "413", "415", "503"):
        assert "application/problem+json" in post["responses"][status]["content"], status


def test_caseworker_reads_need_a_bearer_token_and_a_coded_purpose() -> None:
    document = json.loads(COMMITTED.read_text())
    reads = [document["paths"][path]["get"] for path in document["paths"] if path.startswith("/persons")]

    assert len(reads) == 3
    for read in reads:
        assert read["security"] == [{"CaseworkerOidcBearer": []}], read["operationId"]
        purpose = next(p for p in read["parameters"] if p["name"] == "purpose")
        assert purpose["required"] is True
        assert "application/problem+json" in read["responses"]["404"]["content"]


def test_coordinators_read_indicators_with_a_bearer_token_and_refusals_are_problems() -> None:
    read = json.loads(COMMITTED.read_text())["paths"]["/indicators"]["get"]

    assert read["security"] == [{"CaseworkerOidcBearer": []}]
    assert read["tags"] == ["coordinators"]
    for status in ("401", "403", "503"):
        assert "application/problem+json" in read["responses"][status]["content"], status
