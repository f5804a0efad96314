import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from service_kit.database import UnitOfWork, create_session_factory


class Refused(Exception):
    pass


async def count_inbox(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM inbox"))).scalar_one())


async def claim(uow: UnitOfWork, event_id: str) -> None:
    await uow.session.execute(
        text("INSERT INTO inbox (consumer, event_source, event_id) VALUES ('c', 's', :id)"), {"id": event_id}
    )


async def test_what_a_use_case_writes_is_kept_only_when_it_commits(messaging_engine: AsyncEngine) -> None:
    sessions = create_session_factory(messaging_engine)

    async with UnitOfWork(sessions) as uow:
        await claim(uow, "committed")
        await uow.commit()
    async with UnitOfWork(sessions) as uow:
        await claim(uow, "forgotten")

    assert await count_inbox(messaging_engine) == 1


async def test_an_error_rolls_back_everything_the_use_case_wrote(messaging_engine: AsyncEngine) -> None:
    sessions = create_session_factory(messaging_engine)

    async def write_then_refuse() -> None:
        async with UnitOfWork(sessions) as uow:
            await claim(uow, "half")
            raise Refused

    with pytest.raises(Refused):
        await write_then_refuse()

    assert await count_inbox(messaging_engine) == 0


def test_the_session_is_unavailable_outside_the_block(messaging_engine: AsyncEngine) -> None:
    uow = UnitOfWork(create_session_factory(messaging_engine))

    with pytest.raises(RuntimeError, match="outside its `async with` block"):
        _ = uow.session
