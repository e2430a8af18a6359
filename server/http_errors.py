"""What the router and the CORS middleware refuse, in the shape of every other refusal:
``{"errors": [{"message", "extensions": {"code", "requestId"}}]}`` (server/graphql_view.py
``refusal``, server/request_ids.py's 500), not Starlette's bare text."""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.common.errors import ErrorCode
from server.metrics import ERRORS
from server.request_ids import current_request_id

log = logging.getLogger("lingli.requests")

# Starlette raises these for what no route serves (404), a method a route does not take (405),
# and a few of its own parsing failures (400).
_CODES = {
    400: ErrorCode.INVALID_INPUT,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.REQUEST_TOO_LARGE,
}


def error_response(
    status: int, code: ErrorCode, message: str, *, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A refusal, counted by its code at /metrics."""
    ERRORS.labels(code.value).inc()
    log.info("%s: %s", code.value, message)
    body = {"errors": [{"message": message, "extensions": {"code": code.value, "requestId": current_request_id.get()}}]}
    return JSONResponse(body, status_code=status, headers=headers)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's exception handler for ``HTTPException``: the router's 404 and 405 among them."""
    assert isinstance(exc, HTTPException)  # registered for HTTPException only
    if exc.status_code == 404:
        message = f"Nothing is served at {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed here; allowed: {(exc.headers or {}).get('Allow', 'none')}"
    else:
        message = exc.detail
    code = _CODES.get(exc.status_code, ErrorCode.INVALID_INPUT)
    return error_response(exc.status_code, code, message, headers=dict(exc.headers or {}))


class TypedCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware, whose refused preflight ("Disallowed CORS origin, method") is
    a typed FORBIDDEN with the same CORS headers, not text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return error_response(response.status_code, ErrorCode.FORBIDDEN, bytes(response.body).decode(), headers=headers)
