"""Throw-away databases for tests, created and dropped through the admin URL."""

import uuid

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from devstack.postgres_urls import plain_url, with_database


def unique_database_name(prefix: str = "test") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def create_database(admin_url: str, name: str) -> str:
    """Returns the plain postgresql:// URL of the new database."""
    connection = await asyncpg.connect(plain_url(admin_url))
    try:
        await connection.execute(f"CREATE DATABASE {_quoted(name)}")
    finally:
        await connection.close()
    return with_database(plain_url(admin_url), name)


async def drop_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(plain_url(admin_url))
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
    finally:
        await connection.close()
