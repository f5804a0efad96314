"""JSON-schema snapshots of the catalogue (and its AsyncAPI document), kept in the repository so that
every change of a contract is seen in review.

python -m event_contracts.snapshots            # check: exit 1 and list what changed
python -m event_contracts.snapshots --update   # rewrite the snapshots after an announced change
"""

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from event_contracts.asyncapi import asyncapi_document
from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.registry import (
    CATALOGUE_VERSION,
    DATASCHEMA_BASE_URI,
    EVENT_MODELS,
    dataschema_for,
    event_type_for,
)
from event_contracts.envelope import CloudEvent

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
ENVELOPE_SNAPSHOT_NAME: Final = "cloudevent.json"
ASYNCAPI_SNAPSHOT_NAME: Final = "asyncapi.json"
UPDATE_COMMAND: Final = "uv run python -m event_contracts.snapshots --update"

DEFAULT_DIRECTORY: Final = Path(__file__).resolve().parents[2] / "schemas" / CATALOGUE_VERSION
"""``shared/contracts/schemas/v1`` in the repository (the snapshots are not shipped in the wheel)."""


def data_schema(model: type[EventData]) -> dict[str, Any]:
    """The published JSON schema of ``model``, identified by its dataschema URI."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": dataschema_for(model),
        "x-cloudevents-type": event_type_for(model),
        **model.model_json_schema(),
    }


def envelope_schema() -> dict[str, Any]:
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"{DATASCHEMA_BASE_URI}{ENVELOPE_SNAPSHOT_NAME}",
        **CloudEvent.model_json_schema(),
    }


def snapshot_file_name(model: type[EventData]) -> str:
    return f"{model.event_name}.json"


def rendered_snapshots() -> dict[str, str]:
    """File name → expected content: every catalogue model, the envelope and the AsyncAPI document."""
    schemas = {snapshot_file_name(model): data_schema(model) for model in EVENT_MODELS.values()}
    schemas[ENVELOPE_SNAPSHOT_NAME] = envelope_schema()
    schemas[ASYNCAPI_SNAPSHOT_NAME] = asyncapi_document()
    return {name: _render(schema) for name, schema in sorted(schemas.items())}


@dataclass(frozen=True)
class SnapshotDrift:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def listing(self) -> list[str]:
        return (
            [f"  added:   {name}" for name in self.added]
            + [f"  changed: {name}" for name in self.changed]
            + [f"  removed: {name}" for name in self.removed]
        )

    def explanation(self) -> str:
        lines = ["The JSON schemas of the event contracts differ from their snapshots:", *self.listing()]
        lines += [
            f"Within {CATALOGUE_VERSION} only optional fields with defaults may be added; a breaking change",
            "is a new major version published beside this one. If the change is intended, run",
            f"  {UPDATE_COMMAND}",
            "and commit the schemas with the change so that reviewers and partners see it.",
        ]
        return "\n".join(lines)


def drift(directory: Path = DEFAULT_DIRECTORY) -> SnapshotDrift:
    expected = rendered_snapshots()
    stored = _stored_snapshots(directory)
    return SnapshotDrift(
        added=tuple(sorted(expected.keys() - stored.keys())),
        changed=tuple(
            sorted(name for name in expected.keys() & stored.keys() if expected[name] != stored[name])
        ),
        removed=tuple(sorted(stored.keys() - expected.keys())),
    )


def update(directory: Path = DEFAULT_DIRECTORY) -> SnapshotDrift:
    """Make the stored snapshots match the code and return what changed."""
    found = drift(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in found.removed:
        (directory / name).unlink()
    _write_all(directory, rendered_snapshots())
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m event_contracts.snapshots", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the snapshots from the code")
    parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY, help="snapshot directory")
    arguments = parser.parse_args(argv)
    if arguments.update:
        found = update(arguments.directory)
        print(
            "snapshots up to date" if found.is_empty else "\n".join(["snapshots updated:", *found.listing()])
        )
        return 0
    found = drift(arguments.directory)
    if found.is_empty:
        print("snapshots up to date")
        return 0
    print(found.explanation())
    return 1


def _stored_snapshots(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    return {path.name: path.read_text(encoding="utf-8") for path in directory.glob("*.json")}


def _write_all(directory: Path, snapshots: Mapping[str, str]) -> None:
    for name, content in snapshots.items():
        (directory / name).write_text(content, encoding="utf-8")


def _render(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
