"""`lingli serve | migrate | seed`: the commands an operator and `make run` use."""

from __future__ import annotations

import argparse
import asyncio
import sys

from server.settings import DATA_DIR, Settings, SettingsError


def _migrate(settings: Settings) -> None:
    from server.db import apply_migrations

    if settings.uses_sqlite:
        DATA_DIR.mkdir(exist_ok=True)
    asyncio.run(apply_migrations(settings.database_url))
    print("migrations applied")


def _seed(settings: Settings) -> None:
    if settings.production:
        raise SettingsError("refusing to seed demo accounts with a known password in production")
    from tortoise import Tortoise

    from server.db import check_migrated, tortoise_config
    from server.seed import DEMO_LOGINS, DEMO_PASSWORD, demo_present, seed_demo

    async def run() -> None:
        await check_migrated(settings.database_url)
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            created = await seed_demo()
            present = await demo_present()
        finally:
            await Tortoise.close_connections()
        print("demo community seeded" if created else "database has data already: nothing seeded")
        if present:
            print(f"demo logins (password for all: {DEMO_PASSWORD}):")
            for login in DEMO_LOGINS:
                print(f"  {login.phone}  {login.role:38} {login.name}")

    asyncio.run(run())


def _serve(settings: Settings) -> None:
    import uvicorn

    from server.db import check_migrated
    from server.http_parser import PROTOCOL
    from server.request_ids import logging_config
    from server.tracing import check_installed

    check_installed(settings)  # one line here, not a traceback from every worker
    # One line here too, not a traceback from every worker's lifespan: the database answers
    # and its schema is this code's.
    asyncio.run(check_migrated(settings.database_url))

    # Make the development secret once, here, before workers start: each worker
    # making its own would sign tokens the others refuse.
    settings.with_dev_secret()
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=logging_config(settings.log_level, settings.log_format),
        ws_per_message_deflate=False,
        # A larger WebSocket message is refused (1009) as it arrives, before it is buffered whole;
        # the app checks the same limit (server/graphql_view.py) under any other server.
        ws_max_size=settings.max_ws_message_bytes,
        # WebSocket ping frames as often as the protocol's own pings (server/ws_protocol.py).
        ws_ping_interval=max(1.0, settings.ws_keepalive_seconds),
        proxy_headers=True,
        # What the HTTP parser refuses is answered as the app answers (JSON, a request id).
        http=PROTOCOL,
        # Open requests and sockets get this long after SIGTERM; then they are closed (WebSockets with
        # 1012, "restarting", which clients retry) and the lifespan's own steps run, each bounded.
        timeout_graceful_shutdown=10,
    )


def _sandbox_gateway(settings: Settings, args: argparse.Namespace) -> None:
    """The sandbox payment gateway on its own port; point SANDBOX_GATEWAY_URL (and the same
    SANDBOX_GATEWAY_SECRET) of `lingli serve` at it."""
    if settings.production:
        raise SettingsError("the sandbox gateway takes no real money: not in production")
    import uvicorn

    from server.sandbox_gateway import SandboxGateway

    gateway = SandboxGateway(settings.with_dev_secret().sandbox_secret)
    gateway.url = f"http://{settings.host}:{args.port}"
    print(f"sandbox payment gateway on {gateway.url} (Ctrl+C stops)")
    uvicorn.run(gateway.app(), host=settings.host, port=args.port, log_level="warning")


def _wechat_standin(settings: Settings, args: argparse.Namespace) -> None:
    """A stand-in for WeChat's API on its own port (server/wechat_standin.py): point `lingli serve`
    at it with WECHAT_API_BASE, WECHAT_APP_ID and WECHAT_APP_SECRET as it prints them."""
    if settings.production:
        raise SettingsError("the WeChat stand-in proves nothing: not in production")
    import time

    from server.wechat_standin import WechatStandin

    standin = WechatStandin(host=settings.host, port=args.port).start()
    print(
        f"WeChat stand-in on {standin.url} (Ctrl+C stops): run lingli serve with\n"
        f"  WECHAT_API_BASE={standin.url} WECHAT_APP_ID={standin.app_id} WECHAT_APP_SECRET={standin.app_secret}\n"
        "a login code is the openid o-<code>; a phone code of 11 digits is that phone"
    )
    try:
        while True:
            time.sleep(3600)  # serving on its own threads until Ctrl+C
    except KeyboardInterrupt:
        standin.stop()


def _simulate(settings: Settings, args: argparse.Namespace) -> None:
    if settings.production:
        raise SettingsError("the simulator drives demo devices: not in production")
    from server.simulate import simulate

    url = args.url or f"http://{settings.host}:{settings.port}"
    print(f"simulating the demo devices against {url} every {args.every:g} s (Ctrl+C stops)")
    import httpx

    try:
        tally = asyncio.run(simulate(url, ticks=args.ticks, every=args.every, incident_chance=args.incidents))
    except KeyboardInterrupt:
        return
    except httpx.TransportError as error:
        raise SettingsError(f"no Lingli server answers at {url} ({error}): start one with `make run`") from None
    print(
        f"sent {tally.sent} readings, {tally.accepted} accepted, {tally.alarms} alarm triggers, {tally.silent} silences, "
        f"{tally.gate_records} cars at the gate ({tally.gate_refused} refused)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lingli", description="Lingli community backend")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve GraphQL (HOST, PORT, WEB_CONCURRENCY from the environment)")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed", help="create the demo community if the database is empty")
    sim = sub.add_parser("simulate", help="drive the demo devices against a running server")
    sim.add_argument("--url", help="server base URL (default: http://HOST:PORT)")
    sim.add_argument("--every", type=float, default=2.0, help="seconds between reports (default 2)")
    sim.add_argument("--ticks", type=int, default=None, help="stop after this many rounds (default: run until Ctrl+C)")
    sim.add_argument("--incidents", type=float, default=0.02, help="chance of an incident per report (default 0.02)")
    gateway = sub.add_parser("sandbox-gateway", help="serve the sandbox payment gateway on its own port")
    gateway.add_argument("--port", type=int, default=8100, help="its port (default 8100)")
    standin = sub.add_parser("wechat-standin", help="serve a stand-in for WeChat's API (development)")
    standin.add_argument("--port", type=int, default=8200, help="its port (default 8200)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "simulate":
            _simulate(settings, args)
        elif args.command == "sandbox-gateway":
            _sandbox_gateway(settings, args)
        elif args.command == "wechat-standin":
            _wechat_standin(settings, args)
        else:
            {"serve": _serve, "migrate": _migrate, "seed": _seed}[args.command](settings)
    except SettingsError as error:
        print(f"lingli: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
