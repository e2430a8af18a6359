"""parkingAvailabilityUpdates: at most one message per lot per second, the newest count always
delivered (the trailing push of domain/parking/availability.py, run by the app several times a
second). Waits are on messages and committed rows, never on time."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from domain.parking import availability
from domain.parking.availability import PUSH_EVERY
from domain.parking.models import ParkingLot
from domain.people.models import Person
from realtime.models import OutboxEvent
from realtime.outbox import publishing_to, transaction
from tests.conftest import RunningServer
from tests.parking.support import UPDATES, make_car_park, sense
from tests.realtime.support import socket, until
from tests.support import Api, World

LIVE = gql(UPDATES)


async def counts_until(
    server: RunningServer, person: Person, community: int, lot: str, occupied: int
) -> list[dict[str, Any]]:
    """The lot's messages (replayed from the start, then live) up to the one with that count."""
    received: list[dict[str, Any]] = []
    async with socket(server, person) as session:

        async def collect() -> None:
            request = GraphQLRequest(LIVE, variable_values={"c": str(community), "after": "0"})
            async for message in session.subscribe(request):
                update = message["parkingAvailabilityUpdates"]
                if update["lot"]["lotId"] != lot:
                    continue
                received.append(update["lot"])
                if update["lot"]["occupied"] == occupied:
                    return

        await asyncio.wait_for(collect(), timeout=15)
    return received


async def test_a_burst_of_sensor_changes_is_one_message_per_lot_with_the_final_count(
    api: Api, world: World, server: RunningServer
) -> None:
    p1 = await make_car_park(api, world, sensed=6, unsensed=0, name="P1")
    p2 = await make_car_park(api, world, sensed=3, unsensed=0, name="P2")
    async with httpx.AsyncClient() as http:
        # The first change of each lot goes out at once (its window was open).
        started = time.monotonic()  # before the first push: the burst is measured from its window's start
        await asyncio.gather(sense(http, server, p1.sensors[0], 1), sense(http, server, p2.sensors[0], 1))
        # Then many changes inside the window: cars arriving, one leaving again.
        await asyncio.gather(*(sense(http, server, key, 1) for key in [*p1.sensors[1:], *p2.sensors[1:]]))
        await asyncio.gather(sense(http, server, p1.sensors[5], 0), sense(http, server, p2.sensors[2], 0))
        burst = time.monotonic() - started

    # The trailing pushes are the app's periodic job's: once each lot's final count is committed (by
    # whichever process sharing the database claimed it: `lingli serve` processes of other tests
    # may, over a bus of their own), the replay from the outbox carries every message of both.
    async def final_counts_committed() -> bool:
        last = {
            str(e.payload["lot_id"]): e.payload["occupied"]
            for e in await OutboxEvent.filter(kind="LOT_AVAILABILITY").order_by("id")
        }
        return last.get(p1.lot_id) == 5 and last.get(p2.lot_id) == 2

    await until(final_counts_committed, within=10, what="the final counts pushed")
    got_p1 = await counts_until(server, world.owner_a101, world.a.id, p1.lot_id, 5)
    got_p2 = await counts_until(server, world.operator_a, world.a.id, p2.lot_id, 2)
    for got, final in ((got_p1, 5), (got_p2, 2)):
        assert got[-1]["occupied"] == final and got[-1]["free"] == got[-1]["total"] - final
        if burst < PUSH_EVERY.total_seconds() * 0.8:
            # The whole burst fell in the window of the first push: one message more, the last count.
            assert [m["occupied"] for m in got] == [1, final], (got, burst)
        else:  # a slow machine: still at most one a second, plus the leading and the trailing one
            assert len(got) <= burst / PUSH_EVERY.total_seconds() + 2, (got, burst)
    events = await OutboxEvent.filter(kind="LOT_AVAILABILITY").order_by("id")
    for lot in (p1.lot_id, p2.lot_id):
        mine = [e for e in events if str(e.payload["lot_id"]) == lot]
        gaps = [(b.created_at - a.created_at).total_seconds() for a, b in itertools.pairwise(mine)]
        assert all(gap >= PUSH_EVERY.total_seconds() * 0.9 for gap in gaps), gaps


async def test_inside_one_window_many_changes_are_one_push_of_the_last_count(
    api: Api, world: World, server: RunningServer
) -> None:
    """The same throttle, on the clock it is given: the window starts a minute ahead, so the app's own
    sweep (on the real clock) leaves it alone and only the sweep called here pushes."""
    park = await make_car_park(api, world, sensed=0, unsensed=20)
    lot = int(park.lot_id)
    t0 = datetime.now(UTC) + timedelta(minutes=1)
    with publishing_to(server.publisher):
        async with transaction():
            await availability.changed(lot, now=t0)  # the leading push: 0 occupied
        for i in range(1, 21):  # 20 changes in 0.95 s of that window: none pushed
            await ParkingLot.filter(id=lot).update(vehicles_inside=i)
            async with transaction():
                await availability.changed(lot, now=t0 + timedelta(seconds=0.05 * i - 0.05))
        assert await availability.push_pending(now=t0 + timedelta(seconds=0.5)) == 0  # still inside
        assert await availability.push_pending(now=t0 + PUSH_EVERY) == 1  # the trailing edge
        assert await availability.push_pending(now=t0 + PUSH_EVERY * 3) == 0  # nothing new
    pushed = [e.payload["occupied"] for e in await OutboxEvent.filter(kind="LOT_AVAILABILITY").order_by("id")]
    assert pushed == [0, 20]


async def test_outsiders_do_not_follow_the_lots(server: RunningServer, world: World) -> None:

    async with socket(server, world.owner_b101) as session:
        with pytest.raises(TransportQueryError) as refused:
            async for _ in session.subscribe(GraphQLRequest(LIVE, variable_values={"c": str(world.a.id)})):
                pass
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
