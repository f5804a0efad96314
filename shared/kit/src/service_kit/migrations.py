"""Alembic plumbing shared by every service: async online migrations and upgrade-to-head."""

import asyncio

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

DATABASE_URL_OPTION = "sqlalchemy.url"


def alembic_config(script_location: str, database_url: str) -> Config:
    """`script_location` is a package resource such as `pathway:migrations`."""
    config = Config()
    config.set_main_option("script_location", script_location)
    config.set_main_option(DATABASE_URL_OPTION, database_url.replace("%", "%%"))
    return config


def upgrade_to_head(script_location: str, database_url: str) -> None:
    command.upgrade(alembic_config(script_location, database_url), "head")


def run_migrations(metadata: MetaData) -> None:
    """Body of each service's `env.py`."""
    url = context.config.get_main_option(DATABASE_URL_OPTION)
    if url is None:
        raise RuntimeError("alembic needs sqlalchemy.url: run migrations through the service's CLI")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, metadata)
    await engine.dispose()


def _migrate(connection: Connection, metadata: MetaData) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
