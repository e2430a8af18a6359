"""What the router, the CORS middleware and the HTTP parser refuse is typed as every other refusal
({"errors": [{"message", "extensions": {"code", "requestId"}}]}) and carries X-Request-ID (review
item 7, 8): a method a path does not take (405 METHOD_NOT_ALLOWED, with Allow), a path nobody serves
(404 NOT_FOUND), a CORS preflight from an origin not allowed (400 FORBIDDEN), and a request
uvicorn's parser refuses before the app sees it (400 INVALID_INPUT: server/http_parser.py)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from tests.conftest import RunningServer

ANSWER_WITHIN = 5  # seconds, only so that a broken server cannot hang the test


def _base(server: RunningServer) -> str:
    return server.url.rsplit("/graphql", 1)[0]


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("PUT", "/graphql", {}),
        ("DELETE", "/graphql", {}),
        ("OPTIONS", "/graphql", {}),
        ("GET", "/telemetry", {}),
        ("GET", "/no-such-route", {}),
        ("DELETE", "/files/some/key", {}),
        ("OPTIONS", "/graphql", {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}),
        ("GET", "/sandbox-gateway/nothing", {}),
        ("GET", "/graphiql/no-such-file.js", {}),
    ],
    ids=[
        "put-graphql",
        "delete-graphql",
        "options-graphql",
        "get-telemetry",
        "unknown-path",
        "delete-file",
        "cors",
        "mounted-app",
        "mounted-routes",
    ],
)
async def test_a_refused_method_or_path_is_a_typed_json_error(
    server: RunningServer, method: str, path: str, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.request(method, _base(server) + path, headers=headers)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/json"), (
        response.status_code,
        response.headers["content-type"],
        response.text,
    )
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"]
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]


async def _raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65536), ANSWER_WITHIN)
    writer.close()
    return answer


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"GET /gr\xffaphql HTTP/1.1\r\nHost: x\r\n\r\n",
        b"BREW /graphql HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["two-content-lengths", "bad-byte-in-path", "unknown-method"],
)
async def test_a_request_the_http_server_refuses_still_carries_a_request_id(
    server: RunningServer, request_bytes: bytes
) -> None:
    port = int(_base(server).rsplit(":", 1)[1])
    answer = await _raw(port, request_bytes)
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 400"), answer[:200]
    assert b"\r\ncontent-type: application/json\r\n" in head, answer[:300]
    (request_id,) = [
        line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.startswith(b"x-request-id:")
    ]
    (error,) = json.loads(answer.split(b"\r\n\r\n", 1)[1])["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "requestId": request_id.decode()}
