"""Placing orders under load, on PostgreSQL, over real HTTP; and how much delivery positions coalesce.

Creates a fresh PostgreSQL database, migrates it, and adds a community of RESIDENTS residents (one
house each), a shop with one popular product of STOCK items, and a delivery robot with an order out
for delivery. Then starts `lingli serve` and:

1. RESIDENTS clients place ORDERS orders of one item of that product as fast as the server answers
   (each with its own idempotencyKey): orders/s placed, p50/p99 latency, and the oversell check —
   exactly min(STOCK, ORDERS) placed (after ALONE orders placed one at a time, for the unloaded cost), the rest OUT_OF_STOCK, stock never below 0, one reserved item
   per placed order;
2. the robot reports POSITIONS positions at POSITION_RATE a second to POST /telemetry: positions
   reported vs ORDER_POSITION messages pushed (DELIVERY_POSITION_PUSH_SECONDS), and whether the
   last one pushed is the last one reported.

    .venv/bin/python bench/orders.py [--orders 3000] [--stock 2500] [--residents 50] [--workers 1]
                                     [--positions 100] [--position-rate 20] [--push-seconds 1]

LINGLI_TEST_PG names the PostgreSQL admin URL (default postgresql://postgres@127.0.0.1:5432/test).
Loopback only; drops its database and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from api_latency import free_port

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# The venv running this script (a worktree has none of its own); PYTHONPATH below runs this checkout.
LINGLI = str(Path(sys.executable).parent / "lingli")
PG_ADMIN_URL = os.environ.get("LINGLI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-" + "b" * 40
ROBOT_KEY = "dk_bench_robot_" + "r" * 32
PLACE = """mutation P($input: OrderPlaceInput!) { orderPlace(input: $input) { id totalFen } }"""


async def pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def populate(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """The community, residents, shop, product, robot and its delivery; an access token per resident."""
    from auth.roles import Role
    from auth.tokens import TokenIssuer
    from domain.devices.models import Device, DeviceType
    from domain.devices.service import device_key_hash
    from domain.orders.models import Order, Status
    from domain.payments.models import ProviderName
    from domain.people.accounts import start_session
    from domain.people.models import Membership, Person, Residency, ResidencyKind
    from domain.shops.models import Product, Shop
    from domain.space.models import Building, Community, House
    from server.settings import Settings

    settings = Settings.from_env(env)
    issuer = TokenIssuer(
        secret=settings.jwt_secret.value,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        access_ttl_seconds=3600,
        refresh_ttl_seconds=3600,
        session_ttl_seconds=3600,
    )
    community = await Community.create(name="Bench Garden", code="BENCH")
    building = await Building.create(community=community, name="1", latitude=31.2, longitude=121.4)
    shop = await Shop.create(community_id=community.id, name="Popular Mart")
    product = await Product.create(
        shop_id=shop.id, community_id=community.id, name="Mooncake", price_fen=880, stock=args.stock
    )
    residents = []
    for n in range(args.residents):
        house = await House.create(community_id=community.id, building=building, number=str(1000 + n))
        person = await Person.create(name=f"Resident {n}", phone=f"139{n:08d}", password_hash="x")
        await Residency.create(
            person=person, house=house, community_id=community.id, kind=ResidencyKind.OWNER, moved_in=date(2020, 1, 1)
        )
        await Membership.create(person=person, community_id=community.id, role=Role.RESIDENT, grid=None)
        token = (await start_session(issuer, person)).access_token
        residents.append({"token": token, "house": house.id})
    robot = await Device.create(
        community_id=community.id, type=DeviceType.DELIVERY_ROBOT, name="Robot", key_hash=device_key_hash(ROBOT_KEY)
    )
    delivery = await Order.create(
        community_id=community.id,
        shop_id=shop.id,
        resident_id=(await Person.get(phone="13900000000")).id,
        house_id=residents[0]["house"],
        house_number="1-1000",
        contact_name="Resident 0",
        contact_phone="13900000000",
        idempotency_key="robot-delivery",
        status=Status.DELIVERING,
        total_fen=880,
        payment_provider=ProviderName.ON_DELIVERY,
        placed_at=datetime.now(UTC),
        robot_id=robot.id,
    )
    return {"shop": shop.id, "product": product.id, "residents": residents, "delivery": delivery.id}


async def place_orders(
    url: str, world: dict[str, Any], orders: int, clients: int | None = None
) -> tuple[float, list[float], dict[str, int]]:
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    remaining = iter(range(orders))

    async def resident(who: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {who['token']}"}
        async with httpx.AsyncClient(timeout=60, headers=headers) as http:
            for _ in remaining:
                body = {
                    "query": PLACE,
                    "variables": {
                        "input": {
                            "shopId": str(world["shop"]),
                            "houseId": str(who["house"]),
                            "lines": [{"productId": str(world["product"]), "quantity": 1}],
                            "idempotencyKey": uuid.uuid4().hex,
                            "payment": "ON_DELIVERY",
                        }
                    },
                }
                start = time.perf_counter()
                response = await http.post(url, json=body)
                latencies.append(time.perf_counter() - start)
                answer = response.json() if response.status_code == 200 else {}
                errors = answer.get("errors")
                outcome = (
                    "PLACED"
                    if answer.get("data") and not errors
                    else (
                        errors[0].get("extensions", {}).get("code", "ERROR")
                        if errors
                        else f"HTTP {response.status_code}"
                    )
                )
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(resident(who) for who in world["residents"][:clients]))
    return time.perf_counter() - start, latencies, outcomes


async def sample_lock_waits(database_url: str, stop: asyncio.Event) -> dict[str, float]:
    """While orders are placed: how many backends, on average, wait for an outbox topic lock
    and how many for a row lock (the product's stock row), sampled every 50 ms from pg_locks."""
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://"))
    samples: list[tuple[int, int, int]] = []
    try:
        while not stop.is_set():
            row = await conn.fetchrow(
                """SELECT count(*) FILTER (WHERE locktype = 'advisory' AND NOT granted) AS advisory,
                          count(*) FILTER (WHERE locktype IN ('transactionid', 'tuple') AND NOT granted) AS row_lock,
                          (SELECT count(*) FROM pg_stat_activity
                            WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()) AS active
                   FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      OR locktype IN ('transactionid', 'tuple')"""
            )
            samples.append((int(row["advisory"]), int(row["row_lock"]), int(row["active"])))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.05)  # the sampling period
    finally:
        await conn.close()
    if not samples:
        return {"advisory": 0.0, "row": 0.0, "active": 0.0}
    return {
        "advisory": statistics.fmean(s[0] for s in samples),
        "row": statistics.fmean(s[1] for s in samples),
        "active": statistics.fmean(s[2] for s in samples),
    }


