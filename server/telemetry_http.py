"""Plain HTTP JSON for device gateways that do not speak GraphQL: POST /telemetry.

    POST /telemetry
    X-Device-Key: dk_…
    {"readings": [{"metric": "smoke", "value": 12.5, "recordedAt": "2026-11-25T10:00:00Z",
                   "readingId": "gw7-000042"}]}

Answers as telemetryReport does: 200 with {"accepted", "duplicates", "duplicateIndexes",
"rejected": [{"index", "field", "reason"}], "alarmIds"} (a batch sent again is all duplicates:
nothing is stored or counted twice, see domain/devices/reading_identity.py); 401 for an unknown key; 400 with {"code", "field", "message",
"requestId"} for a malformed body (or JSON nested too deep), 413 (REQUEST_TOO_LARGE) for one
past TELEMETRY_MAX_BODY_BYTES, 503 (UNAVAILABLE, with Retry-After) when the database connection is
lost: nothing was stored, send the readings again. Same rules, same transaction, same events as the GraphQL mutation.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from domain.common.errors import DomainError, ErrorCode, InvalidInput
from domain.devices import telemetry
from realtime.db_outage import database_unavailable
from server.request_ids import current_request_id
from server.request_limits import RequestRefused, decode_json, log_refusal, read_body

log = logging.getLogger("lingli.telemetry")
UNAVAILABLE = "UNAVAILABLE"
_STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.INVALID_INPUT: 400, ErrorCode.RATE_LIMITED: 429}


def telemetry_endpoint(*, max_body_bytes: int, max_json_depth: int) -> Callable[[Request], Awaitable[JSONResponse]]:
    """POST /telemetry, reading at most ``max_body_bytes`` (1000 readings fit in a fraction of the
    default 256 KiB) of JSON nested at most ``max_json_depth`` deep."""

    async def post_telemetry(request: Request) -> JSONResponse:
        try:
            key = request.headers.get("x-device-key", "")
            if not key:
                raise InvalidInput("Send the device key in the X-Device-Key header", field="X-Device-Key")
            body = await read_body(request, max_body_bytes, setting="TELEMETRY_MAX_BODY_BYTES")
            client = request.client.host if request.client else ""
            report = await telemetry.ingest(key, _readings(body, max_json_depth), client=client)
        except RequestRefused as refused:
            log_refusal(refused)
            return _error(refused.code, None, refused.message, refused.status, headers=refused.headers)
        except DomainError as error:
            return _error(error.code, error.field, error.message, _STATUS.get(error.code, 400))
        except Exception as error:
            if not database_unavailable(error):
                raise  # answered by RequestIdMiddleware: a JSON 500 with the request id
            log.warning("telemetry refused, the database is unavailable: %r", error)
            return JSONResponse(
                {
                    "code": UNAVAILABLE,
                    "field": None,
                    "message": "The database is unavailable: nothing was stored, send the readings again",
                    "requestId": current_request_id.get(),
                },
                status_code=503,
                headers={"Retry-After": "5"},
            )
        return JSONResponse(
            {
                "accepted": report.accepted,
                "duplicates": len(report.duplicates),
                "duplicateIndexes": report.duplicates,
                "rejected": [{"index": r.index, "field": r.field, "reason": r.reason} for r in report.rejected],
                "alarmIds": sorted({str(a) for a in report.alarms}),
            }
        )

    return post_telemetry


def _error(
    code: ErrorCode, field: str | None, message: str, status: int, *, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"code": code.value, "field": field, "message": message, "requestId": current_request_id.get()}
    return JSONResponse(body, status_code=status, headers=headers)


def _readings(body: bytes, max_json_depth: int) -> list[telemetry.ReadingIn]:
    try:
        raw: Any = decode_json(body, max_depth=max_json_depth)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("The body is not JSON", field="readings") from None
    items = raw.get("readings") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise InvalidInput('The body is {"readings": [...]}', field="readings")
    return [_reading(i, item) for i, item in enumerate(items)]


def _reading(index: int, item: Any) -> telemetry.ReadingIn:
    """Shape errors fail the request (the gateway is broken); value errors are per reading, later."""
    where = f"readings[{index}]"
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} is not an object", field=where)
    metric, value, at = item.get("metric"), item.get("value"), item.get("recordedAt")
    reading_id = item.get("readingId")
    if not isinstance(metric, str) or isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{where} needs a text metric and a numeric value", field=where)
    if reading_id is not None and not isinstance(reading_id, str):
        raise InvalidInput(f"{where}.readingId is text", field=where)
    recorded_at = None
    if at is not None:
        try:
            # A time without its zone is a value error, refused with its reading (as over GraphQL).
            recorded_at = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{where}.recordedAt is not an ISO 8601 time", field=where) from None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float: refused with the reading's range, later
        number = math.nan
    return telemetry.ReadingIn(metric=metric, value=number, recorded_at=recorded_at, reading_id=reading_id)
