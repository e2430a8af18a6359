"""Who may read GET /metrics (README, "Metrics"): with METRICS_TOKEN set, only a scraper that
sends it (``Authorization: Bearer <METRICS_TOKEN>``); without one, anyone in development and
test, and nobody in production, where the route is not served at all. The figures name
operations, error counts and open sockets: not for the public port."""

from __future__ import annotations

import hmac

from broadcaster import Broadcast
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.common.errors import ErrorCode
from server.http_errors import error_response
from server.metrics import metrics_endpoint
from server.settings import Settings


def metrics_routes(settings: Settings, broadcast: Broadcast) -> list[Route]:
    token = settings.metrics_token.value
    if not token and settings.production:
        return []
    figures = metrics_endpoint(broadcast)
    if not token:
        return [Route("/metrics", figures)]
    expected = f"Bearer {token}".encode()

    async def guarded(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return error_response(
                401,
                ErrorCode.UNAUTHENTICATED,
                "Send METRICS_TOKEN as 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return await figures(request)

    return [Route("/metrics", guarded)]
