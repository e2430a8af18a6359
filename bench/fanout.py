"""Fan-out side by side: the floor, the Node reference stack and Lingli (this checkout, and another
one to compare with), driven by one Node driver (bench/fanout_driver.mjs, after
../shared/bench/fanout/driver.mjs) in one run, so that the ratios between them mean something on a
shared machine.

    .venv/bin/python bench/fanout.py --base /tmp/lingli-base   # a checkout of the commit to compare with
        [--sizes 1000,5000] [--events 20] [--repeat 2] [--per-viewer 1000] [--idle 5000,20000]
        [--node-modules DIR]   # NODE_PATH with graphql, graphql-ws, ws, ioredis (`npm ci` in node-peer)
        [--peers DIR]          # ../shared/bench/fanout: floor/server.py and node-peer/server.mjs

Each Lingli runs `serve` on its own fresh, migrated, seeded SQLite database (or DATABASE_URL's
database with a suffix), in-process bus. Three measurements:

- the fan-out: N operators of one community on ``alarmEvents``, a smoke reading over POST
  /telemetry half a second apart, E times: p50/p99 from the trigger to each message, and whether
  every subscriber got every event exactly once (`exact`);
- per viewer: N subscribers of N different scopes (operators of the community who each also live
  in a house since a different day) selecting ``alarm.house``, a field answered per scope;
- memory: a fresh server, N idle subscribed connections, its resident memory before and after.

The floor (Python `websockets.broadcast` of one pre-encoded frame) and the Node peer need Redis at
127.0.0.1:6379. Loopback only; bounded in time; stops its servers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from api_latency import free_port, rss_mib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
DRIVER = HERE / "fanout_driver.mjs"

LINGLI_QUERY = 'subscription { alarmEvents(communityId: "1") { cursor alarm { id type severity count lastSeenAt%s } } }'
PEER_QUERY = "subscription($c: ID!){ alarms(communityId: $c){ id severity message raisedAt } }"
SMOKE = '{"readings":[{"metric":"smoke","value":30}]}'
DEVICE = "X-Device-Key: dk_demo_smoke_1-1-101"


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    cwd: str
    ws: str
    trigger: list[str]  # the driver's trigger arguments
    query: str
    ready_url: str | None = None
    process: subprocess.Popen[bytes] | None = None
    token: str = ""
    tokens_file: str | None = None
    setup: list[list[str]] = field(default_factory=list)

    def start(self) -> None:
        for command in self.setup:
            done = subprocess.run(command, cwd=self.cwd, env=self.env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{self.name}: {command[-1]} failed: {done.stderr[-2000:]}")
        self.setup = []
        log = open(Path(self.cwd) / f"{self.name}.log", "ab")  # noqa: SIM115 - the server's, while it runs
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.ready_url is None or httpx.get(self.ready_url).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)  # bounded: polling for the server to answer
        if self.ready_url is None:
            time.sleep(1.5)  # the peers have no readiness endpoint: give them their start-up

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def lingli(name: str, checkout: Path, workdir: Path) -> Server:
    port = free_port()
    home = workdir / name
    home.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "JWT_SECRET": "bench-secret-" + "x" * 40,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite://{home}/bench.sqlite3"),
    }
    env.pop("WEB_CONCURRENCY", None)
    env.pop("BROADCAST_URL", None)  # the in-process bus
    cli = [PYTHON, "-c", "import sys; from server.cli import main; sys.exit(main())"]
    base = f"http://127.0.0.1:{port}"
    return Server(
        name=name,
        command=[*cli, "serve"],
        env=env,
        cwd=str(home),
        ws=f"ws://127.0.0.1:{port}/graphql",
        trigger=["--trigger-url", f"{base}/telemetry", "--trigger-header", DEVICE, "--trigger-body", SMOKE],
        query=LINGLI_QUERY % "",
        ready_url=f"{base}/readyz",
        setup=[[*cli, "migrate"], [*cli, "seed"]],
    )


def login(server: Server) -> None:
    base = server.ws.replace("ws://", "http://").removesuffix("/graphql")
    mutation = 'mutation { authLogin(phone: "13800000003", password: "lingli-demo") { accessToken } }'
    server.token = httpx.post(f"{base}/graphql", json={"query": mutation}, timeout=30).json()["data"]["authLogin"][
        "accessToken"
    ]


def make_viewers(server: Server, count: int) -> None:
    """``count`` operators of community 1, each also living in a house since a different day:
    ``count`` scopes, each one's tokens in a file for the driver."""
    out = Path(server.cwd) / "tokens.txt"
    subprocess.run(
        [PYTHON, str(HERE / "fanout_viewers.py"), str(count), str(out)],
        cwd=server.cwd,
        env={**server.env, "PYTHONPATH": f"{ROOT}"},
        check=True,
    )
    server.tokens_file = str(out)


