"""POST /payments/callback/<provider>: a payment provider's asynchronous notification.

Answers 200 {"code": "SUCCESS"} when the notice paid its payment, or had paid it already (the same
notice again: the provider may stop re-sending); 400 {"code": "FAIL", "message"} for anything
else (bad signature, wrong amount, unknown trade), which changes nothing and is logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse

from domain.payments import service as payments
from domain.payments.providers import Providers
from server.request_limits import RequestRefused, log_refusal, read_body

MAX_NOTICE_BYTES = 64 * 1024


def payment_callback_endpoint(providers: Providers) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def callback(request: Request) -> JSONResponse:
        try:
            body = await read_body(request, MAX_NOTICE_BYTES, setting="MAX_NOTICE_BYTES")
        except RequestRefused as refused:
            log_refusal(refused)
            return JSONResponse({"code": "FAIL", "message": refused.message}, status_code=refused.status)
        name = str(request.path_params["provider"]).upper()
        outcome = await payments.receive_callback(providers, name, request.headers, body)
        if outcome.accepted:
            return JSONResponse({"code": "SUCCESS"})
        return JSONResponse({"code": "FAIL", "message": outcome.reason}, status_code=400)

    return callback
