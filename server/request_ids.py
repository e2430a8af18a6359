"""A request id for every HTTP request and WebSocket: in the logs, and in X-Request-ID; and the
last word on a request nothing else answered: an unexpected error is a JSON 500 with that id."""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What an unexpected error shows the client, as the GraphQL errors are masked.
from schema.extensions import INTERNAL_MESSAGE
from server.metrics import ERRORS

log = logging.getLogger("lingli.requests")

current_request_id: ContextVar[str] = ContextVar("request_id", default="-")
INTERNAL_ERROR_CLOSE = 1011  # RFC 6455: the server met a condition that kept it from answering
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes a sane incoming X-Request-ID (from a proxy) or makes one, and echoes it back.

    The outermost middleware: an exception no route answered is logged here, with the id, and
    answered as a JSON 500 (``{"errors": [{"message", "extensions": {"code": "INTERNAL",
    "requestId"}}]}``), or, on a WebSocket, closed with 1011."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE.match(incoming) else uuid.uuid4().hex[:16]
        token = current_request_id.set(request_id)

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] in ("http.response.start", "websocket.accept", "websocket.close"):
                started = True
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unexpected error answering %s %s", scope.get("method", "WEBSOCKET"), scope.get("path"))
            ERRORS.labels("INTERNAL").inc()
            if started:  # part of an answer is out: nothing more can be said on this connection
                return
            await _internal_error(scope, send_with_id, request_id)
        finally:
            current_request_id.reset(token)


async def _internal_error(scope: Scope, send: Send, request_id: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": INTERNAL_ERROR_CLOSE, "reason": "Internal error"})
        return
    body = json.dumps(
        {"errors": [{"message": INTERNAL_MESSAGE, "extensions": {"code": "INTERNAL", "requestId": request_id}}]}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def logging_config(level: str, log_format: str = "plain") -> dict[str, Any]:
    """A dictConfig for uvicorn's log_config, so every worker process logs with request ids:
    as text, or (``json``) one JSON object a line (server/json_logs.py)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "server.request_ids.RequestIdLogFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [req %(request_id)s] %(message)s"},
            "json": {"()": "server.json_logs.JsonFormatter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"level": level},
            "uvicorn.access": {"level": level},
            "tortoise": {"level": "WARNING"},
        },
    }
