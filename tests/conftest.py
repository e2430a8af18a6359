"""Test harness: a real database (SQLite file or a fresh PostgreSQL database), migrated by
`lingli migrate`'s own code, and the real app served by uvicorn on a loopback port.

The suite runs once per backend: `pytest --db=sqlite` and `pytest --db=postgres`
(`make test` runs both). Under CI=true a missing PostgreSQL fails the run loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx
import pytest
import uvicorn
from moto.server import ThreadedMotoServer

from auth.tokens import TokenIssuer
from domain.alarms.models import Alarm
from domain.bills.models import Bill, BillLine, Tariff
from domain.common.budgets import BudgetCounter
from domain.devices.models import Device, Reading
from domain.events.models import CategoryDeadline, Event, EventEntry, Integration
from domain.files.models import StoredFile
from domain.files.storage import Storage
from domain.neighbours import models as neighbours_models
from domain.notices.models import Notice, NoticeHousehold
from domain.notifications.models import Delivery, Notification, Preference
from domain.orders.models import Order, OrderEntry, OrderLine
from domain.parking import models as parking_models
from domain.payments.models import Payment
from domain.people.models import (
    AuthSession,
    CareRecord,
    Membership,
    Person,
    PhoneProof,
    RefreshToken,
    Residency,
    WechatIdentity,
)
from domain.points import models as points_models
from domain.shops.models import Product, ProductPhoto, Shop, ShopStaff
from domain.space.models import Building, Community, Grid, House, Unit
from realtime.models import OutboxEvent
from realtime.outbox import Publisher
from server.db import apply_migrations
from server.settings import Secret, Settings
from tests.support import free_port

PG_ADMIN_URL = os.environ.get("LINGLI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LINGLI_TEST_REDIS", "redis://127.0.0.1:6379")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_SECRET = "test-secret-" + "x" * 40
# What the test servers' /metrics asks for (server/metrics_http.py): scrapers send it.
METRICS_TOKEN = "metrics-token-" + "m" * 40


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=["sqlite", "postgres"], default="sqlite", help="database backend to test on")


def pytest_report_header(config: pytest.Config) -> str:
    return f"lingli database backend: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture
def postgres_writers(backend: str) -> None:
    """For races between concurrent twins of one write (`@pytest.mark.usefixtures("postgres_writers")`):
    SQLite runs one writer at a time, so these races exist only on PostgreSQL. They run in the
    `--db=postgres` pass of `make test` (mandatory under CI=true)."""
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "lingli.sqlite3"
        yield f"sqlite://{path}"
        return
    name = f"lingli_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {error}"
        if IN_CI:
            pytest.fail(f"CI=true needs PostgreSQL: {message}", pytrace=False)
        pytest.skip(message)
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgres://")
    yield f"{base}/{name}"
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@dataclass
class RunningServer:
    url: str
    ws_url: str
    issuer: TokenIssuer
    settings: Settings
    storage: Storage
    # For a test that runs a periodic job itself: `with publishing_to(server.publisher): ...`.
    publisher: Publisher
    sms: SmsGateway  # the codes sent to prove phones
    # The authenticated WebSockets the server holds (resolvers.context.OpenSockets).
    sockets: Any = None
    # The sandbox payment gateway it pays through (server.sandbox_gateway.SandboxGateway).
    gateway: Any = None
    # The WeChat API stand-in it calls (server.wechat_standin.WechatStandin), and the app itself
    # (app.state.senders: the notification channels, for a test that runs the worker itself).
    wechat: Any = None
    app: Any = None


def test_settings(database_url: str, **overrides: object) -> Settings:
    base = Settings(
        env="test", database_url=database_url, jwt_secret=Secret(TEST_SECRET), metrics_token=Secret(METRICS_TOKEN)
    )
    from dataclasses import replace

    return replace(base, **overrides)  # type: ignore[arg-type]


class SmsGateway:
    """An SMS gateway of our own on a loopback port, answering as server/sms.py expects one to
    (POST JSON, 2xx): it keeps the last code sent to each phone for the tests to type back."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.texts: list[dict[str, str]] = []  # messages that are no code (notifications)
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if "code" in body:
                    gateway.codes[body["phone"]] = body["code"]
                else:
                    gateway.texts.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/send"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


@pytest.fixture(scope="session")
def sms_gateway() -> Iterator[SmsGateway]:
    gateway = SmsGateway()
    yield gateway
    gateway.http.shutdown()


SANDBOX_SECRET = "sandbox-secret-" + "s" * 40
WECHAT_TEMPLATES = (("ALARM", "tmpl-alarm"), ("EVENT", "tmpl-event"), ("ORDER", "tmpl-order"), ("BILL", "tmpl-bill"))


@pytest.fixture(scope="session")
def wechat_standin() -> Iterator[Any]:
    """Our stand-in for WeChat's API (server/wechat_standin.py), a threading HTTP server on a loopback port."""
    from server.wechat_standin import WechatStandin

    standin = WechatStandin(slow_seconds=1.5).start()
    yield standin
    standin.stop()


