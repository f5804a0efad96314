"""JSON-schema snapshots: a change of any contract must be announced by updating them."""

from pathlib import Path

from event_contracts.catalogue import EVENT_MODELS
from event_contracts.snapshots import (
    DEFAULT_DIRECTORY,
    ENVELOPE_SNAPSHOT_NAME,
    drift,
    main,
    snapshot_file_name,
    update,
)


def test_the_stored_schemas_match_the_code() -> None:
    found = drift()
    assert found.is_empty, found.explanation()


def test_every_catalogue_entry_and_the_envelope_have_a_snapshot() -> None:
    stored = {path.name for path in DEFAULT_DIRECTORY.glob("*.json")}
    expected = {snapshot_file_name(model) for model in EVENT_MODELS.values()} | {ENVELOPE_SNAPSHOT_NAME}
    assert expected <= stored


def test_a_changed_schema_is_named_with_the_command_that_updates_it(tmp_path: Path) -> None:
    update(tmp_path)
    (tmp_path / "referral.sent.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "referral.forgotten.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "barrier.lifted.json").unlink()

    found = drift(tmp_path)

    assert found.changed == ("referral.sent.json",)
    assert found.removed == ("referral.forgotten.json",)
    assert found.added == ("barrier.lifted.json",)
    assert "python -m event_contracts.snapshots --update" in found.explanation()


def test_the_command_fails_on_drift_and_update_repairs_it(tmp_path: Path) -> None:
    assert main(["--directory", str(tmp_path)]) == 1
    assert main(["--update", "--directory", str(tmp_path)]) == 0
    assert main(["--directory", str(tmp_path)]) == 0
