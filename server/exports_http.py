"""CSV exports for the property office: ``GET /exports/bills.csv?communityId=…&period=YYYY-MM``.

    GET /exports/bills.csv?communityId=12&period=2026-10
    Authorization: Bearer <access token of an operator of community 12>

Streamed: bills are read 500 at a time and written as they are read, so a community of any size
costs one page of memory. Amounts are integer fen, plus the total in yuan formatted from the
integer (``12345`` → ``123.45``), never through a float. Quoting is the csv module's (RFC 4180:
a field with a comma, a quote or a line break is quoted, quotes doubled), and a text field that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) starts with ``'``.

Errors are JSON ``{"code", "field", "message", "requestId"}`` with a stable code, before the first
byte of the file: 401 UNAUTHENTICATED (no or a bad token), 403 FORBIDDEN (not an operator of the
community), 404 NOT_FOUND (no such community), 400 INVALID_INPUT (communityId, period).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from auth.tokens import TokenIssuer
from domain.bills import export
from domain.common.errors import DomainError, ErrorCode, InvalidInput, Unauthenticated
from domain.people.accounts import viewer_for_token
from server.graphql_view import bearer_token
from server.request_ids import current_request_id

_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_INPUT: 400,
}
# Where a spreadsheet would read a formula (OWASP, "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Columns of free text that people typed (building, unit, house number): the others are ours.
_TEXT_COLUMNS = frozenset(export.COLUMNS.index(name) for name in ("building", "unit", "house"))


def bills_csv_endpoint(issuer: TokenIssuer):  # type: ignore[no-untyped-def]
    async def bills_csv(request: Request) -> Response:
        try:
            token = bearer_token(request.headers.get("authorization"))
            if not token:
                raise Unauthenticated("Send 'Authorization: Bearer <access token>'")
            viewer, _ = await viewer_for_token(issuer, token)
            community_id = _id(request.query_params.get("communityId"))
            period = request.query_params.get("period") or ""
            pages = await export.bill_rows(viewer, community_id=community_id, period=period)
        except DomainError as error:
            body = {"code": error.code.value, "field": error.field, "message": error.message}
            return JSONResponse(
                {**body, "requestId": current_request_id.get()}, status_code=_STATUS.get(error.code, 400)
            )
        filename = f"bills-{community_id}-{period.strip()}.csv"
        return StreamingResponse(
            _csv(pages),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )

    return bills_csv


def _id(value: str | None) -> int:
    if value is None or not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 2**31 - 1:
        raise InvalidInput("communityId is a community's id", field="communityId")
    return int(value)


async def _csv(pages: AsyncIterator[list[list[str]]]) -> AsyncIterator[bytes]:
    # A byte-order mark: spreadsheet programs then read the UTF-8 names (楼号) as UTF-8.
    yield "\ufeff".encode() + _encode([export.COLUMNS])
    async for rows in pages:
        yield _encode([[_safe(i, cell) for i, cell in enumerate(row)] for row in rows])


def _safe(column: int, cell: str) -> str:
    return "'" + cell if column in _TEXT_COLUMNS and cell.startswith(_FORMULA_STARTS) else cell


def _encode(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()
