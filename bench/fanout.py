"""Fan-out: N subscribers on alarmEvents, alarms published at a steady rate; publish→receive latency.

Starts its own server(s) on a fresh, migrated, seeded SQLite database (or DATABASE_URL), opens N
WebSocket subscribers (graphql-transport-ws), then a device reports smoke RATE times a second
for SECONDS. Each report's recordedAt travels in the alarm (lastSeenAt), so each subscriber
measures the time from the report being sent to the message arriving.

    .venv/bin/python bench/fanout.py [--subscribers 1000] [--rate 2] [--seconds 20]
    .venv/bin/python bench/fanout.py --processes 2   # two servers sharing Redis (127.0.0.1:6379)

Prints p50/p99 latency, messages delivered per second, lost messages, and the server's
resident memory per open connection. Loopback only; bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime

import httpx
import websockets
from api_latency import LINGLI, free_port, rss_mib
from websockets.typing import Subprotocol

SUBSCRIPTION = 'subscription { alarmEvents(communityId: "1") { cursor alarm { count lastSeenAt %s } } }'


async def subscriber(
    url: str,
    token: str,
    ready: asyncio.Event,
    latencies: list[float],
    counts: list[int],
    opened: list[int],
    warmed: list[int],
    warm_ups: set[int],
    query: str,
) -> None:
    async with websockets.connect(
        url, subprotocols=[Subprotocol("graphql-transport-ws")], max_size=2**20, compression=None
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        opened.append(1)
        ready.set()
        received = 0
        warm = False
        try:
            # Plain recv, no wait_for: a timer and a task per message would make this client, not
            # the server, the bottleneck. run() cancels the task when the bench is over.
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") != "next":
                    continue
                seen = datetime.fromisoformat(message["payload"]["data"]["alarmEvents"]["alarm"]["lastSeenAt"])
                if (
                    int(seen.timestamp() * 1000) in warm_ups
                ):  # a warm-up alarm: proves this subscription is live, not measured
                    if not warm:
                        warm = True
                        warmed.append(1)
                    continue
                latencies.append(time.time() - seen.timestamp())
                received += 1
        finally:
            counts.append(received)


async def report(http: httpx.AsyncClient, url: str, at: datetime) -> None:
    """A smoke reading over the threshold; its recordedAt comes back in the alarm's lastSeenAt."""
    response = await http.post(
        url,
        json={"readings": [{"metric": "smoke", "value": 30, "recordedAt": at.isoformat()}]},
        headers={"X-Device-Key": "dk_demo_smoke_1-1-101"},
    )
    response.raise_for_status()


async def run(args: argparse.Namespace, ports: list[int], pids: list[int]) -> None:
    base = f"http://127.0.0.1:{ports[0]}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        login = await http.post(
            "/graphql",
            json={"query": 'mutation { authLogin(phone: "13800000003", password: "lingli-demo") { accessToken } }'},
        )
        token = login.json()["data"]["authLogin"]["accessToken"]
    idle = sum(rss_mib(pid) for pid in pids)
    latencies: list[float] = []
    counts: list[int] = []
    opened: list[int] = []
    warmed: list[int] = []
    warm_ups: set[int] = set()
    query = SUBSCRIPTION % ("house { number }" if args.per_viewer else "")
    tasks = []
    for i in range(args.subscribers):
        port = ports[i % len(ports)]  # spread over the processes
        ready = asyncio.Event()
        tasks.append(
            asyncio.create_task(
                subscriber(
                    f"ws://127.0.0.1:{port}/graphql", token, ready, latencies, counts, opened, warmed, warm_ups, query
                )
            )
        )
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # open connections in waves, not all in one burst
    for _ in range(600):
        if len(opened) == args.subscribers:
            break
        await asyncio.sleep(0.05)  # bounded wait for every subscription to be sent
    report_to = f"http://127.0.0.1:{ports[-1]}/telemetry"  # with 2 processes: report to the other one
    async with httpx.AsyncClient(timeout=30) as http:
        # Warm-up alarms, not measured: the server sets 1,000 subscriptions up (validation, a
        # cursor query each) for seconds after they are sent; a live-only subscription sees the
        # alarms raised after that. Measuring starts once every subscriber has had one.
        for _ in range(120):
            at = datetime.now(UTC)
            warm_ups.add(int(at.timestamp() * 1000))  # before sending: the alarm can beat the response
            await report(http, report_to, at)
            if len(warmed) == len(opened):
                break
            await asyncio.sleep(0.5)  # bounded: one warm-up alarm every half second, 60 s at most
    print(f"warm-up alarm received by {len(warmed)} of {len(opened)} subscribers")
    connected = sum(rss_mib(pid) for pid in pids)
    print(
        f"{len(opened)} subscribers connected over {len(ports)} process(es); server memory {idle:.1f} → {connected:.1f} MiB "
        f"({(connected - idle) * 1024 / max(1, len(opened)):.1f} KiB per connection)"
    )

    published = 0
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=30) as http:
        while time.perf_counter() - started < args.seconds:
            await report(http, report_to, datetime.now(UTC))
            published += 1
            await asyncio.sleep(max(0.0, published / args.rate - (time.perf_counter() - started)))
    await asyncio.sleep(3.0)  # drain: messages still in flight
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.perf_counter() - started
    expected = published * len(opened)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [0.0] * 99
    print(
        f"published {published} alarms at {args.rate}/s for {args.seconds}s → {len(latencies)} of {expected} messages delivered "
        f"({len(latencies) / elapsed:.0f}/s), lost {expected - len(latencies)}"
    )
    print(
        f"publish→receive latency: p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=2.0, help="alarms published per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--per-viewer",
        action="store_true",
        help="select alarm.house too: a field resolved per viewer, so no subscriber shares another's execution",
    )
    parser.add_argument("--profile", help="write a py-spy profile of the first server to this file")
    parser.add_argument(
        "--server-cpus", help="taskset CPU list for the servers, e.g. 0 (then pin the bench itself elsewhere)"
    )
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="lingli-fanout-")
    env = {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "JWT_SECRET": "bench-secret-" + "x" * 40,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite://{workdir}/bench.sqlite3"),
    }
    if args.processes > 1:
        env["BROADCAST_URL"] = os.environ.get("BROADCAST_URL", "redis://127.0.0.1:6379")
    for command in ("migrate", "seed"):
        subprocess.run([LINGLI, command], cwd=workdir, env=env, check=True, capture_output=True)
    ports = [free_port() for _ in range(args.processes)]

    def server_command(index: int) -> list[str]:
        if args.server_cpus:
            # Pin the servers to some cores (taskset, util-linux), the bench client to the others:
            # on a small machine the client's own CPU use otherwise shows up as server latency.
            return ["taskset", "-c", args.server_cpus, LINGLI, "serve"]
        if args.profile and index == 0:
            # py-spy (pip install py-spy) samples the first server: where the time goes. Collapsed
            # stacks, one line each, for flamegraph tools or a quick sort | head.
            return ["py-spy", "record", "-o", args.profile, "-f", "raw", "--", LINGLI, "serve"]
        return [LINGLI, "serve"]

    servers = [
        subprocess.Popen(
            server_command(i),
            cwd=workdir,
            env={**env, "PORT": str(p)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i, p in enumerate(ports)
    ]
    try:
        for port in ports:
            for _ in range(300):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
        asyncio.run(run(args, ports, [s.pid for s in servers]))
    finally:
        for server in servers:
            # SIGINT: py-spy writes its profile on Ctrl+C (and passes it on to the server).
            server.send_signal(signal.SIGINT if args.profile else signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
