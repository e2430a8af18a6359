"""Throughput and latency of the GraphQL API over real HTTP, and the server's memory.

Starts `lingli serve` on a fresh, migrated, seeded database (SQLite by default, or
DATABASE_URL), then sends a bounded number of requests from CONCURRENCY clients:

    .venv/bin/python bench/api_latency.py [--requests 2000] [--concurrency 20] [--workers 1]

Prints one line per query: requests/s, p50 and p99 latency, errors; then the
server's resident memory. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LINGLI = str(ROOT / ".venv" / "bin" / "lingli")

QUERIES = {
    "me": "{ me { id name } }",
    "houses page (20)": "{ houses(first: 20) { totalCount nodes { number building { name } grid { name } } } }",
    # Nested lists say how many they read: the query cost limit counts what they may hold (2708).
    "nested community tree": """{ communities(first: 1) { nodes { buildings(first: 5) { houses(first: 20) {
        number residents(first: 5) { kind person { name phone tags } } } } } } }""",
    "residents by tag": "{ residents(tag: ELDERLY_ALONE) { nodes { person { name phone } house { number } } } }",
    "events page with timelines": """{ events(first: 20) { totalCount nodes { status category assigneeName
        timeline { action actorName at } } } }""",
    "event statistics": """{ eventStatistics(communityId: "1") { total overdue averageRating
        byStatus { key count } byCategory { key count } byGrid { key count } } }""",
    # A write: report + automatic dispatch + timeline + two outbox events, in one transaction.
    "eventReport (write)": """mutation { eventReport(input: {communityId: "1", category: OTHER,
        description: "bench", source: OPERATIONS_CENTER}) { id status } }""",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    total = 0
    # With several workers, uvicorn's children hold the memory: add them up.
    pids = [pid] + [
        int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


async def login(http: httpx.AsyncClient, url: str) -> str:
    mutation = 'mutation { authLogin(phone: "13800000003", password: "lingli-demo") { accessToken } }'
    response = await http.post(url, json={"query": mutation})
    return str(response.json()["data"]["authLogin"]["accessToken"])


async def run_query(
    url: str, token: str, query: str, requests: int, concurrency: int
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    remaining = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:

        async def client() -> None:
            nonlocal errors
            for _ in remaining:
                start = time.perf_counter()
                response = await http.post(url, json={"query": query})
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200 or "errors" in response.json():
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return requests / elapsed, latencies, errors


async def measure(port: int, args: argparse.Namespace, server_pid: int, database: str) -> None:
    url = f"http://127.0.0.1:{port}/graphql"
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.05)  # the server is still starting: a bounded wait
        token = await login(http, url)
    print(
        f"server: {database}, {args.workers} worker(s); "
        f"{args.requests} requests per query, {args.concurrency} concurrent clients"
    )
    print(f"idle server memory: {rss_mib(server_pid):.1f} MiB")
    for name, query in QUERIES.items():
        rate, latencies, errors = await run_query(url, token, query, args.requests, args.concurrency)
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"{name:24} {rate:8.1f} req/s  p50 {cuts[49] * 1000:6.1f} ms  p99 {cuts[98] * 1000:6.1f} ms  errors {errors}"
        )
    print(f"server memory after load: {rss_mib(server_pid):.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="lingli-bench-")
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite://{workdir}/bench.sqlite3"),
    }
    for command in ("migrate", "seed"):
        subprocess.run([LINGLI, command], cwd=workdir, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [LINGLI, "serve"], cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        asyncio.run(measure(port, args, server.pid, env["DATABASE_URL"].split(":")[0]))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
