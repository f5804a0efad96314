import pytest
from alembic import command
from alembic.script import ScriptDirectory

from notification.entrypoints.cli import MIGRATIONS
from service_kit.migrations import alembic_config

OFFLINE_URL = "postgresql+asyncpg://notification@db.invalid/notification"


def test_the_migrations_form_a_single_line_from_the_first_revision() -> None:
    scripts = ScriptDirectory.from_config(alembic_config(MIGRATIONS, OFFLINE_URL))

    assert scripts.get_heads() == ["0008"]
    assert scripts.get_base() == "0001"


def test_the_first_migration_creates_the_kit_outbox_and_inbox(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config(MIGRATIONS, OFFLINE_URL), "head", sql=True)

    sql = capsys.readouterr().out
    assert "CREATE TABLE outbox" in sql
    assert "CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL" in sql
    assert "CREATE TABLE inbox" in sql
