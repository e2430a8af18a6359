"""Spends per second on the points ledger over real HTTP, on PostgreSQL: all on one hot balance,
then spread over 1,000 balances; p50 / p99; and a check that no balance ever went negative.

Creates a fresh PostgreSQL database (PG_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/test),
migrates and seeds it, adds 1,000 residents with GREEN points, starts `lingli serve`, and sends
operator deductions (`pointsAdjust`, amount -1: the ledger's spend path — a conditional UPDATE of the
balance, the entry, the oldest lots, the outbox row) from CONCURRENCY clients:

    .venv/bin/python bench/points.py [--spends 2000] [--concurrency 20] [--workers 1]

The hot balance covers half of its spends, so the other half must be INSUFFICIENT_POINTS. "Never
negative" is checked on the entries themselves: for every balance, each running sum of its entries in
commit order (ids are handed out under the outbox's commit lock) is >= 0, and the last equals the balance.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import asyncpg
import httpx
from tortoise import Tortoise

ROOT = Path(__file__).resolve().parent.parent
# The bench sets up its residents with this checkout's domain code (imported in ``prepare``).
sys.path.insert(0, str(ROOT))
# This checkout's code, run by the Python running the bench (whichever virtualenv that is).
LINGLI = [sys.executable, "-m", "server.cli"]
PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
BALANCES = 1000
ADJUST = """mutation A($input: PointsAdjustInput!) { pointsAdjust(input: $input) { id } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def create_database() -> str:
    name = f"lingli_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return f"postgres://postgres@127.0.0.1:5432/{name}"


async def drop_database(url: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await admin.close()


async def prepare(database_url: str, hot_points: int, each_points: int) -> tuple[int, int, list[int]]:
    """1,000 residents of Sunrise with ``each_points``; the demo resident with ``hot_points``."""
    from auth.roles import Role
    from domain.people.models import Membership, Person, Residency, ResidencyKind
    from domain.points import ledger
    from domain.points.models import Kind, Source
    from domain.space.models import Community, House
    from server.db import tortoise_config

    await Tortoise.init(config=tortoise_config(database_url))
    try:
        sunrise = await Community.get(code="SUNRISE")
        house = await House.filter(community_id=sunrise.id).order_by("id").first()
        assert house is not None
        hot = await Person.get(phone="13800000001")
        await Person.bulk_create([Person(name=f"Bench {i}", phone=f"1770000{i:04d}") for i in range(BALANCES)])
        people = await Person.filter(phone__startswith="1770000").order_by("id")
        await Residency.bulk_create(
            [
                Residency(
                    person_id=p.id,
                    house_id=house.id,
                    community_id=sunrise.id,
                    kind=ResidencyKind.FAMILY,
                    moved_in=date(2020, 1, 1),
                )
                for p in people
            ]
        )
        await Membership.bulk_create(
            [Membership(person_id=p.id, community_id=sunrise.id, role=Role.RESIDENT) for p in people]
        )
        for person_id, amount in [(hot.id, hot_points)] + [(p.id, each_points) for p in people]:
            await ledger.post(
                ledger.Change(
                    community_id=sunrise.id,
                    person_id=person_id,
                    kind=Kind.GREEN,
                    amount=amount,
                    reason_code="GRANTED",
                    reason="bench",
                    source=Source.OPERATOR,
                    idempotency_key=f"bench-grant:{person_id}",
                )
            )
        return sunrise.id, hot.id, [p.id for p in people]
    finally:
        await Tortoise.close_connections()


async def spend(
    url: str, token: str, community_id: int, people: list[int], spends: int, concurrency: int
) -> tuple[float, list[float], Counter[str]]:
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    remaining = iter(range(spends))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:

        async def client() -> None:
            for n in remaining:
                variables = {
                    "input": {
                        "communityId": str(community_id),
                        "personId": str(people[n % len(people)]),
                        "kind": "GREEN",
                        "amount": -1,
                        "reason": "bench spend",
                        "idempotencyKey": uuid.uuid4().hex,
                    }
                }
                start = time.perf_counter()
                response = await http.post(url, json={"query": ADJUST, "variables": variables})
                latencies.append(time.perf_counter() - start)
                errors = response.json().get("errors") if response.status_code == 200 else [{}]
                outcomes[(errors[0].get("extensions") or {}).get("code", "HTTP") if errors else "OK"] += 1

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return spends / elapsed, latencies, outcomes


async def never_negative(database_url: str) -> tuple[int, int, int]:
    """(balances checked, the lowest running sum of any balance's entries, balances whose entries
    do not add up to them)."""
    connection = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        lowest = await connection.fetchval(
            """SELECT coalesce(min(running), 0) FROM (
                 SELECT sum(amount) OVER (PARTITION BY person_id, community_id, kind ORDER BY id) AS running
                 FROM points_entry) AS sums"""
        )
        counted = await connection.fetchval("SELECT count(*) FROM points_balance")
        wrong = await connection.fetchval(
            """SELECT count(*) FROM points_balance b
               WHERE b.balance < 0 OR b.balance <> (SELECT coalesce(sum(e.amount), 0) FROM points_entry e
                 WHERE e.person_id = b.person_id AND e.community_id = b.community_id AND e.kind = b.kind)"""
        )
        return int(counted), int(lowest), int(wrong)
    finally:
        await connection.close()


def line(name: str, rate: float, latencies: list[float], outcomes: Counter[str]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    told = ", ".join(f"{code} {n}" for code, n in sorted(outcomes.items()))
    return f"{name:28} {rate:8.1f} spends/s  p50 {cuts[49] * 1000:6.1f} ms  p99 {cuts[98] * 1000:6.1f} ms  ({told})"


async def measure(
    args: argparse.Namespace, port: int, community_id: int, hot: int, people: list[int], database_url: str
) -> None:
    url = f"http://127.0.0.1:{port}/graphql"
    async with httpx.AsyncClient() as http:
        for _ in range(400):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.05)  # the server is still starting: a bounded wait
        login = 'mutation { authLogin(phone: "13800000003", password: "lingli-demo") { accessToken } }'
        token = (await http.post(url, json={"query": login})).json()["data"]["authLogin"]["accessToken"]
    print(f"PostgreSQL, {args.workers} worker(s), {args.concurrency} concurrent clients, {args.spends} spends each")
    rate, latencies, outcomes = await spend(url, token, community_id, [hot], args.spends, args.concurrency)
    print(line("one hot balance", rate, latencies, outcomes))
    rate, latencies, outcomes = await spend(url, token, community_id, people, args.spends, args.concurrency)
    print(line(f"{BALANCES:,} balances", rate, latencies, outcomes))
    counted, lowest, wrong = await never_negative(database_url)
    verdict = "OK" if lowest >= 0 and wrong == 0 else "FAILED"
    print(
        f"never negative: {verdict} ({counted} balances; lowest running sum {lowest}; {wrong} not the sum of their entries)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spends", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    database_url = asyncio.run(create_database())
    workdir = tempfile.mkdtemp(prefix="lingli-bench-points-")
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        for command in ("migrate", "seed"):
            subprocess.run([*LINGLI, command], cwd=workdir, env=env, check=True, capture_output=True)
        # The hot balance covers half of its spends (and the demo resident's seeded points).
        each = args.spends // BALANCES + 1
        community_id, hot, people = asyncio.run(prepare(database_url, hot_points=args.spends // 2, each_points=each))
        server = subprocess.Popen(
            [*LINGLI, "serve"], cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        asyncio.run(measure(args, port, community_id, hot, people, database_url))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        asyncio.run(drop_database(database_url))


if __name__ == "__main__":
    main()