def floor_server(peers: Path, workdir: Path) -> Server:
    port = free_port()
    while port + 1000 > 65535:
        port = free_port()
    return Server(
        name="floor",
        command=[PYTHON, str(peers / "floor" / "server.py")],
        env={**os.environ, "PORT": str(port)},
        cwd=str(workdir),
        ws=f"ws://127.0.0.1:{port}/graphql",
        trigger=[
            "--trigger-url",
            f"http://127.0.0.1:{port + 1000}/raise",
            "--trigger-body",
            '{"communityId":"1","message":"smoke {i}"}',
        ],
        query=PEER_QUERY,
    )


def node_server(peers: Path, workdir: Path, node_modules: str) -> Server:
    port = free_port()
    # ESM imports ignore NODE_PATH: the peer runs from a copy beside a link to the node_modules.
    home = workdir / "node-peer"
    home.mkdir()
    shutil.copy(peers / "node-peer" / "server.mjs", home / "server.mjs")
    (home / "node_modules").symlink_to(Path(node_modules).resolve())
    return Server(
        name="node",
        command=["node", str(home / "server.mjs")],
        env={**os.environ, "PORT": str(port), "NODE_PATH": node_modules},
        cwd=str(workdir),
        ws=f"ws://127.0.0.1:{port}/graphql",
        trigger=[
            "--trigger-url",
            f"http://127.0.0.1:{port}/raise",
            "--trigger-body",
            '{"communityId":"1","message":"smoke {i}"}',
        ],
        query=PEER_QUERY,
    )


