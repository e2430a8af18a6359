"""Concurrent telemetry ingestion on PostgreSQL, over real HTTP: DEVICES smoke detectors in COMMUNITIES
communities, each reporting smoke as fast as the server answers, so that every reading writes an alarm
change and its outbox event on its own community's topic.

Prints readings/s, p50/p99 latency, and how many backends waited, on average, for an outbox topic
lock (realtime/outbox.py) or a row lock. Run it on two checkouts to compare (the script serves the
checkout it lives in):

    .venv/bin/python bench/ingestion.py [--devices 200] [--communities 20] [--readings 3000] [--workers 1]

LINGLI_TEST_PG names the PostgreSQL admin URL (default postgresql://postgres@127.0.0.1:5432/test).
Loopback only; drops its database and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from typing import Any

import httpx
from api_latency import free_port
from orders import LINGLI, PG_ADMIN_URL, REPO, SECRET, connected, pg_admin, sample_lock_waits


async def populate(args: argparse.Namespace) -> list[str]:
    """The communities, one building each, and the detectors: their keys."""
    from tortoise import Tortoise

    from domain.devices.models import Device, DeviceType
    from domain.devices.service import device_key_hash
    from domain.space.models import Building, Community

    keys = []
    for c in range(args.communities):
        community = await Community.create(name=f"Bench {c}", code=f"BENCH{c}")
        building = await Building.create(community=community, name="1", latitude=31.2, longitude=121.4)
        for d in range(args.devices // args.communities):
            key = f"dk_bench_smoke_{c}_{d}_" + "s" * 24
            await Device.create(
                community_id=community.id,
                building_id=building.id,
                type=DeviceType.SMOKE_DETECTOR,
                name=f"Smoke {c}-{d}",
                key_hash=device_key_hash(key),
            )
            keys.append(key)
    await Tortoise.close_connections()
    return keys


async def ingest(base: str, keys: list[str], readings: int) -> tuple[float, list[float], dict[str, int]]:
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    remaining = iter(range(readings))

    async def device(key: str) -> None:
        async with httpx.AsyncClient(timeout=60, headers={"X-Device-Key": key}) as http:
            for _ in remaining:
                body = {"readings": [{"metric": "smoke", "value": 12.5}]}
                start = time.perf_counter()
                response = await http.post(f"{base}/telemetry", json=body)
                latencies.append(time.perf_counter() - start)
                outcome = "OK" if response.status_code == 200 else f"HTTP {response.status_code}"
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(device(key) for key in keys))
    return time.perf_counter() - start, latencies, outcomes


async def measure(port: int, database_url: str, keys: list[str], args: argparse.Namespace) -> None:
    from tortoise import Tortoise

    from realtime.models import OutboxEvent

    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as http:
        for _ in range(400):
            try:
                if (await http.get(f"{base}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)  # the server is still starting: a bounded wait
    await ingest(base, keys, len(keys))  # one reading each first: every alarm raised, connections warm
    await connected(database_url)
    try:
        before = await OutboxEvent.all().count()
        stop = asyncio.Event()
        sampling = asyncio.create_task(sample_lock_waits(database_url, stop))
        elapsed, latencies, outcomes = await ingest(base, keys, args.readings)
        stop.set()
        waits = await sampling
        events = await OutboxEvent.all().count() - before
    finally:
        await Tortoise.close_connections()
    cuts = statistics.quantiles(latencies, n=100)
    print(f"server: postgres, {args.workers} worker(s); {len(keys)} smoke detectors in {args.communities} communities")
    print(
        f"ingestion: {len(latencies) / elapsed:7.1f} readings/s  p50 {cuts[49] * 1000:6.1f} ms  "
        f"p99 {cuts[98] * 1000:6.1f} ms  in {elapsed:.1f} s; outbox events written: {events}"
    )
    print("outcomes:", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(
        f"during ingestion, on average: {waits['active']:.1f} statements running, "
        f"{waits['advisory']:.1f} backends waiting for an outbox lock, {waits['row']:.1f} for a row lock"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--readings", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    name = f"lingli_bench_ingest_{os.getpid()}"
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    database_url = f"{PG_ADMIN_URL.rsplit('/', 1)[0].replace('postgresql://', 'postgres://')}/{name}"
    port = free_port()
    env: dict[str, Any] = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PORT": str(port),
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "JWT_SECRET": SECRET,
        "LINGLI_DATA_DIR": tempfile.mkdtemp(prefix="lingli-bench-"),
    }
    try:
        subprocess.run([LINGLI, "migrate"], cwd=env["LINGLI_DATA_DIR"], env=env, check=True, capture_output=True)

        async def setup() -> list[str]:
            await connected(database_url)
            return await populate(args)

        keys = asyncio.run(setup())
        server = subprocess.Popen(
            [LINGLI, "serve"], cwd=env["LINGLI_DATA_DIR"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            asyncio.run(measure(port, database_url, keys, args))
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