@pytest.fixture
def wechat(wechat_standin: Any) -> Iterator[Any]:
    """The stand-in, its script and records cleared for this test."""
    wechat_standin.reset()
    yield wechat_standin
    wechat_standin.reset()


@asynccontextmanager
async def _uvicorn(app: Any, port: int) -> AsyncIterator[None]:
    """An ASGI app on a loopback port, in the test's own event loop, its lifespan run."""
    from server.http_parser import PROTOCOL

    # The HTTP protocol `lingli serve` runs (server/cli.py).
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws_per_message_deflate=False, http=PROTOCOL
    )
    uv = uvicorn.Server(config)
    # startup() runs the lifespan and binds the socket before returning: no polling for "started".
    config.load()
    uv.lifespan = config.lifespan_class(config)
    await uv.startup()
    loop_task = asyncio.create_task(uv.main_loop())
    yield
    uv.should_exit = True
    await loop_task
    await uv.shutdown()


@pytest.fixture(scope="session")
async def sandbox_gateway() -> AsyncIterator[Any]:
    """Our sandbox payment gateway as its own HTTP server (as `lingli sandbox-gateway` runs it)."""
    from server.sandbox_gateway import SandboxGateway

    gateway = SandboxGateway(SANDBOX_SECRET.encode())
    port = free_port()
    async with _uvicorn(gateway.app(), port):
        gateway.url = f"http://127.0.0.1:{port}"
        yield gateway


@asynccontextmanager
async def _serve(
    database_url: str, sms_gateway: SmsGateway, gateway: Any = None, wechat: Any = None, **overrides: object
) -> AsyncIterator[RunningServer]:
    """The real app on a real socket, in the test's own event loop (so factories share its database)."""
    from server.app import create_app

    if gateway is not None:
        overrides = {
            "sandbox_gateway_url": gateway.url,
            "sandbox_gateway_secret": Secret(SANDBOX_SECRET),
            **overrides,
        }

    if wechat is not None:
        overrides = {
            "wechat_api_base": wechat.url,
            "wechat_app_id": wechat.app_id,
            "wechat_app_secret": Secret(wechat.app_secret),
            "wechat_templates": WECHAT_TEMPLATES,
            # Short, so that a slow answer times out (and its retry) within a test's patience.
            "wechat_timeout_seconds": 0.5,
            "wechat_retries": 1,
            **overrides,
        }
    # The tests run the notification worker themselves (app.state.senders), unless they say otherwise.
    overrides = {"notification_worker_seconds": 3600, **overrides}
    # A known port: the local file store signs URLs with the server's own address.
    port = free_port()
    settings = test_settings(
        database_url,
        port=port,
        data_dir=tempfile.mkdtemp(prefix="lingli-test-data-"),
        sms_gateway_url=sms_gateway.url,
        **overrides,
    )
    app = create_app(settings)
    async with _uvicorn(app, port):
        yield RunningServer(
            url=f"http://127.0.0.1:{port}/graphql",
            ws_url=f"ws://127.0.0.1:{port}/graphql",
            issuer=app.state.issuer,
            storage=app.state.storage,
            settings=settings,
            publisher=app.state.publisher,
            sms=sms_gateway,
            sockets=app.state.sockets,
            gateway=gateway,
            wechat=wechat,
            app=app,
        )


@pytest.fixture(scope="session")
async def server(
    database_url: str, sms_gateway: SmsGateway, sandbox_gateway: Any, wechat_standin: Any
) -> AsyncIterator[RunningServer]:
    """The real app on a real socket, in the test's own event loop (so factories share its database)."""
    await apply_migrations(database_url)
    # Running subscriptions re-read their viewer before every message here, so a revoked role
    # shows at the next message (production: at most every 60 s).
    async with _serve(
        database_url,
        sms_gateway,
        sandbox_gateway,
        wechat_standin,
        subscription_scope_refresh_seconds=0,
        delivery_position_push_seconds=0.5,
    ) as running:
        yield running


@pytest.fixture(scope="session")
async def pushing_server(
    database_url: str, server: RunningServer, sms_gateway: SmsGateway
) -> AsyncIterator[RunningServer]:
    """A second app on the same database whose running subscriptions re-read their viewer only
    hourly on their own: what reaches them sooner (a logout, a revoked role, a move) was pushed to
    them. Its bus is its own (memory://): send it the mutations and readings its subscribers hear of."""
    async with _serve(database_url, sms_gateway, subscription_scope_refresh_seconds=3600) as running:
        yield running


LINGLI = str(Path(sys.executable).parent / "lingli")
REPO = Path(__file__).resolve().parent.parent


class Lingli:
    """A `lingli serve` process. Its log goes to a file, never an undrained pipe (a full pipe would
    block the server's next write, and with it its shutdown)."""

    def __init__(self, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        self.process = process
        self.log = log

    def text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self, within: float = 15) -> str:
        """SIGTERM, as a supervisor stops it; its log. A process that does not stop in time is a
        defect: its threads' stacks (faulthandler, SIGUSR1) and its log say where it hung."""
        self.process.terminate()
        try:
            self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR1)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=2)  # bounded: the dump is written at once
            self.process.kill()
            self.process.wait(timeout=5)
            raise AssertionError(f"lingli serve did not stop within {within} s:\n{self.text()[-6000:]}") from None
        return self.text()


