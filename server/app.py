"""The ASGI application: routes, middleware, and a lifespan that owns every client."""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from broadcaster import Broadcast
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from auth.tokens import TokenIssuer
from domain.bills import overdue as bills_overdue
from domain.common.budgets import prune_budgets
from domain.devices.care import check_elderly_alone
from domain.devices.heartbeat import mark_silent_devices
from domain.events.overdue import escalate_overdue
from domain.files.local_store import LocalStorage
from domain.files.service import prune_unattached
from domain.files.stores import make_storage
from domain.notifications.delivery import Policy, deliver_due
from domain.orders.positions import push_pending as push_pending_positions
from domain.orders.transitions import complete_delivered
from domain.parking.availability import push_pending as push_pending_availability
from domain.payments.on_delivery import OnDelivery
from domain.payments.providers import Providers
from domain.payments.sandbox import Sandbox
from domain.people import messages as people_messages
from domain.points.paying import PointsProvider
from domain.points.sweep import points_sweep
from realtime import stream
from realtime.broadcast import bus_ready, make_broadcast
from realtime.outbox import Publisher
from realtime.publisher import BroadcastPublisher, prune_outbox
from resolvers.context import OpenSockets
from resolvers.root import build_schema
from schema.limits import QueryLimits
from server.announcing import announcing
from server.db import tortoise_config
from server.exports_http import bills_csv_endpoint
from server.files_http import file_routes
from server.graphiql import graphiql_routes
from server.graphql_view import LingliGraphQL
from server.http_errors import TypedCORSMiddleware, http_exception
from server.ioc_page import ioc_routes
from server.metrics import PrometheusObserver
from server.metrics_http import metrics_routes
from server.notify_channels import make_senders
from server.payments_http import payment_callback_endpoint
from server.request_ids import RequestIdMiddleware
from server.sandbox_gateway import SandboxGateway
from server.settings import Settings
from server.sms import make_code_sender
from server.telemetry_http import telemetry_endpoint
from server.tracing import start_tracing
from server.wechat import WechatClient

log = logging.getLogger("lingli.app")

# Each step of stopping has this long; a supervisor's SIGKILL (Kubernetes: 30 s) comes after all of them.
SHUTDOWN_STEP_SECONDS = 5


async def _within(seconds: float, what: str, step: Awaitable[object]) -> None:
    """One step of shutting down, bounded: a hung client must not keep the process from exiting."""
    try:
        await asyncio.wait_for(step, seconds)
    except TimeoutError:
        log.error("shutting down: %s did not close within %g s; going on", what, seconds)
    except Exception:
        log.exception("shutting down: %s failed to close; going on", what)


async def every(
    seconds: float, job: Callable[[], Awaitable[object]], *, publisher: Publisher, position_push_seconds: float
) -> None:
    """Run a job periodically in each process (every job is safe to run from several at once);
    what it commits goes to ``publisher``."""
    while True:
        await asyncio.sleep(seconds)  # a timer, not a wait for some condition
        try:
            with announcing(publisher, position_push_seconds=position_push_seconds):
                await job()
        except Exception:
            log.exception("periodic job %s failed", getattr(job, "__name__", job))


async def follow_viewers(broadcast: Broadcast, sockets: OpenSockets, subscribed: asyncio.Event) -> None:
    """Every process hears every change to a viewer (people's `viewers` topic, from whichever
    process made it) and applies it to the sockets it holds. Applying one twice changes nothing,
    missing one would: what the bus lost (Redis went away) is read from the outbox.
    ``subscribed`` is set once this is on the bus."""
    after: int | None = None  # from now on: no socket is open before start-up
    while True:
        try:
            feed = stream.every_event(broadcast, people_messages.topic(), after=after, subscribed=subscribed.set)
            async for envelope in feed:
                sockets.apply(envelope)
                after = envelope.cursor
            return  # the bus is going away
        except Exception:
            log.exception("following changes to viewers failed: following again from the outbox")
            await asyncio.sleep(1)  # a back-off before the next try, not a wait for state


def publishing(
    publisher: Publisher, endpoint: Callable[[Request], Awaitable[Response]], *, position_push_seconds: float
) -> Callable[[Request], Awaitable[Response]]:
    """An HTTP route whose writes are announced through ``publisher``."""

    async def run(request: Request) -> Response:
        with announcing(publisher, position_push_seconds=position_push_seconds):
            return await endpoint(request)

    return run


