"""SANDBOX: an online gateway of our own that behaves like a real one over real HTTP
(``server/sandbox_gateway.py`` is the gateway; this is our side of it).

The pay URL carries the trade's parameters signed with HMAC-SHA256 (as Alipay's page payments
do), so starting a payment needs no network call inside the transaction. The gateway, once paid,
POSTs a JSON notice to our callback URL with ``X-Sandbox-Signature: hex(HMAC-SHA256(secret,
body))``; refunds are a signed POST to the gateway.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from urllib.parse import urlencode

import httpx

from domain.payments.models import Payment, ProviderName
from domain.payments.providers import CallbackRejected, Notice, Started

SIGNATURE_HEADER = "X-Sandbox-Signature"


def sign(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_query(secret: bytes, params: dict[str, str]) -> str:
    """The parameters in a canonical order, and their signature."""
    canonical = urlencode(sorted(params.items()))
    return f"{canonical}&sign={sign(secret, canonical.encode())}"


def verify_query(secret: bytes, params: Mapping[str, str]) -> dict[str, str] | None:
    """The signed parameters, or None when the signature does not match."""
    given = dict(params)
    signature = given.pop("sign", "")
    canonical = urlencode(sorted(given.items()))
    return given if hmac.compare_digest(sign(secret, canonical.encode()), signature) else None


class Sandbox:
    name = ProviderName.SANDBOX
    notifies = True

    def __init__(self, *, gateway_url: str, secret: bytes, notify_url: str) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self.secret = secret
        self.notify_url = notify_url

    def start(self, payment: Payment) -> Started:
        params = {
            "out_trade_no": payment.out_trade_no,
            "amount_fen": str(payment.amount_fen),
            "notify_url": self.notify_url,
        }
        return Started(pay_url=f"{self.gateway_url}/pay?{signed_query(self.secret, params)}")

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Notice:
        signature = headers.get(SIGNATURE_HEADER.lower()) or headers.get(SIGNATURE_HEADER) or ""
        if not hmac.compare_digest(sign(self.secret, body), signature):
            raise CallbackRejected("bad signature")
        try:
            notice = json.loads(body)
            if notice.get("status") != "SUCCESS":
                raise CallbackRejected(f"not a payment: status {notice.get('status')!r}")
            amount = notice["amount_fen"]
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise CallbackRejected("amount_fen is not a whole number")
            return Notice(
                out_trade_no=str(notice["out_trade_no"]),
                transaction_id=str(notice["transaction_id"]),
                amount_fen=amount,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CallbackRejected(f"unreadable notice: {error}") from None

    async def refund(self, payment: Payment) -> None:
        body = json.dumps(
            {
                "out_trade_no": payment.out_trade_no,
                "transaction_id": payment.provider_txn_id,
                "amount_fen": payment.amount_fen,
            }
        ).encode()
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.post(
                f"{self.gateway_url}/refund",
                content=body,
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, body)},
            )
        answer.raise_for_status()