async def start_lingli(database_url: str, port: int, **env: str) -> Lingli:
    """`lingli serve` in its own process, on this database and the test Redis, once it answers /readyz."""
    environ = {
        **os.environ,
        # This checkout's code, wherever the venv's `lingli` script was installed from.
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
        "LINGLI_ENV": "test",
        "DATABASE_URL": database_url,
        "BROADCAST_URL": REDIS_URL,
        "JWT_SECRET": TEST_SECRET,
        "METRICS_TOKEN": METRICS_TOKEN,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        # As in the test's own server: the tests run the notification worker themselves (a process
        # sending what the tests write would race them, and on SQLite hold up their writes).
        "NOTIFICATION_WORKER_SECONDS": "3600",
        **env,
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process's Lingli
    process = subprocess.Popen([LINGLI, "serve"], env=environ, stdout=subprocess.DEVNULL, stderr=log)  # noqa: ASYNC220
    running = Lingli(process, log)
    async with httpx.AsyncClient() as http:
        for _ in range(300):  # bounded: up to 30 s for the process to answer
            if process.poll() is not None:
                raise AssertionError(f"lingli serve exited: {running.text()}")
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return running
            except httpx.TransportError:
                await asyncio.sleep(0.1)  # the process is still starting: a bounded wait on a condition
    running.stop()
    raise AssertionError("lingli serve did not become ready")


@pytest.fixture(scope="session")
async def two_servers(database_url: str, server: RunningServer) -> AsyncIterator[tuple[int, int]]:
    """Two `lingli serve` processes sharing the test database and Redis (mandatory under CI=true), on
    these ports, for the whole run (each test's rows are cleaned up as usual). Their running
    subscriptions re-read their viewer only hourly on their own: what reaches them sooner came
    over Redis."""
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", 6379)
        writer.close()
    except OSError as error:
        if IN_CI:
            pytest.fail(f"CI=true needs Redis at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"Redis not reachable: {error}")
    ports = (free_port(), free_port())
    processes: list[Lingli] = []
    try:
        for port in ports:
            processes.append(await start_lingli(database_url, port, SUBSCRIPTION_SCOPE_REFRESH_SECONDS="3600"))
        yield ports
    finally:
        for process in processes:
            process.stop()


# Children before parents, so foreign keys never block the clean-up.
_TABLES = [
    neighbours_models.AbuseReport,
    neighbours_models.PostPhoto,
    neighbours_models.Comment,
    neighbours_models.Post,
    neighbours_models.GroupMember,
    neighbours_models.Group,
    neighbours_models.Signup,
    neighbours_models.Activity,
    neighbours_models.HelpOffer,
    neighbours_models.HelpRequest,
    parking_models.GateRecord,
    parking_models.ParkingPass,
    parking_models.Car,
    parking_models.ParkingSpace,
    parking_models.ParkingLot,
    NoticeHousehold,
    Notice,
    points_models.PointsPrice,
    points_models.Redemption,
    points_models.Reward,
    points_models.SortingRecord,
    points_models.Card,
    points_models.Entry,
    points_models.Balance,
    points_models.Rules,
    Payment,
    OrderEntry,
    OrderLine,
    Order,
    ProductPhoto,
    Product,
    ShopStaff,
    Shop,
    BillLine,
    Bill,
    Tariff,
    StoredFile,
    EventEntry,
    Event,
    Integration,
    CategoryDeadline,
    Alarm,
    Reading,
    Device,
    OutboxEvent,
    Delivery,
    Notification,
    Preference,
    WechatIdentity,
    RefreshToken,
    AuthSession,
    BudgetCounter,
    PhoneProof,
    Membership,
    CareRecord,
    Residency,
    Person,
    House,
    Unit,
    Grid,
    Building,
    Community,
]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's standalone S3 server on a free port: a real S3-compatible HTTP endpoint."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()  # returns once the socket is bound
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as env:
        # Fake credentials through boto's usual chain (the storage URL carries none).
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.delenv("AWS_SESSION_TOKEN", raising=False)
        env.delenv("AWS_PROFILE", raising=False)
        yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
async def clean_database(server: RunningServer) -> AsyncIterator[None]:
    yield
    for model in _TABLES:
        await model.all().delete()


@pytest.fixture
async def api(server: RunningServer) -> AsyncIterator[Any]:
    from tests.support import Api

    client = Api(server.url, server.issuer)
    yield client
    await client.close()


@pytest.fixture
async def pushing_api(pushing_server: RunningServer) -> AsyncIterator[Any]:
    """GraphQL over HTTP to `pushing_server`: its mutations reach its own subscribers."""
    from tests.support import Api

    client = Api(pushing_server.url, pushing_server.issuer)
    yield client
    await client.close()


@pytest.fixture
async def world(server: RunningServer) -> Any:
    from tests.support import make_world

    return await make_world()