def drive(
    server: Server,
    node_modules: str,
    n: int,
    events: int,
    *,
    query: str | None = None,
    many: bool = False,
    profile: Path | None = None,
) -> dict[str, object]:
    settle = 3000 + n  # ms: every subscription set up (a cursor query each) before the first event
    command = ["node", str(DRIVER), "--n", str(n), "--events", str(events), "--settle", str(settle)]
    command += ["--ws", server.ws, "--query", query or server.query, "--rss-pid", str(server.pid), *server.trigger]
    if server.query is PEER_QUERY:
        command += ["--variables", '{"c":"1"}']
    else:
        command += ["--match", '"SMOKE"']
        command += ["--tokens-file", server.tokens_file] if many and server.tokens_file else ["--token", server.token]
    driver = subprocess.Popen(
        command,
        env={**os.environ, "NODE_PATH": node_modules},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert driver.stderr is not None
    errors = []
    for said in driver.stderr:  # until the driver starts triggering (or ends)
        if said.strip() == "triggering":
            break
        errors.append(said)
    spy = sample(server, profile, n) if profile is not None else None
    cpu_before = cpu_seconds(server.pid)
    out, rest = driver.communicate(timeout=600)
    cpu = cpu_seconds(server.pid) - cpu_before
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)
    if driver.returncode != 0 or not out.strip():
        return {"failed": ("".join(errors) + rest)[-300:]}
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    # The server's own CPU time from the first trigger to the end (drain included): unlike
    # latency, hardly moved by what else this machine runs meanwhile.
    result["cpu_ms_per_event"] = round(cpu * 1000 / events, 1) if events else None
    return result


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def sample(server: Server, folder: Path, n: int) -> subprocess.Popen[bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{server.name}-{n}.txt"
    command = [os.environ.get("PY_SPY", "py-spy"), "record", "-p", str(server.pid), "--format", "raw", "-o", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def line(name: str, result: dict[str, object]) -> str:
    if "failed" in result:
        return f"  {name:<12} FAILED {result['failed']}"
    return (
        f"  {name:<12} p50 {result['p50_ms']:>7} ms  p99 {result['p99_ms']:>7} ms  max {result['max_ms']:>7} ms  "
        f"delivered {result['delivered']}/{result['expected']}  exact {result['exact']} short {result['short']} "
        f"over {result['over']}  cpu {result['cpu_ms_per_event']} ms/event  rss {result['rss_mb']} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=Path, help="another Lingli checkout to run side by side (say, main)")
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--per-viewer", type=int, default=1000, help="subscribers (and scopes); 0: skip")
    parser.add_argument("--idle", default="5000,20000", help="idle connections for the memory figure; empty: skip")
    parser.add_argument("--peers", type=Path, default=ROOT.parent / "shared" / "bench" / "fanout")
    parser.add_argument("--node-modules", default=os.environ.get("NODE_PATH", ""))
    parser.add_argument(
        "--profile",
        type=Path,
        help="a folder: py-spy (on PATH, or PY_SPY) samples each Lingli during the fan-out, raw stacks per server and size",
    )
    parser.add_argument("--only", default="", help="comma-separated server names to run (floor,node,lingli,base)")
    args = parser.parse_args()
    peers = args.peers if args.peers.exists() else Path("/work/shared/bench/fanout")
    node_modules = args.node_modules or str(peers / "node-peer" / "node_modules")
    # 20,000 connections need more than 20,000 descriptors, in the server and in the driver.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 65536), max(hard, 65536)))
    except (ValueError, OSError):
        print(f"open files limited to {soft}: the largest idle figure may not fit")

    workdir = Path(tempfile.mkdtemp(prefix="lingli-fanout-"))
    servers = [floor_server(peers, workdir), node_server(peers, workdir, node_modules)]
    servers.append(lingli("lingli", ROOT, workdir))
    if args.base:
        servers.append(lingli("base", args.base.resolve(), workdir))
    if args.only:
        servers = [s for s in servers if s.name in args.only.split(",")]
    lingli_servers = [s for s in servers if s.query is not PEER_QUERY]
    try:
        for server in servers:
            server.start()
        for server in lingli_servers:
            login(server)
            if args.per_viewer:
                make_viewers(server, args.per_viewer)
        for n in [int(x) for x in args.sizes.split(",") if x]:
            for round_ in range(args.repeat):
                print(f"fan-out: {n} subscribers, {args.events} events 0.5 s apart (round {round_ + 1})", flush=True)
                for server in servers:
                    spied = args.profile if server in lingli_servers else None
                    result = drive(server, node_modules, n, args.events, profile=spied)
                    print(line(server.name, result), flush=True)
        if args.per_viewer:
            for round_ in range(args.repeat):
                print(
                    f"per viewer: {args.per_viewer} subscribers of as many scopes selecting alarm.house "
                    f"(round {round_ + 1})",
                    flush=True,
                )
                for server in lingli_servers:
                    query = LINGLI_QUERY % " house { number }"
                    spied = args.profile and args.profile / "per-viewer"
                    result = drive(
                        server, node_modules, args.per_viewer, args.events, query=query, many=True, profile=spied
                    )
                    print(line(server.name, result), flush=True)
        for server in servers:
            server.stop()
        for n in [int(x) for x in args.idle.split(",") if x]:
            print(f"memory: {n} idle subscribed connections on a fresh server", flush=True)
            for server in servers:
                server.start()
                time.sleep(1.0)  # a moment for start-up allocations to settle before the first reading
                before = rss_mib(server.pid)
                if server in lingli_servers:
                    login(server)
                result = drive(server, node_modules, n, 0)
                after = float(str(result.get("rss_mb") or 0))
                per = (after - before) * 1024 / n
                ready = result.get("ready", result.get("failed"))
                print(
                    f"  {server.name:<12} {before:6.0f} → {after:6.0f} MB  {per:5.1f} KiB per connection  (ready {ready})",
                    flush=True,
                )
                server.stop()
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
