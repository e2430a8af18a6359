"""Talking to our payment callback as the sandbox gateway would (or as someone pretending to)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from domain.payments.sandbox import SIGNATURE_HEADER, sign
from tests.conftest import SANDBOX_SECRET, RunningServer


def callback_url(server: RunningServer) -> str:
    return server.url.replace("/graphql", "/payments/callback/sandbox")


def notice(out_trade_no: str, amount_fen: int, transaction_id: str = "SBX-test-1") -> bytes:
    return json.dumps(
        {"out_trade_no": out_trade_no, "transaction_id": transaction_id, "amount_fen": amount_fen, "status": "SUCCESS"}
    ).encode()


async def post_notice(server: RunningServer, body: bytes, *, secret: str = SANDBOX_SECRET) -> httpx.Response:
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret.encode(), body)}
    async with httpx.AsyncClient() as http:
        return await http.post(callback_url(server), content=body, headers=headers)


@contextmanager
def warnings_logged() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("lingli.payments")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
