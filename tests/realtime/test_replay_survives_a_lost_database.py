"""A replay of thousands of events whose database connections are terminated under it (PostgreSQL:
pg_terminate_backend, as an administrator, a fail-over or a proxy would) carries on from the last
event it delivered: every event once, in order. When the database stays out of reach, the
subscription ends with RESUME_REQUIRED and the cursor to resume from, never INTERNAL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from realtime.db_outage import database_unavailable
from realtime.models import OutboxEvent
from tests.conftest import PG_ADMIN_URL, RunningServer
from tests.realtime.support import socket, until
from tests.support import World

EVENTS = 2000  # thousands, as in the replay of 7,025 that ended with INTERNAL (issue 10, item 6)
DEVICE_STATUS = gql(
    "subscription D($c: ID!, $after: String) { deviceStatus(communityId: $c, after: $after) { cursor name } }"
)


@pytest.fixture
def postgres(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite is a file in the process: it has no server connection to terminate (run --db=postgres)")


async def _backlog(world: World) -> list[int]:
    """EVENTS status messages of community A's devices, sent long ago: a replay's worth. Their ids."""
    now = datetime.now(UTC)
    topic = f"devices:{world.a.id}"
    payload = {"id": 1, "community_id": world.a.id, "house_id": None, "grid_id": None, "type": "CAMERA", "online": True}
    await OutboxEvent.bulk_create(
        [
            OutboxEvent(
                topic=topic, seq=n, kind="DEVICE_ONLINE", payload={**payload, "name": f"d{n}"}, published_at=now
            )
            for n in range(1, EVENTS + 1)
        ],
        batch_size=1000,
    )
    return list(await OutboxEvent.filter(topic=topic).order_by("seq").values_list("id", flat=True))  # type: ignore[arg-type]


def _database(server: RunningServer) -> str:
    return server.settings.database_url.rsplit("/", 1)[1]


async def _terminate_connections(admin: asyncpg.Connection, database: str) -> int:
    """Ends every server connection to ``database`` (the app's pool, the test's: one process)."""
    ended = await admin.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        database,
    )
    return int(ended)


@asynccontextmanager
async def _admin() -> AsyncIterator[asyncpg.Connection]:
    admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        yield admin
    finally:
        await admin.close()


class _Retries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "lingli.realtime" and "database" in record.getMessage():
            self.messages.append(record.getMessage())


@contextmanager
def _retries_logged() -> Iterator[list[str]]:
    handler = _Retries()
    logger = logging.getLogger("lingli.realtime")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


@pytest.mark.usefixtures("postgres")
async def test_a_replay_carries_on_from_its_last_event_when_its_connections_are_terminated(
    world: World, server: RunningServer
) -> None:
    ids = await _backlog(world)
    received: list[int] = []

    async def replay() -> None:
        async with socket(server, world.operator_a) as session:
            request = GraphQLRequest(DEVICE_STATUS, variable_values={"c": str(world.a.id), "after": "0"})
            async for message in session.subscribe(request):
                received.append(int(message["deviceStatus"]["cursor"]))
                if len(received) == EVENTS:
                    return

    with _retries_logged() as retries:
        replaying = asyncio.create_task(replay())
        async with _admin() as admin:
            # Three times, while the replay is under way: after 300, 900 and 1500 events.
            for mark in (300, 900, 1500):

                def reached(mark: int = mark) -> bool:
                    return len(received) >= mark or replaying.done()

                await until(reached, within=30, what=f"{mark} events")
                assert not replaying.done(), replaying
                assert await _terminate_connections(admin, _database(server)) >= 1
        await asyncio.wait_for(replaying, timeout=60)
    assert received == ids  # every event once, in order
    assert retries, "the replay never met a lost connection: the test proved nothing"


@pytest.mark.usefixtures("postgres")
async def test_a_database_out_of_reach_ends_the_replay_with_the_cursor_to_resume_from(
    world: World, server: RunningServer
) -> None:
    ids = await _backlog(world)
    received: list[int] = []
    ended: list[dict[str, Any]] = []

    async def replay(after: str) -> None:
        async with socket(server, world.operator_a) as session:
            request = GraphQLRequest(DEVICE_STATUS, variable_values={"c": str(world.a.id), "after": after})
            try:
                async for message in session.subscribe(request):
                    received.append(int(message["deviceStatus"]["cursor"]))
                    if len(received) == EVENTS:
                        return
            except TransportQueryError as error:
                ended.extend(error.errors or [])

    database = _database(server)
    replaying = asyncio.create_task(replay("0"))
    async with _admin() as admin:
        try:
            await until(lambda: len(received) >= 300 or replaying.done(), within=30, what="300 events")
            assert not replaying.done(), replaying
            # The database refuses new connections (maintenance, a fail-over under way) and the
            # ones in use end: every retry fails.
            await admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
            await _terminate_connections(admin, database)
            await asyncio.wait_for(replaying, timeout=30)
        finally:
            await admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
    (error,) = ended
    assert error["extensions"]["code"] == "RESUME_REQUIRED", error
    cursor = error["extensions"]["cursor"]
    assert cursor == str(received[-1])  # the last event delivered
    # Resumed with that cursor once the database is back: the rest, nothing twice.
    await until(_reachable, within=10, what="the database answers again")
    await asyncio.wait_for(replay(cursor), timeout=60)
    assert received == ids


async def _reachable() -> bool:
    try:
        await OutboxEvent.all().limit(1)
    except Exception as error:
        if not database_unavailable(error):
            raise
        return False
    return True
