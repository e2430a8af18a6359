"""The operations centre's dashboard on a community of HOUSES houses and RESIDENTS residents, over
real HTTP, on SQLite and on PostgreSQL.

Builds (bulk inserts) one community: buildings of 100 houses, grids of 200, RESIDENTS residents (about
8% with a care tag), a smoke detector, an electricity meter and a water meter per house (meters read
daily this month and last), cameras, alarms, events, points entries and orders in proportion, and a
second community beside it (what the dashboard must not count). Then starts `lingli serve` and asks
`dashboard` REQUESTS times, one after another, as the community's operator: p50 / p99 / max.

    .venv/bin/python bench/dashboard.py [--db sqlite|postgres|both] [--houses 2000] [--residents 10000]
                                        [--requests 300]

LINGLI_TEST_PG names the PostgreSQL admin URL (default postgresql://postgres@127.0.0.1:5432/test).
Loopback only; drops its database (or file) and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from api_latency import free_port

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
LINGLI = str(Path(sys.executable).parent / "lingli")
PG_ADMIN_URL = os.environ.get("LINGLI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-" + "b" * 40
TALLY = "key label count"
DASHBOARD = f"""query D($c: ID!) {{ dashboard(communityId: $c) {{
  people {{ residents houses occupiedHouses byBuilding {{ {TALLY} }} byCareTag {{ {TALLY} }} }}
  devices {{ online offline byType {{ type online offline }} }}
  alarms {{ active unacknowledged bySeverity {{ {TALLY} }} byType {{ {TALLY} }} }}
  events {{ open overdue byStatus {{ {TALLY} }} byCategory {{ {TALLY} }} byGrid {{ {TALLY} }} }}
  energy {{ utility meters thisMonth lastMonth thisMonthFen lastMonthFen }}
  points {{ issued byKind {{ {TALLY} }} }}
  ordersToday {{ placed revenueFen byStatus {{ {TALLY} }} }}
}} }}"""
BATCH = 2000


async def pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def bulk(model: Any, rows: list[Any]) -> None:
    for start in range(0, len(rows), BATCH):
        await model.bulk_create(rows[start : start + BATCH])


async def populate(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    from auth.roles import Role
    from auth.tokens import TokenIssuer
    from domain.alarms.models import Alarm, Severity
    from domain.bills.models import Tariff, Utility
    from domain.devices.models import Device, DeviceType, Reading
    from domain.events.models import Category, Event, Source, Status
    from domain.orders.models import Order
    from domain.orders.models import Status as OrderStatus
    from domain.payments.models import ProviderName
    from domain.people.accounts import start_session
    from domain.people.models import CareRecord, CareTag, Membership, Person, Residency, ResidencyKind
    from domain.points.models import Entry, Kind
    from domain.points.models import Source as PointsSource
    from domain.shops.models import Shop
    from domain.space import calendar
    from domain.space.calendar import Period
    from domain.space.models import Building, Community, Grid, House
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
    rng = random.Random(7)
    now = datetime.now(UTC)
    started = time.monotonic()
    operator = await Person.create(name="Operator", phone="13800000000", password_hash="x")
    first: Community | None = None
    serial = iter(range(10**9))
    for code, houses_n, residents_n in (
        ("BENCH", args.houses, args.residents),
        ("OTHER", args.houses // 10, args.residents // 10),
    ):
        community = await Community.create(name=f"{code} Garden", code=code)
        first = first or community
        last = calendar.span(community.time_zone, Period.LAST_MONTH, now)
        today = calendar.span(community.time_zone, Period.TODAY, now)
        await bulk(Building, [Building(community=community, name=str(b)) for b in range(houses_n // 100 + 1)])
        buildings = await Building.filter(community=community).order_by("id")
        await bulk(Grid, [Grid(community=community, name=f"g{g}") for g in range(houses_n // 200 + 1)])
        grids = await Grid.filter(community=community).order_by("id")
        await bulk(
            House,
            [
                House(community=community, building=buildings[h // 100], grid=grids[h // 200], number=str(h))
                for h in range(houses_n)
            ],
        )
        houses = await House.filter(community=community).order_by("id")
        base = next(serial) * 10**6
        await bulk(
            Person,
            [Person(name=f"R{i}", phone=f"13{base + i:09d}"[-11:], password_hash="x") for i in range(residents_n)],
        )
        people = await Person.filter(phone__in=[f"13{base + i:09d}"[-11:] for i in range(residents_n)]).order_by("id")
        await bulk(
            Residency,
            [
                Residency(
                    person=p,
                    house=houses[i % houses_n],
                    community=community,
                    kind=ResidencyKind.OWNER,
                    moved_in=date(2020, 1, 1),
                    moved_out=date(2021, 1, 1) if i % 50 == 0 else None,
                )
                for i, p in enumerate(people)
            ],
        )
        tags = list(CareTag)
        await bulk(
            CareRecord,
            [CareRecord(person=p, community=community, tag=tags[i % 4]) for i, p in enumerate(people) if i % 12 == 0],
        )
        devices = []
        for h, house in enumerate(houses):
            for type_ in (DeviceType.SMOKE_DETECTOR, DeviceType.ELECTRICITY_METER, DeviceType.WATER_METER):
                devices.append(
                    Device(
                        community=community,
                        house=house,
                        building_id=house.building_id,
                        type=type_,
                        name=f"{type_.value} {h}",
                        key_hash=f"{next(serial):064d}",
                        online=rng.random() < 0.95,
                    )
                )
        devices += [
            Device(
                community=community,
                type=DeviceType.CAMERA,
                name=f"cam {c}",
                key_hash=f"{next(serial):064d}",
                online=True,
            )
            for c in range(houses_n // 10)
        ]
        await bulk(Device, devices)
        meters = await Device.filter(
            community=community, type__in=[DeviceType.ELECTRICITY_METER, DeviceType.WATER_METER]
        ).values_list("id", flat=True)
        readings = []
        days = int((now - last.since).total_seconds() // 86400) + 2
        for meter in meters:
            value = rng.uniform(0, 1000)
            for day in range(days):
                value += rng.uniform(1, 10)
                readings.append(
                    Reading(
                        device_id=meter,
                        metric="reading",
                        value=round(value, 3),
                        recorded_at=last.since + timedelta(days=day - 1, hours=1),
                    )
                )
        await bulk(Reading, readings)
        first_of_last = last.since.astimezone(calendar.zone(community.time_zone)).date()
        for utility, price in ((Utility.ELECTRICITY, 60), (Utility.WATER, 350)):
            await Tariff.create(community=community, utility=utility, price_fen=price, effective_from=first_of_last)
        kinds = ["SMOKE", "GAS", "SOS", "FALL", "OFFLINE"]
        await bulk(
            Alarm,
            [
                Alarm(
                    community=community,
                    house=houses[a % houses_n],
                    grid_id=houses[a % houses_n].grid_id,
                    type=kinds[a % 5],
                    severity=list(Severity)[a % 5],
                    active_key=f"a{next(serial)}" if a % 3 else None,
                    cleared_at=None if a % 3 else now,
                    acknowledged_at=now if a % 2 else None,
                    first_seen_at=now,
                    last_seen_at=now,
                )
                for a in range(houses_n // 4)
            ],
        )
        await bulk(
            Event,
            [
                Event(
                    community=community,
                    house=houses[e % houses_n],
                    grid_id=houses[e % houses_n].grid_id,
                    category=list(Category)[e % len(Category)],
                    source=Source.RESIDENT_APP,
                    status=list(Status)[e % len(Status)],
                    description="bench",
                    reported_at=now - timedelta(days=e % 60),
                    deadline_at=now + timedelta(hours=(e % 96) - 48),
                )
                for e in range(houses_n + houses_n // 2)
            ],
        )
        await bulk(
            Entry,
            [
                Entry(
                    community=community,
                    person=people[i % len(people)],
                    kind=Kind.GREEN if i % 3 else Kind.VOLUNTEER,
                    amount=rng.randint(-5, 10) or 1,
                    reason_code="SORTED_RIGHT",
                    reason="bench",
                    source=PointsSource.SORTING,
                    idempotency_key=f"bench:{next(serial)}",
                    created_at=now - timedelta(hours=i % (24 * 50)),
                )
                for i in range(residents_n * 2)
            ],
        )
        shop = await Shop.create(community=community, name="Mart")
        await bulk(
            Order,
            [
                Order(
                    community=community,
                    shop=shop,
                    resident=people[o % len(people)],
                    house=houses[o % houses_n],
                    house_number=str(o),
                    contact_name="R",
                    contact_phone="13900000000",
                    idempotency_key=f"bench-{next(serial)}",
                    status=list(OrderStatus)[o % len(OrderStatus)],
                    total_fen=rng.randint(100, 20000),
                    payment_provider=ProviderName.ON_DELIVERY,
                    placed_at=today.since + (now - today.since) * rng.random()
                    if o % 10 == 0
                    else now - timedelta(days=1 + o % 30),
                )
                for o in range(houses_n)
            ],
        )
    assert first is not None
    await Membership.create(person=operator, community=first, role=Role.OPERATOR)
    if env["DATABASE_URL"].startswith("postgres"):
        from tortoise import connections

        # What autovacuum does after bulk inserts: the planner's statistics, and the visibility map
        # that lets the energy panel's probes of readings stay in their covering index.
        await connections.get("default").execute_script("VACUUM ANALYZE")
    token = (await start_session(issuer, operator)).access_token
    print(f"populated in {time.monotonic() - started:.1f} s: {await Reading.all().count()} meter readings in all")
    return {"community": first.id, "token": token}


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


async def measure(port: int, world: dict[str, Any], args: argparse.Namespace, label: str) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {world['token']}"}
    body = {"query": DASHBOARD, "variables": {"c": str(world["community"])}}
    async with httpx.AsyncClient(timeout=30) as http:
        for _ in range(400):
            try:
                if (await http.get(f"{base}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)  # the server is still starting: a bounded wait
        answer = (await http.post(f"{base}/graphql", json=body, headers=headers)).json()
        assert not answer.get("errors"), answer
        board = answer["data"]["dashboard"]
        print(
            f"{label}: {board['people']['residents']} residents in {board['people']['occupiedHouses']}/{board['people']['houses']} houses, "
            f"{board['devices']['online']} devices online, {board['alarms']['active']} active alarms, {board['events']['open']} open events "
            f"({board['events']['overdue']} overdue), electricity {board['energy'][0]['thisMonth']:.0f} kWh this month vs "
            f"{board['energy'][0]['lastMonth']:.0f}, {board['points']['issued']} points this month, {board['ordersToday']['placed']} orders today"
        )
        for _ in range(20):  # warm-up
            await http.post(f"{base}/graphql", json=body, headers=headers)
        # The floor: the same server answering the smallest authenticated query, on this machine now.
        floor = []
        for _ in range(args.requests // 3):
            started = time.perf_counter()
            await http.post(f"{base}/graphql", json={"query": "{ me { name } }"}, headers=headers)
            floor.append(time.perf_counter() - started)
        low = statistics.quantiles(floor, n=100)
        print(f"{label}: the floor, `{{ me {{ name }} }}`: p50 {low[49] * 1000:.1f} ms  p99 {low[98] * 1000:.1f} ms")
        latencies = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = await http.post(f"{base}/graphql", json=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200 and "errors" not in response.json()
    cuts = statistics.quantiles(latencies, n=100)
    figures = {"p50": cuts[49] * 1000, "p99": cuts[98] * 1000, "max": max(latencies) * 1000}
    print(
        f"{label}: dashboard over HTTP, {args.requests} requests one after another: "
        f"p50 {figures['p50']:.1f} ms  p99 {figures['p99']:.1f} ms  max {figures['max']:.1f} ms"
    )
    return figures


def run(backend: str, args: argparse.Namespace) -> dict[str, float]:
    data_dir = tempfile.mkdtemp(prefix="lingli-bench-")
    name = f"lingli_bench_ioc_{os.getpid()}"
    if backend == "postgres":
        asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
        database_url = f"{PG_ADMIN_URL.rsplit('/', 1)[0].replace('postgresql://', 'postgres://')}/{name}"
    else:
        database_url = f"sqlite://{data_dir}/bench.sqlite3"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "JWT_SECRET": SECRET,
        "LINGLI_DATA_DIR": data_dir,
    }
    try:
        subprocess.run([LINGLI, "migrate"], cwd=data_dir, env=env, check=True, capture_output=True)
        world = asyncio.run(setup(database_url, env, args))
        server = subprocess.Popen(
            [LINGLI, "serve"], cwd=data_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            return asyncio.run(measure(port, world, args, backend))
        finally:
            server.terminate()
            server.wait(timeout=15)
    finally:
        if args.keep:
            print(f"kept: {database_url}")
        elif backend == "postgres":
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--houses", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the database (and print its URL) to look at it")
    args = parser.parse_args()
    if args.db == "both":
        # One process per database: tortoise keeps what it compiled for the first one it met.
        common = ["--houses", str(args.houses), "--residents", str(args.residents), "--requests", str(args.requests)]
        codes = [
            subprocess.run([sys.executable, __file__, "--db", db, *common], check=False).returncode
            for db in ("sqlite", "postgres")
        ]
        raise SystemExit(max(codes))
    figures = run(args.db, args)
    met = figures["p99"] < 200
    print(f"{args.db}: target p99 < 200 ms:", "met" if met else "missed")
    raise SystemExit(0 if met else 1)


if __name__ == "__main__":
    main()
