"""The SANDBOX payment gateway: a small HTTP server of our own that behaves like an online one.

    GET  /pay?<signed trade>    a page with a Pay button (what the payer's browser opens)
    POST /pay?<signed trade>    pay: answers {"status": "PAID", "transaction_id"}, then POSTs the
                                signed notice to the trade's notify_url, asynchronously, again
                                until it is answered 2xx (a few tries)
    POST /refund                a signed refund of a paid trade: {"status": "REFUNDED"}

It shares one secret with Lingli (``SANDBOX_GATEWAY_SECRET``). Run it on its own with
`lingli sandbox-gateway`, or let `lingli serve` mount it at /sandbox-gateway when
``SANDBOX_GATEWAY_URL`` is not set (the demo: nothing else to start).
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import secrets
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from domain.payments.sandbox import SIGNATURE_HEADER, sign, verify_query
from server.http_errors import http_exception

log = logging.getLogger("lingli.sandbox_gateway")
RETRIES = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds between tries of one notice, as real gateways back off


@dataclass
class Trade:
    out_trade_no: str
    amount_fen: int
    notify_url: str
    transaction_id: str | None = None
    refunded: bool = False


class SandboxGateway:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.trades: dict[str, Trade] = {}
        self.url = ""  # where it is served, once it is
        self._deliveries: set[asyncio.Task[None]] = set()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/pay", self.pay_page, methods=["GET"]),
                Route("/pay", self.pay, methods=["POST"]),
                Route("/refund", self.refund, methods=["POST"]),
            ],
            # Mounted in the app at /sandbox-gateway: its refusals typed as the app's.
            exception_handlers={HTTPException: http_exception},
        )

    def _trade(self, request: Request) -> Trade | None:
        params = verify_query(self.secret, request.query_params)
        if params is None:
            return None
        try:
            amount = int(params["amount_fen"])
            trade = Trade(params["out_trade_no"], amount, params["notify_url"])
        except (KeyError, ValueError):
            return None
        return self.trades.setdefault(trade.out_trade_no, trade)

    async def pay_page(self, request: Request) -> Response:
        trade = self._trade(request)
        if trade is None:
            return HTMLResponse("<p>This payment link is not valid.</p>", status_code=400)
        action = html.escape(str(request.url))
        state = "Paid" if trade.transaction_id else f"¥{trade.amount_fen / 100:.2f}"
        return HTMLResponse(
            f"<h1>Lingli sandbox pay</h1><p>{html.escape(trade.out_trade_no)}: {state}</p>"
            f'<form method="post" action="{action}"><button>Pay</button></form>'
        )

    async def pay(self, request: Request) -> Response:
        trade = self._trade(request)
        if trade is None:
            return JSONResponse({"status": "INVALID"}, status_code=400)
        if trade.transaction_id is None:
            trade.transaction_id = f"SBX{secrets.token_hex(10)}"
            task = asyncio.create_task(self._notify(trade))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)
        return JSONResponse({"status": "PAID", "transaction_id": trade.transaction_id})

    def notice(self, trade: Trade) -> bytes:
        return json.dumps(
            {
                "out_trade_no": trade.out_trade_no,
                "transaction_id": trade.transaction_id,
                "amount_fen": trade.amount_fen,
                "status": "SUCCESS",
            }
        ).encode()

    async def _notify(self, trade: Trade) -> None:
        body = self.notice(trade)
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, body)}
        async with httpx.AsyncClient(timeout=10) as http:
            for pause in (0.0, *RETRIES):
                await asyncio.sleep(pause)  # a back-off between tries, as gateways do
                try:
                    answer = await http.post(trade.notify_url, content=body, headers=headers)
                    if answer.is_success:
                        return
                    log.warning("notice for %s answered %d", trade.out_trade_no, answer.status_code)
                except httpx.HTTPError as error:
                    log.warning("notice for %s not delivered: %r", trade.out_trade_no, error)
        log.error("notice for %s given up", trade.out_trade_no)

    async def refund(self, request: Request) -> Response:
        body = await request.body()
        if not secrets.compare_digest(sign(self.secret, body), request.headers.get(SIGNATURE_HEADER, "")):
            return JSONResponse({"status": "INVALID"}, status_code=400)
        asked = json.loads(body)
        trade = self.trades.get(str(asked.get("out_trade_no")))
        if trade is None or trade.transaction_id is None or trade.transaction_id != asked.get("transaction_id"):
            return JSONResponse({"status": "UNKNOWN_TRADE"}, status_code=404)
        trade.refunded = True
        return JSONResponse({"status": "REFUNDED"})
