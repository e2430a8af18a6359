"""Redis outages: how soon two server processes sharing a Redis are ready again and deliver, after
Redis is killed for a while (or frozen with SIGSTOP), and that nothing is lost meanwhile.

Starts its own redis-server on a free port and two `lingli serve` processes on a fresh, migrated,
seeded SQLite database. A WebSocket subscription (alarmEvents, from cursor 0) runs on the first;
smoke readings go to the second. For each outage: one reading while Redis is away (timed: it must
not wait for Redis), `/readyz` polled on both until 503, Redis away for the outage's length, then
back; measured from Redis answering (or SIGCONT): both processes' `/readyz` back to 200, the reading
from the outage delivered (from the outbox: RESYNC), and a new reading delivered live.

    .venv/bin/python bench/redis_outage.py                      # kills of 1, 5 and 30 s, a 5 s freeze
    .venv/bin/python bench/redis_outage.py --kill 3 --freeze 20

Loopback only; bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets
from api_latency import free_port
from websockets.typing import Subprotocol

LOGIN = 'mutation { authLogin(phone: "13800000003", password: "lingli-demo") { accessToken } }'
SUBSCRIPTION = 'subscription { alarmEvents(communityId: "1", after: "0") { cursor alarm { count } } }'
SMOKE_KEY = "dk_demo_smoke_1-1-101"
REPO = Path(__file__).resolve().parent.parent
# The venv running this script (a worktree has none of its own); PYTHONPATH below runs this checkout.
LINGLI = str(Path(sys.executable).parent / "lingli")


def redis_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(200):  # bounded: up to 10 s
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"redis-server on {port} did not start")


async def until_status(http: httpx.AsyncClient, ports: list[int], status: int, within: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < within:
        codes = [(await http.get(f"http://127.0.0.1:{p}/readyz")).status_code for p in ports]
        if all(c == status for c in codes):
            return time.perf_counter() - start
        await asyncio.sleep(0.02)
    raise SystemExit(f"/readyz not {status} on every process within {within} s")


async def run(
    args: argparse.Namespace, ports: list[int], redis_port: int, redis: list[subprocess.Popen[bytes]]
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        login = await http.post(f"http://127.0.0.1:{ports[0]}/graphql", json={"query": LOGIN})
        token = login.json()["data"]["authLogin"]["accessToken"]
        count = 0

        async def report() -> float:
            nonlocal count
            start = time.perf_counter()
            reported = await http.post(
                f"http://127.0.0.1:{ports[1]}/telemetry",
                json={"readings": [{"metric": "smoke", "value": 30}]},
                headers={"X-Device-Key": SMOKE_KEY},
            )
            reported.raise_for_status()
            count += 1
            return time.perf_counter() - start

        async with websockets.connect(
            f"ws://127.0.0.1:{ports[0]}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")], compression=None
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))

            async def seen(n: int) -> float:
                """Seconds until the alarm's count n arrives (a lower count first is older news)."""
                start = time.perf_counter()
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                    assert message.get("type") == "next", message
                    if message["payload"]["data"]["alarmEvents"]["alarm"]["count"] >= n:
                        return time.perf_counter() - start

            await report()
            await seen(count)
            outages = [("kill", s) for s in args.kill] + [("freeze", s) for s in args.freeze]
            for kind, seconds in outages:
                if kind == "kill":
                    redis[0].kill()
                    redis[0].wait()
                else:
                    redis[0].send_signal(signal.SIGSTOP)
                took = [await report()]
                down = await until_status(http, ports, 503, within=10)
                took.append(await report())
                await asyncio.sleep(max(0.0, seconds - down))  # the outage itself
                if kind == "kill":
                    redis[0] = redis_server(redis_port)
                else:
                    redis[0].send_signal(signal.SIGCONT)
                # Both from the moment Redis is back: readiness, and the outage's reading delivered.
                back, caught_up = await asyncio.gather(until_status(http, ports, 200, within=30), seen(count))
                start = time.perf_counter()
                await report()
                await seen(count)
                live = time.perf_counter() - start
                print(
                    f"{kind} {seconds:>4.0f} s: readings during it answered in {max(took) * 1000:.0f} ms (max), "
                    f"/readyz 503 on both after {down:.2f} s; after Redis was back: ready in {back:.2f} s, "
                    f"outage's readings delivered in {caught_up:.2f} s, next live one in {live * 1000:.0f} ms (from sending it)"
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kill", type=float, nargs="*", default=[1, 5, 30], help="seconds Redis stays killed")
    parser.add_argument("--freeze", type=float, nargs="*", default=[5], help="seconds Redis stays frozen")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="lingli-redis-outage-")
    redis_port = free_port()
    redis = [redis_server(redis_port)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
        "LOG_LEVEL": "ERROR",
        "JWT_SECRET": "bench-secret-" + "x" * 40,
        "DATABASE_URL": f"sqlite://{workdir}/bench.sqlite3",
        "BROADCAST_URL": f"redis://127.0.0.1:{redis_port}",
    }
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for command in ("migrate", "seed"):
            subprocess.run([LINGLI, command], cwd=workdir, env=env, check=True, capture_output=True)
        ports = [free_port(), free_port()]
        servers = [
            subprocess.Popen(
                [LINGLI, "serve"],
                cwd=workdir,
                env={**env, "PORT": str(p)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for p in ports
        ]
        for port in ports:
            for _ in range(300):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
        asyncio.run(run(args, ports, redis_port, redis))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        if redis[0].poll() is None:
            redis[0].send_signal(signal.SIGCONT)
        redis[0].terminate()
        redis[0].wait(timeout=10)


if __name__ == "__main__":
    main()