async def oversold(world: dict[str, Any], stock: int, orders: int, placed: int) -> list[str]:
    """What is wrong with the stock after the run (nothing: an empty list)."""
    from domain.orders.models import OrderLine
    from domain.shops.models import Product

    left = (await Product.get(id=world["product"])).stock
    reserved = await OrderLine.filter(product_id=world["product"], reserved=True).count()
    problems = []
    if left is None or left < 0:
        problems.append(f"stock is {left}")
    if placed != min(stock, orders):
        problems.append(f"{placed} placed of {orders} for a stock of {stock}")
    if reserved != placed or (left is not None and left + placed != stock):
        problems.append(f"{placed} placed, {reserved} lines reserved, {left} left of {stock}")
    return problems


async def report_positions(base: str, world: dict[str, Any], args: argparse.Namespace) -> tuple[int, int, bool]:
    """Positions reported, ORDER_POSITION messages pushed for the delivery, and whether the last
    pushed is the last reported (waiting, bounded, for the trailing push)."""
    from domain.orders.models import Order
    from realtime.models import OutboxEvent

    last = (0.0, 0.0)
    async with httpx.AsyncClient(timeout=30, headers={"X-Device-Key": ROBOT_KEY}) as http:
        for n in range(args.positions):
            last = (round(31.21 - n * 0.00001, 6), round(121.41 - n * 0.00001, 6))
            readings = [{"metric": "latitude", "value": last[0]}, {"metric": "longitude", "value": last[1]}]
            (await http.post(f"{base}/telemetry", json={"readings": readings})).raise_for_status()
            await asyncio.sleep(1 / args.position_rate)  # the robot's reporting rate, not a wait
    deadline = time.monotonic() + 3 * args.push_seconds + 10
    while time.monotonic() < deadline:
        order = await Order.get(id=world["delivery"])
        if not order.position_pending:
            break
        await asyncio.sleep(0.05)  # the sweep runs every push interval: a bounded wait for it
    events = await OutboxEvent.filter(kind="ORDER_POSITION").order_by("id")
    mine = [e for e in events if e.payload.get("id") == world["delivery"]]
    final = bool(mine) and (mine[-1].payload["latitude"], mine[-1].payload["longitude"]) == last
    return args.positions, len(mine), final


