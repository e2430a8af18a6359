"""A live client over a real WebSocket (gql; graphql-transport-ws unless told the legacy graphql-ws),
logged in as a person, and the first n messages of a subscription."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import subprocess
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from domain.people.models import Person
from tests.conftest import IN_CI, RunningServer
from tests.support import token_for

# Both WebSocket protocols, for the tests that prove one behaves as the other (`protocol` parameter).
PROTOCOLS = pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])


@asynccontextmanager
async def socket(server: RunningServer, person: Person) -> AsyncIterator[AsyncClientSession]:
    token = await token_for(server.issuer, person)
    async with socket_at(server.ws_url, token) as session:
        yield session


@asynccontextmanager
async def socket_at(
    ws_url: str, token: str, protocol: str = "graphql-transport-ws"
) -> AsyncIterator[AsyncClientSession]:
    """A socket to any server (a second app, another process), logged in with this access token."""
    transport = WebsocketsTransport(
        url=ws_url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=[protocol]
    )
    async with Client(transport=transport) as session:
        yield session


async def next_message(messages: AsyncGenerator[dict[str, Any], None]) -> dict[str, Any]:
    """The next message of a running subscription, its one root field's value (bounded in time)."""
    message = await asyncio.wait_for(anext(messages), timeout=15)
    return dict(next(iter(message.values())))


async def error_code_ending(messages: AsyncGenerator[dict[str, Any], None], *, within: float) -> str:
    """The code of the error that ends a running subscription within ``within`` seconds (a message
    instead, or nothing in time, fails the test)."""
    with pytest.raises(TransportQueryError) as ended:
        message = await asyncio.wait_for(anext(messages), timeout=within)
        raise AssertionError(f"a message instead of the end: {message}")
    assert ended.value.errors, ended.value
    return str(ended.value.errors[0]["extensions"]["code"])


async def take(session: AsyncClientSession, request: GraphQLRequest, n: int) -> list[dict[str, Any]]:
    """The first n messages of a subscription (bounded in time: a missing message fails, never hangs)."""
    received: list[dict[str, Any]] = []

    async def collect() -> None:
        async for message in session.subscribe(request):
            received.append(next(iter(message.values())))
            if len(received) == n:
                return

    await asyncio.wait_for(collect(), timeout=15)
    return received


def needs_redis_server() -> None:
    """Skips (fails under CI=true) a test that starts its own redis-server."""
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("CI=true needs redis-server to test Redis outages", pytrace=False)
        pytest.skip("redis-server is not installed")


@contextlib.contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[Any]]:
    """A throw-away redis-server on ``port`` (the test kills, freezes and restarts it)."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGCONT)  # a frozen one cannot act on SIGTERM
        server.terminate()
        server.wait(timeout=10)


async def until_redis_answers(port: int) -> None:
    for _ in range(200):  # bounded: up to 10 s
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"redis-server on {port} did not start")


async def until(condition: Callable[[], bool | Awaitable[bool]], *, within: float, what: str) -> float:
    """Seconds until ``condition`` holds (a bounded poll on a condition; fails after ``within``)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < within:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return loop.time() - start
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {within} s: {what}")
