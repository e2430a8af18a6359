"""What a request may be before it is read or parsed: the size of a body or a message, the
nesting of its JSON.

Every route that reads a body reads it through here: ``/graphql`` (HTTP bodies, the JSON of
query parameters, WebSocket messages: ``server/graphql_view.py``) and ``/telemetry``. The local file store's
``PUT`` has its own, stricter limit, the size signed into its URL (``server/files_http.py``).

A refusal is a ``RequestRefused``: a client's mistake, logged as one INFO line, answered with
its HTTP status (or, on a socket, its close code) and a code of ``ErrorCode``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.types import Message, Receive

from domain.common.errors import ErrorCode
from server.metrics import ERRORS

log = logging.getLogger("lingli.requests")

MESSAGE_TOO_BIG = 1009  # RFC 6455: what uvicorn's own ws_max_size closes with, too


class RequestRefused(Exception):
    """Refused before the request is read in full or parsed."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: ErrorCode,
        close_code: int,
        limit: tuple[str, int] | None = None,
        unread: bool = False,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.close_code = close_code
        self.limit = limit
        self.field = field
        # A body refused while it streams may never end: the connection is closed after the
        # answer. One refused at its Content-Length is not: uvicorn reads and drops the rest of
        # it (the client, still sending, gets the 413 rather than a reset connection).
        self.unread = unread

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Connection": "close"} if self.unread else None

    @property
    def extensions(self) -> dict[str, Any]:
        """What a client switches on: the code, and the limit that was passed (its setting and
        value, as the document limits name theirs: schema/limits.py)."""
        extensions: dict[str, Any] = {"code": self.code.value}
        if self.field is not None:
            extensions["field"] = self.field
        if self.limit is not None:
            extensions["limit"], extensions["max"] = self.limit
        return extensions


def too_large(what: str, limit: int, *, setting: str, streaming: bool = False) -> RequestRefused:
    return RequestRefused(
        f"{what} is larger than {limit} bytes",
        status=413,
        code=ErrorCode.REQUEST_TOO_LARGE,
        close_code=MESSAGE_TOO_BIG,
        limit=(setting, limit),
        unread=streaming,
    )


def too_deep(limit: int) -> RequestRefused:
    return RequestRefused(
        f"The JSON is nested deeper than {limit} levels",
        status=400,
        code=ErrorCode.INVALID_INPUT,
        close_code=4400,  # graphql-transport-ws: a message the server will not take
        limit=("MAX_JSON_DEPTH", limit),
    )


def not_json() -> RequestRefused:
    return RequestRefused(
        "The JSON of the request is malformed", status=400, code=ErrorCode.INVALID_INPUT, close_code=4400
    )


def not_an_object(what: str = "The body") -> RequestRefused:
    return RequestRefused(f"{what} must be a JSON object", status=400, code=ErrorCode.INVALID_INPUT, close_code=4400)


def bad_request(message: str, status: int = 400, *, field: str | None = None) -> RequestRefused:
    """A request the GraphQL library refused (no query, an unsupported content type, …), or a
    WebSocket message that is no operation (``field``: which part of it is wrong)."""
    return RequestRefused(message, status=status, code=ErrorCode.INVALID_INPUT, close_code=4400, field=field)


def check_declared_length(headers: Mapping[str, str], limit: int, *, setting: str) -> None:
    """A Content-Length past the limit is refused before one byte of the body is read."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large("The body", limit, setting=setting)


def capped(receive: Receive, limit: int, *, setting: str) -> Receive:
    """``receive`` for an app that reads the body itself: past ``limit`` bytes (chunked, or more
    than the Content-Length promised) it raises ``RequestRefused`` instead of reading on."""
    received = 0

    async def receive_capped() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large("The body", limit, setting=setting, streaming=True)
        return message

    return receive_capped


async def read_body(request: Request, limit: int, *, setting: str) -> bytes:
    """At most ``limit`` bytes of the body: refused at its Content-Length, or as soon as it
    passes the limit while it streams. Never more than the limit is held in memory."""
    check_declared_length(request.headers, limit, setting=setting)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large("The body", limit, setting=setting, streaming=True)
    return bytes(body)


def decode_json(data: str | bytes, *, max_depth: int) -> Any:
    """``json.loads``, refusing nesting deeper than ``max_depth`` (a document is one level; each
    object or array inside it one more). Malformed JSON raises ``json.JSONDecodeError`` as usual."""
    try:
        value = json.loads(data)
    except RecursionError:  # deeper than Python itself follows: far past any limit
        raise too_deep(max_depth) from None
    if _deeper_than(value, max_depth):
        raise too_deep(max_depth)
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest past ``limit`` levels; walked with a list, not recursion."""
    if not isinstance(value, dict | list):
        return False
    pending: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while pending:
        container, depth = pending.pop()
        if depth > limit:
            return True
        for child in container.values() if isinstance(container, dict) else container:
            if isinstance(child, dict | list):
                pending.append((child, depth + 1))
    return False


def log_refusal(refused: RequestRefused) -> None:
    """Every refusal passes here: logged, and counted by its code at /metrics."""
    ERRORS.labels(refused.code.value).inc()
    log.info("%s: %s", refused.code.value, refused.message)