async def connected(database_url: str) -> None:
    from tortoise import Tortoise

    from server.db import tortoise_config

    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def setup(database_url: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    from tortoise import Tortoise

    await connected(database_url)
    try:
        return await populate(env, args)
    finally:
        await Tortoise.close_connections()


async def measure(port: int, database_url: str, world: dict[str, Any], args: argparse.Namespace) -> int:
    from tortoise import Tortoise

    await connected(database_url)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(400):
                try:
                    if (await http.get(f"{base}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)  # the server is still starting: a bounded wait
        print(
            f"server: postgres, {args.workers} worker(s); {args.orders} orders of one product "
            f"(stock {args.stock}) from {args.residents} concurrent residents"
        )
        # One client at a time first: what one order costs the server, with nothing waiting.
        alone, single, _ = await place_orders(f"{base}/graphql", world, args.alone, clients=1)
        print(
            f"one resident at a time: {args.alone / alone:6.1f} orders/s, p50 {statistics.median(single) * 1000:.1f} ms"
        )
        stop = asyncio.Event()
        sampling = asyncio.create_task(sample_lock_waits(database_url, stop))
        elapsed, latencies, outcomes = await place_orders(f"{base}/graphql", world, args.orders)
        stop.set()
        waits = await sampling
        placed = outcomes.get("PLACED", 0)
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"orderPlace: {placed / elapsed:7.1f} orders/s placed ({len(latencies) / elapsed:.1f} requests/s)  "
            f"p50 {cuts[49] * 1000:6.1f} ms  p99 {cuts[98] * 1000:6.1f} ms  in {elapsed:.1f} s"
        )
        print("outcomes:", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
        print(
            f"during placing, on average: {waits['active']:.1f} statements running, "
            f"{waits['advisory']:.1f} backends waiting for the outbox advisory lock, {waits['row']:.1f} for a row lock"
        )
        problems = await oversold(world, args.stock, args.orders + args.alone, placed + args.alone)
        print(
            "oversell check:",
            "; ".join(problems)
            if problems
            else f"ok ({placed + args.alone} placed in all, {args.stock - placed - args.alone} left, never negative)",
        )
        reported, pushed, final = await report_positions(base, world, args)
        print(
            f"positions: {reported} reported at {args.position_rate}/s, {pushed} pushed "
            f"(DELIVERY_POSITION_PUSH_SECONDS={args.push_seconds}); last pushed is the last reported: {final}"
        )
        return 1 if problems or not final else 0
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--stock", type=int, default=2500)
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--alone", type=int, default=100, help="orders placed one at a time first")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--positions", type=int, default=100)
    parser.add_argument("--position-rate", type=float, default=20)
    parser.add_argument("--push-seconds", type=float, default=1)
    args = parser.parse_args()

    name = f"lingli_bench_{os.getpid()}"
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    database_url = f"{PG_ADMIN_URL.rsplit('/', 1)[0].replace('postgresql://', 'postgres://')}/{name}"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PORT": str(port),
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "JWT_SECRET": SECRET,
        "DELIVERY_POSITION_PUSH_SECONDS": str(args.push_seconds),
        "LINGLI_DATA_DIR": tempfile.mkdtemp(prefix="lingli-bench-"),
    }
    try:
        subprocess.run([LINGLI, "migrate"], cwd=env["LINGLI_DATA_DIR"], env=env, check=True, capture_output=True)
        world = asyncio.run(setup(database_url, env, args))
        server = subprocess.Popen(
            [LINGLI, "serve"], cwd=env["LINGLI_DATA_DIR"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            code = asyncio.run(measure(port, database_url, world, args))
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    raise SystemExit(code)


if __name__ == "__main__":
    main()
