"""PostgreSQL settings, binaries and URLs."""

from pathlib import Path

import pytest

from devstack.postgres_server import PostgresSettings, find_postgres_binaries, render_devstack_conf
from devstack.postgres_urls import asyncpg_url, database_name, plain_url, with_database


def test_the_dev_stack_trades_durability_for_speed_by_default() -> None:
    rendered = render_devstack_conf(PostgresSettings())

    assert "fsync = off" in rendered
    assert "synchronous_commit = off" in rendered
    assert "full_page_writes = off" in rendered
    assert "listen_addresses = '127.0.0.1'" in rendered
    assert "port = 15432" in rendered


def test_benchmarks_can_keep_full_durability() -> None:
    rendered = render_devstack_conf(PostgresSettings(relaxed_durability=False))

    assert "fsync = on" in rendered
    assert "synchronous_commit = on" in rendered
    assert "full_page_writes = on" in rendered


def test_the_admin_url_names_the_postgres_superuser_and_database() -> None:
    assert PostgresSettings().admin_url == "postgresql://postgres@127.0.0.1:15432/postgres"


def test_configured_binaries_win_over_the_installed_ones(tmp_path: Path) -> None:
    assert find_postgres_binaries({"DEVSTACK_POSTGRES_BIN": str(tmp_path)}) == tmp_path


def test_urls_convert_between_plain_and_asyncpg_forms() -> None:
    url = "postgresql+asyncpg://postgres:secret@127.0.0.1:15432/orders?ssl=disable"

    assert plain_url(url) == "postgresql://postgres:secret@127.0.0.1:15432/orders?ssl=disable"
    assert asyncpg_url(plain_url(url)) == url
    assert plain_url("postgres://u@h/db") == "postgresql://u@h/db"
    assert (
        with_database(url, "test_1")
        == "postgresql+asyncpg://postgres:secret@127.0.0.1:15432/test_1?ssl=disable"
    )
    assert database_name(url) == "orders"


def test_other_urls_are_refused() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        plain_url("mysql://root@localhost/db")
