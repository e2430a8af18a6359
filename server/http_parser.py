"""A request uvicorn's HTTP parser (httptools) refuses — two Content-Lengths, a byte no URL may
hold, a method it does not know — never reaches the app, so no middleware can answer it: uvicorn
writes a text 400 itself. This protocol answers those as the app answers every other refusal:
JSON with a code and a request id, and X-Request-ID. ``send_400_response`` is uvicorn's own
(not public) hook for exactly this answer; tests/server/test_every_refusal_is_typed.py fails
if an upgrade of uvicorn stops calling it."""

from __future__ import annotations

import json
import logging
import uuid

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from domain.common.errors import ErrorCode
from server.metrics import ERRORS

log = logging.getLogger("lingli.requests")

# For uvicorn's `http` option, by name, so each worker process imports it.
PROTOCOL = "server.http_parser:TypedHttpToolsProtocol"


class TypedHttpToolsProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        # The request's own X-Request-ID cannot be trusted or even read: its headers did not parse.
        request_id = uuid.uuid4().hex[:16]
        ERRORS.labels(ErrorCode.INVALID_INPUT.value).inc()
        log.info("%s: the HTTP parser refused the request (req %s): %s", ErrorCode.INVALID_INPUT.value, request_id, msg)
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": "The HTTP request is malformed",
                        "extensions": {"code": ErrorCode.INVALID_INPUT.value, "requestId": request_id},
                    }
                ]
            }
        ).encode()
        content = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"x-request-id: " + request_id.encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()
