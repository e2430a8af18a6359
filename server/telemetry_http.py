"""Plain HTTP JSON for device gateways that do not speak GraphQL: POST /telemetry.

    POST /telemetry
    X-Device-Key: dk_…
    {"readings": [{"metric": "smoke", "value": 12.5, "recordedAt": "2026-11-25T10:00:00Z"}]}

Answers as telemetryReport does: 200 with {"accepted", "rejected": [{"index", "field",
"reason"}], "alarmIds"}; 401 for an unknown key; 400 with {"code", "field", "message"} for
a malformed body. Same rules, same transaction, same events as the GraphQL mutation.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from domain.common.errors import DomainError, ErrorCode, InvalidInput
from domain.devices import telemetry

MAX_BODY_BYTES = 256 * 1024  # 1000 readings fit in a fraction of this
_STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.INVALID_INPUT: 400, ErrorCode.RATE_LIMITED: 429}


async def post_telemetry(request: Request) -> JSONResponse:
    try:
        key = request.headers.get("x-device-key", "")
        if not key:
            raise InvalidInput("Send the device key in the X-Device-Key header", field="X-Device-Key")
        body = await _limited_body(request)
        report = await telemetry.ingest(key, _readings(body), client=request.client.host if request.client else "")
    except DomainError as error:
        return JSONResponse(
            {"code": error.code.value, "field": error.field, "message": error.message},
            status_code=_STATUS.get(error.code, 400),
        )
    return JSONResponse(
        {
            "accepted": report.accepted,
            "rejected": [{"index": r.index, "field": r.field, "reason": r.reason} for r in report.rejected],
            "alarmIds": sorted({str(a) for a in report.alarms}),
        }
    )


async def _limited_body(request: Request) -> bytes:
    """Read at most MAX_BODY_BYTES: an oversized body is refused without holding it in memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise InvalidInput(f"The body is larger than {MAX_BODY_BYTES} bytes", field="readings")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise InvalidInput(f"The body is larger than {MAX_BODY_BYTES} bytes", field="readings")
    return bytes(body)


def _readings(body: bytes) -> list[telemetry.ReadingIn]:
    try:
        raw: Any = json.loads(body)
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
    if not isinstance(metric, str) or isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{where} needs a text metric and a numeric value", field=where)
    recorded_at = None
    if at is not None:
        try:
            recorded_at = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{where}.recordedAt is not an ISO 8601 time", field=where) from None
        if recorded_at.tzinfo is None:
            raise InvalidInput(f"{where}.recordedAt needs a time zone", field=where)
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float: refused with the reading's range, later
        number = math.nan
    return telemetry.ReadingIn(metric=metric, value=number, recorded_at=recorded_at)
