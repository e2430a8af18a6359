"""Revocation: how soon a logout ends the session's running subscription, on one process or another.

Starts its own server(s) on a fresh, migrated, seeded SQLite database (or DATABASE_URL), with
SUBSCRIPTION_SCOPE_REFRESH_SECONDS=3600, so only the pushed revocation can end a subscription in
time. Each try logs the demo operator in, opens a WebSocket (graphql-transport-ws) on the first
server, subscribes to alarmEvents and waits until it is live, then sends authLogout to the last
server and measures the time from sending the logout, and from its HTTP response, to the
subscription's UNAUTHENTICATED error arriving (negative: the error came before the response).

    .venv/bin/python bench/revocation.py [--tries 20]
    .venv/bin/python bench/revocation.py --processes 2   # two servers sharing Redis (127.0.0.1:6379)

Prints p50, min and max over the tries. Loopback only; bounded in time; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time

import httpx
import websockets
from api_latency import LINGLI, free_port
from websockets.typing import Subprotocol

LOGIN = 'mutation { authLogin(phone: "13800000003", password: "lingli-demo") { accessToken } }'
SUBSCRIPTION = 'subscription { alarmEvents(communityId: "1", after: "0") { cursor } }'
SMOKE_KEY = "dk_demo_smoke_1-1-101"


async def one_try(http: httpx.AsyncClient, ports: list[int]) -> tuple[float, float]:
    """Seconds from sending the logout, and from its response, to the subscription's end."""
    login = await http.post(f"http://127.0.0.1:{ports[0]}/graphql", json={"query": LOGIN})
    token = login.json()["data"]["authLogin"]["accessToken"]
    async with websockets.connect(
        f"ws://127.0.0.1:{ports[0]}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")], compression=None
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        live = asyncio.Event()

        async def ended() -> float:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
                if message.get("type") == "next" and not message["payload"].get("errors"):
                    live.set()  # the replay of the alarm raised at start-up: the subscription runs
                    continue
                if message.get("type") in ("next", "error"):
                    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
                    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", errors
                    return time.perf_counter()

        ending = asyncio.create_task(ended())
        await asyncio.wait_for(live.wait(), timeout=30)
        sent = time.perf_counter()
        logout = await http.post(
            f"http://127.0.0.1:{ports[-1]}/graphql",
            json={"query": "mutation { authLogout }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        answered = time.perf_counter()
        assert logout.json() == {"data": {"authLogout": True}}, logout.text
        end = await ending
        return end - sent, end - answered


async def run(args: argparse.Namespace, ports: list[int]) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        # One alarm in community 1, replayed to every subscription (after: "0"): proof it is live.
        reported = await http.post(
            f"http://127.0.0.1:{ports[0]}/telemetry",
            json={"readings": [{"metric": "smoke", "value": 30}]},
            headers={"X-Device-Key": SMOKE_KEY},
        )
        reported.raise_for_status()
        tries = [await one_try(http, ports) for _ in range(args.tries)]
    print(f"{args.tries} logouts over {len(ports)} process(es); the subscription's UNAUTHENTICATED arrived:")
    for label, delays in (
        ("after the logout was sent", [t[0] for t in tries]),
        ("after its response", [t[1] for t in tries]),
    ):
        ms = sorted(d * 1000 for d in delays)
        print(f"  {label}: p50 {statistics.median(ms):.1f} ms, min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="lingli-revocation-")
    env = {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "JWT_SECRET": "bench-secret-" + "x" * 40,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite://{workdir}/bench.sqlite3"),
        "SUBSCRIPTION_SCOPE_REFRESH_SECONDS": "3600",
    }
    if args.processes > 1:
        env["BROADCAST_URL"] = os.environ.get("BROADCAST_URL", "redis://127.0.0.1:6379")
    for command in ("migrate", "seed"):
        subprocess.run([LINGLI, command], cwd=workdir, env=env, check=True, capture_output=True)
    ports = [free_port() for _ in range(args.processes)]
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
    try:
        for port in ports:
            for _ in range(300):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
        asyncio.run(run(args, ports))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