def settle_heap() -> None:
    """Keep the garbage collector from pausing every open subscription.

    What is loaded at start-up (modules, schema, ORM metadata) lives as long as the process:
    frozen, the collector no longer walks it. And a full collection walks every object of every
    open connection — 270–300 ms at 1,000 subscribers, so one falling between an alarm and its
    delivery made p99 ~400 ms in half the bench/fanout.py runs. Fewer, larger young
    collections let short-lived objects die by reference count before they age into the
    generation that full collections walk: 5 of 5 runs under 200 ms p99 after.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def query_limits(settings: Settings) -> QueryLimits:
    return QueryLimits(
        max_characters=settings.max_query_characters,
        max_tokens=settings.max_tokens,
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_directives=settings.max_directives,
        max_cost=settings.max_query_cost,
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = (settings or Settings.from_env()).with_dev_secret()
    settings.check()
    issuer = TokenIssuer(
        secret=settings.jwt_secret.value,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        access_ttl_seconds=settings.access_token_ttl_seconds,
        refresh_ttl_seconds=settings.refresh_token_ttl_seconds,
        session_ttl_seconds=settings.session_max_days * 24 * 3600,
    )
    tracing = start_tracing(settings)
    schema = build_schema(
        production=settings.production,
        limits=query_limits(settings),
        observer=PrometheusObserver(),
        tracing=tracing.extensions if tracing else (),
    )
    broadcast = make_broadcast(settings.broadcast_url)
    storage = make_storage(
        settings.storage_url,
        data_dir=Path(settings.data_dir),
        public_base_url=settings.base_url,
        secret=settings.files_secret,
    )
    code_sender = make_code_sender(settings.sms_gateway_url)
    # WeChat's API (login, phone numbers, subscribe messages), where WECHAT_API_BASE is set.
    wechat = (
        WechatClient(
            settings.wechat_api_base,
            app_id=settings.wechat_app_id,
            secret=settings.wechat_app_secret.value,
            timeout=settings.wechat_timeout_seconds,
            retries=settings.wechat_retries,
        )
        if settings.wechat_api_base
        else None
    )
    # Where notifications go out (domain/notifications/delivery.py runs them, in every process).
    senders, closing_senders = make_senders(settings, wechat=wechat, sms=code_sender)
    policy = Policy(
        max_tries=settings.notification_max_tries,
        backoff=timedelta(seconds=settings.notification_backoff_seconds),
    )
    # The path of every committed event: domain transaction → this publisher → the bus →
    # each subscriber's stream. Handed to the GraphQL view, the telemetry route and the jobs.
    publisher = BroadcastPublisher(broadcast)
    # How things are paid: cash at the door, and outside production the sandbox online gateway
    # (ours: in this process, unless SANDBOX_GATEWAY_URL names one elsewhere). Its pay page pays
    # without money, so production never offers it: a real gateway is a provider of its own.
    sandbox = not settings.production
    gateway = SandboxGateway(settings.sandbox_secret) if sandbox and not settings.sandbox_gateway_url else None
    online = (
        [
            Sandbox(
                gateway_url=settings.sandbox_url,
                secret=settings.sandbox_secret,
                notify_url=f"{settings.base_url}/payments/callback/sandbox",
            )
        ]
        if sandbox
        else []
    )
    providers = Providers(OnDelivery(), PointsProvider(), *online)
    # The sockets this process holds, which every change to a viewer reaches (follow_viewers).
    sockets = OpenSockets()
    graphql = LingliGraphQL(
        schema,
        issuer=issuer,
        broadcast=broadcast,
        publisher=publisher,
        storage=storage,
        code_sender=code_sender,
        graphiql=settings.graphiql_enabled,
        allowed_origins=settings.allowed_origins,
        ws_init_timeout=settings.ws_connection_init_timeout_seconds,
        scope_refresh_seconds=settings.subscription_scope_refresh_seconds,
        max_body_bytes=settings.max_body_bytes,
        max_ws_message_bytes=settings.max_ws_message_bytes,
        max_json_depth=settings.max_json_depth,
        sockets=sockets,
        payments=providers,
        bill_due_days=settings.bill_due_days,
        position_push_seconds=settings.delivery_position_push_seconds,
        wechat=wechat,
        keepalive_seconds=settings.ws_keepalive_seconds,
    )
    push_seconds = settings.delivery_position_push_seconds
    telemetry = telemetry_endpoint(
        max_body_bytes=settings.telemetry_max_body_bytes, max_json_depth=settings.max_json_depth
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # `kill -USR1` writes every thread's stack to the log: what a process that will not stop is doing.
        faulthandler.register(signal.SIGUSR1, all_threads=True)
        # Schema changes come only from migrations (`lingli migrate`), never from start-up.
        async with RegisterTortoise(app=app, config=tortoise_config(settings.database_url), generate_schemas=False):
            await broadcast.connect()
            # Events committed but never sent (a crash between commit and publish) go out now.
            await publisher.publish_unpublished()
            settle_heap()
            jobs: list[tuple[float, Callable[[], Awaitable[object]]]] = [
                (settings.heartbeat_sweep_seconds, mark_silent_devices),
                (5, lambda: publisher.publish_unpublished(older_than=timedelta(seconds=5))),
                (3600, lambda: prune_outbox(older_than=timedelta(days=settings.outbox_retention_days))),
                (
                    settings.care_sweep_seconds,
                    lambda: check_elderly_alone(silence=timedelta(hours=settings.care_silence_hours)),
                ),
                (settings.event_overdue_sweep_seconds, escalate_overdue),
                (3600, lambda: prune_unattached(storage, older_than=timedelta(days=1))),
                (3600, prune_budgets),
                # The trailing push of delivery positions held back inside their window: looked for
                # several times a window (an indexed query), so the last position arrives within about a
                # second of its window's end, not up to a whole window later.
                (max(0.2, min(1.0, push_seconds / 5)), push_pending_positions),
                # The trailing push of lots' free spaces held back inside their second (the same throttle).
                (0.2, push_pending_availability),
                (600, lambda: complete_delivered(older_than=timedelta(hours=settings.order_complete_after_hours))),
                # Last month's bills once it has ended in each community's zone; bills past their due date.
                (settings.bill_sweep_seconds, lambda: bills_overdue.sweep(due_days=settings.bill_due_days)),
                # Points past their expiry leave as entries; last month's savings earn once (by key).
                (3600, points_sweep),
                # Notifications due on their channels (claimed with SKIP LOCKED: processes never share one).
                (settings.notification_worker_seconds, lambda: deliver_due(senders, policy)),
            ]
            background = [
                asyncio.create_task(every(seconds, job, publisher=publisher, position_push_seconds=push_seconds))
                for seconds, job in jobs
            ]
            # On the bus before the first socket opens: a change to a viewer made from then on reaches it.
            subscribed = asyncio.Event()
            background.append(asyncio.create_task(follow_viewers(broadcast, sockets, subscribed)))
            try:
                await asyncio.wait_for(subscribed.wait(), timeout=10)
            except TimeoutError:
                log.error(
                    "not following changes to viewers yet: running subscriptions follow them within %d s",
                    settings.subscription_scope_refresh_seconds,
                )
            try:
                yield
            finally:
                for task in background:
                    task.cancel()
                await _within(
                    SHUTDOWN_STEP_SECONDS, "background jobs", asyncio.gather(*background, return_exceptions=True)
                )
                await _within(SHUTDOWN_STEP_SECONDS, "the bus", broadcast.disconnect())
                await _within(SHUTDOWN_STEP_SECONDS, "the file store", storage.close())
                await _within(SHUTDOWN_STEP_SECONDS, "the SMS sender", code_sender.close())
                if wechat is not None:
                    await _within(SHUTDOWN_STEP_SECONDS, "the WeChat client", wechat.close())
                for sender in closing_senders:
                    await _within(SHUTDOWN_STEP_SECONDS, "a notification channel", sender.close())
                if tracing is not None:
                    tracing.shutdown()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        try:
            await connections.get("default").execute_query("SELECT 1")
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            return JSONResponse({"status": "unavailable", "database": type(error).__name__}, status_code=503)
        if not bus_ready(broadcast):
            # Redis is down or frozen: writes still commit (their events wait in the outbox), but this
            # process delivers nothing live until the bus is back and its streams have resynced.
            return JSONResponse({"status": "unavailable", "database": "ok", "bus": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "bus": "ok"})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            # GraphiQL's own files, where the page is served (never in production).
            *(graphiql_routes() if settings.graphiql_enabled else []),
            # The operations centre's page (server/ioc_page.py: in production too).
            *ioc_routes(),
            Route("/telemetry", publishing(publisher, telemetry, position_push_seconds=push_seconds), methods=["POST"]),
            Route(
                "/payments/callback/{provider}",
                publishing(publisher, payment_callback_endpoint(providers), position_push_seconds=push_seconds),
                methods=["POST"],
            ),
            *([Mount("/sandbox-gateway", app=gateway.app())] if gateway is not None else []),
            Route("/exports/bills.csv", bills_csv_endpoint(issuer), methods=["GET"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            # Prometheus scrapes each process here (server/metrics.py), with METRICS_TOKEN if set
            # (server/metrics_http.py); keep it off the public proxy all the same.
            *metrics_routes(settings, broadcast),
            # The embedded file store: signed PUT and GET, as S3 would do them.
            *(file_routes(storage) if isinstance(storage, LocalStorage) else []),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            # Browser apps on other origins (the IOC screen, the mini-program's web view) call /graphql.
            Middleware(
                TypedCORSMiddleware,
                allow_origins=list(settings.allowed_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                expose_headers=["X-Request-ID"],
            ),
        ],
        # The router's 404 and 405, typed as every other refusal (server/http_errors.py).
        exception_handlers={HTTPException: http_exception},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.issuer = issuer
    app.state.broadcast = broadcast
    app.state.publisher = publisher
    app.state.storage = storage
    app.state.sockets = sockets
    app.state.payments = providers
    app.state.sandbox_gateway = gateway
    app.state.wechat = wechat
    app.state.graphql = graphql
    app.state.senders = senders
    app.state.notification_policy = policy
    return app
