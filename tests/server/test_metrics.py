"""GET /metrics, scraped over real HTTP after real requests (issue 10, item 14): operations by
name with their latency, errors by code (GraphQL's and refused requests'), open sockets,
active subscriptions by field, the outbox's lag, the bus's reconnects and queue overflows."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from gql import GraphQLRequest, gql
from prometheus_client.parser import text_string_to_metric_families

from realtime.broadcast import QUEUE_LIMIT
from realtime.models import OutboxEvent
from tests.conftest import METRICS_TOKEN, RunningServer, start_lingli
from tests.realtime.support import needs_redis_server, redis_server, socket, until, until_redis_answers
from tests.support import Api, World, free_port

SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]
ME = "query Me { me { name } }"
EVENT_UPDATES = gql('subscription Watch { eventUpdates(after: "0") { kind } }')


async def scrape(base: str) -> Series:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{base}/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(series: Series, name: str, **labels: str) -> float:
    return series.get((name, tuple(sorted(labels.items()))), 0.0)


def base_of(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql")


async def test_operations_are_counted_and_timed_by_name(api: Api, world: World, server: RunningServer) -> None:
    before = await scrape(base_of(server))
    for _ in range(3):
        assert "errors" not in await api(ME, as_=world.operator_a)
    after = await scrape(base_of(server))
    labels = {"type": "query", "operation": "Me"}
    assert (
        value(after, "lingli_graphql_operations_total", **labels)
        - value(before, "lingli_graphql_operations_total", **labels)
        == 3
    )
    assert (
        value(after, "lingli_graphql_operation_seconds_count", **labels)
        - value(before, "lingli_graphql_operation_seconds_count", **labels)
        == 3
    )
    assert value(after, "lingli_graphql_operation_seconds_sum", **labels) > value(
        before, "lingli_graphql_operation_seconds_sum", **labels
    )


async def test_client_chosen_operation_names_cannot_grow_the_series_without_bound(
    api: Api, server: RunningServer
) -> None:
    await api("query Q { __typename }".replace("Q", "x" * 65))
    after = await scrape(base_of(server))
    assert not any(labels and dict(labels).get("operation") == "x" * 65 for _, labels in after)
    assert value(after, "lingli_graphql_operations_total", type="query", operation="other") >= 1


async def test_errors_are_counted_by_code(api: Api, world: World, server: RunningServer) -> None:
    before = await scrape(base_of(server))
    await api(ME)  # no token
    await api('{ house(id: "999999999") { number } }', as_=world.operator_a)
    async with httpx.AsyncClient() as http:  # refused before GraphQL: no JSON
        refused = await http.post(server.url, content=b"{", headers={"Content-Type": "application/json"})
        assert refused.status_code == 400
    after = await scrape(base_of(server))

    def grew(code: str) -> float:
        return value(after, "lingli_errors_total", code=code) - value(before, "lingli_errors_total", code=code)

    assert grew("UNAUTHENTICATED") == 1
    assert grew("NOT_FOUND") == 1
    assert grew("INVALID_INPUT") == 1


async def test_open_sockets_and_active_subscriptions_by_field(world: World, server: RunningServer) -> None:
    base = base_of(server)
    before = await scrape(base)
    sockets = value(before, "lingli_websockets_open")
    watching = value(before, "lingli_subscriptions_active", field="eventUpdates")

    async def now(name: str, expect: float, **labels: str) -> bool:
        return value(await scrape(base), name, **labels) == expect

    async with socket(server, world.owner_a101) as session:
        feed = session.subscribe(GraphQLRequest(EVENT_UPDATES))
        started = asyncio.create_task(anext(feed))  # nothing to replay: it waits, subscribed
        await until(lambda: now("lingli_websockets_open", sockets + 1), within=10, what="the socket counted")
        await until(
            lambda: now("lingli_subscriptions_active", watching + 1, field="eventUpdates"),
            within=10,
            what="the subscription counted",
        )
        started.cancel()
        await asyncio.gather(started, return_exceptions=True)
        await feed.aclose()
        await until(
            lambda: now("lingli_subscriptions_active", watching, field="eventUpdates"),
            within=10,
            what="the subscription's end counted",
        )
    await until(lambda: now("lingli_websockets_open", sockets), within=10, what="the socket's end counted")
    after = await scrape(base)
    assert value(after, "lingli_graphql_operations_total", type="subscription", operation="Watch") >= 1


async def test_outbox_lag_is_the_age_of_the_oldest_unsent_event(server: RunningServer) -> None:
    base = base_of(server)
    assert value(await scrape(base), "lingli_outbox_lag_seconds") < 60
    # An event committed two minutes ago and never sent (the bus was down): the lag says so, unless
    # the 5-second sweep sent it between the insert and the scrape (then try again, bounded).
    for _ in range(5):
        row = await OutboxEvent.create(topic="test.lag", seq=1, kind="TEST", payload={})
        await OutboxEvent.filter(id=row.id).update(created_at=datetime.now(UTC) - timedelta(minutes=2))
        lag = value(await scrape(base), "lingli_outbox_lag_seconds")
        if (await OutboxEvent.get(id=row.id)).published_at is None:
            assert 120 <= lag < 180
            break
        await OutboxEvent.filter(id=row.id).delete()
    else:
        raise AssertionError("the sweep sent the row before every scrape")
    await OutboxEvent.filter(id=row.id).delete()


async def test_a_subscriber_a_full_queue_behind_is_counted(server: RunningServer) -> None:
    broadcast: Any = server.publisher.broadcast  # type: ignore[attr-defined]
    before = value(await scrape(base_of(server)), "lingli_bus_queue_overflows_total")
    async with broadcast.subscribe("test.overflow") as subscriber:
        for n in range(QUEUE_LIMIT + 1):  # nobody reads: the last one finds the queue full
            await broadcast.publish(channel="test.overflow", message=str(n))
        await until(lambda: subscriber._queue.qsize() == 1, within=10, what="the backlog dropped for one RESYNC")
    assert value(await scrape(base_of(server)), "lingli_bus_queue_overflows_total") == before + 1


async def test_bus_reconnects_are_counted(database_url: str) -> None:
    needs_redis_server()
    redis_port, port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    with redis_server(redis_port) as redis:
        await until_redis_answers(redis_port)
        process = await start_lingli(database_url, port, BROADCAST_URL=f"redis://127.0.0.1:{redis_port}")
        try:
            before = await scrape(base)
            assert value(before, "lingli_bus_up") == 1
            assert value(before, "lingli_bus_reconnects_total") == 0
            redis.send_signal(signal.SIGKILL)
            redis.wait(timeout=10)
            with redis_server(redis_port):
                await until_redis_answers(redis_port)

                async def reconnected() -> bool:
                    series = await scrape(base)
                    return value(series, "lingli_bus_reconnects_total") >= 1 and value(series, "lingli_bus_up") == 1

                await until(reconnected, within=30, what="the reconnect counted")
        finally:
            process.stop()
