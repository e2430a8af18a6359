"""GET /metrics: this process's figures in Prometheus' text format.

Each process serves its own (WEB_CONCURRENCY workers behind one port would each answer some
scrapes: run one worker per container and scrape each, as docker-compose.yml does). What the
figures are, and where they are counted:

- operations (``lingli_graphql_operations_total``, ``lingli_graphql_operation_seconds``) and
  active subscriptions by field: schema.observe, told to ``PrometheusObserver``;
- errors by code (``lingli_errors_total``): the GraphQL ones (schema.build ``process_errors``)
  and requests refused before GraphQL (server.request_limits ``log_refusal``);
- open WebSockets: the GraphQL view;
- the bus (reconnects, queue overflows): realtime.stats, read here at each scrape; outbox lag
  and whether the bus is up: asked at each scrape.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Awaitable, Callable, Iterator

from broadcaster import Broadcast
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from realtime.broadcast import bus_ready
from realtime.publisher import outbox_lag_seconds
from realtime.stats import STATS

OPERATIONS = Counter(
    "lingli_graphql_operations", "GraphQL operations that ended, by type and operation name", ["type", "operation"]
)
OPERATION_SECONDS = Histogram(
    "lingli_graphql_operation_seconds",
    "Time from receiving a query or mutation to its answer, by operation name",
    ["type", "operation"],
)
ERRORS = Counter("lingli_errors", "Errors sent to clients, by code (GraphQL errors and refused requests)", ["code"])
OPEN_WEBSOCKETS = Gauge("lingli_websockets_open", "WebSockets this process holds open")
ACTIVE_SUBSCRIPTIONS = Gauge("lingli_subscriptions_active", "Running subscriptions, by root field", ["field"])
OUTBOX_LAG = Gauge(
    "lingli_outbox_lag_seconds", "Age of the oldest outbox event not yet published on the bus (0: none waits)"
)
BUS_UP = Gauge("lingli_bus_up", "1 while the bus delivers (Redis answers and this process listens), else 0")

# Operation names come from clients, so the series stay bounded: a name is a label only if it
# looks like one, and only the first MAX_OPERATION_NAMES of them. And so that nobody can take
# those slots from the app's own operations (README, "Metrics"): a new name takes a slot only when
# a signed-in person ran it and it passed validation, each person at most MAX_NAMES_PER_CALLER.
# Anything else is "other".
MAX_OPERATION_NAMES = 200
MAX_NAMES_PER_CALLER = 40
_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_named: set[str] = set()
_introduced: collections.Counter[str] = collections.Counter()


def operation_label(name: str | None, caller: str | None) -> str:
    if not name:
        return "anonymous"
    if name in _named:
        return name
    if (
        caller is None
        or len(_named) >= MAX_OPERATION_NAMES
        or _introduced[caller] >= MAX_NAMES_PER_CALLER
        or not _OPERATION_NAME.match(name)
    ):
        return "other"
    _named.add(name)
    _introduced[caller] += 1
    return name


class PrometheusObserver:
    """schema.observe.Observer: what the schema tells, as series."""

    def operation(self, kind: str, name: str | None, seconds: float, *, caller: str | None) -> None:
        label = operation_label(name, caller)
        OPERATIONS.labels(kind, label).inc()
        if kind in ("query", "mutation"):  # a subscription's time is how long somebody watched
            OPERATION_SECONDS.labels(kind, label).observe(seconds)

    def subscription_started(self, field: str) -> None:
        ACTIVE_SUBSCRIPTIONS.labels(field).inc()

    def subscription_ended(self, field: str) -> None:
        ACTIVE_SUBSCRIPTIONS.labels(field).dec()

    def error(self, code: str) -> None:
        ERRORS.labels(code).inc()


class _BusStats(Collector):
    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "lingli_bus_reconnects", "Times the Redis pub/sub connection came back", value=STATS.reconnects
        )
        yield CounterMetricFamily(
            "lingli_bus_queue_overflows",
            "Times a subscriber fell a full queue behind (its backlog dropped, replayed from the outbox)",
            value=STATS.queue_overflows,
        )


REGISTRY.register(_BusStats())


def metrics_endpoint(broadcast: Broadcast) -> Callable[[Request], Awaitable[Response]]:
    async def metrics(request: Request) -> Response:
        OUTBOX_LAG.set(await outbox_lag_seconds())
        BUS_UP.set(1 if bus_ready(broadcast) else 0)
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return metrics
