"""Async SQLAlchemy engine, sessions and the unit of work that commits once per use case."""

from types import TracebackType
from typing import Self

import orjson
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def create_database_engine(database_url: str, *, pool_size: int = 10) -> AsyncEngine:
    # hide_parameters keeps bound values (which may be personal data) out of error messages and logs.
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        pool_pre_ping=True,
        hide_parameters=True,
        json_serializer=json_text,
        json_deserializer=orjson.loads,
    )


def json_text(value: object) -> str:
    """JSON columns are written and read several times for each consumed event: orjson does it in a
    fraction of the standard library's time. Keys that are not strings are written as strings, as
    `json.dumps` does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def libpq_url(database_url: str) -> str:
    """The same database as a plain `postgresql://` URL, for asyncpg connections made by hand."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class UnitOfWork:
    """One transaction per use case: the caller commits once; leaving without a commit rolls back."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if session.in_transaction():
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def commit(self) -> None:
        await self.session.commit()
