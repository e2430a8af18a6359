"""No request ends in a bare 500: a body or a message that is no JSON object, or no UTF-8, is a
typed 400; a lost database is a 503 on /telemetry; and what nothing else answered is a JSON 500
that carries the request id in its body and its X-Request-ID, logged with the same id."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import httpx
import pytest
import websockets
from starlette.types import Receive, Scope, Send
from tortoise.exceptions import OperationalError
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from realtime.db_outage import database_unavailable
from server.request_ids import RequestIdMiddleware, current_request_id
from tests.conftest import RunningServer
from tests.support import errors_logged

ANSWER_WITHIN = 5  # seconds, only so that a broken server cannot hang the test
NOT_OBJECTS = [b"null", b"42", b'"{ me { name } }"', b"true"]
NOT_UTF8 = [b'{"query": "\xff"}', b"\xff"]


def _typed_400(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    message: str = error["message"]
    return message


@pytest.mark.parametrize("body", NOT_OBJECTS + NOT_UTF8)
async def test_a_graphql_body_that_is_no_json_object_is_a_typed_400(server: RunningServer, body: bytes) -> None:
    with errors_logged() as errors:
        async with httpx.AsyncClient() as http:
            response = await http.post(server.url, content=body, headers={"Content-Type": "application/json"})
    _typed_400(response)
    assert errors == []


@pytest.mark.parametrize(
    "params",
    [
        {"query": "{ __typename }", "variables": "42"},
        {"query": "{ __typename }", "extensions": '"text"'},
        {"query": "{ __typename }", "variables": "{"},
        {"query": "{ __typename }", "variables": "[1, 2]"},
    ],
)
async def test_bad_query_parameters_are_a_typed_400(server: RunningServer, params: dict[str, str]) -> None:
    with errors_logged() as errors:
        async with httpx.AsyncClient() as http:
            response = await http.get(server.url, params=params)
    _typed_400(response)
    assert errors == []


async def test_the_libraries_own_refusals_are_typed_too(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        unsupported = await http.post(server.url, content=b"{ __typename }", headers={"Content-Type": "text/plain"})
        batch = await http.post(server.url, json=[{"query": "{ __typename }"}])
        query_no_text = await http.post(server.url, json={"query": 5})
    for response in (unsupported, batch, query_no_text):
        _typed_400(response)


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
@pytest.mark.parametrize("message", ["null", "42", '"connection_init"', "[]"])
async def test_a_socket_message_that_is_no_json_object_closes_with_4400(
    server: RunningServer, protocol: str, message: str
) -> None:
    with errors_logged() as errors:
        async with websockets.connect(server.ws_url, subprotocols=[Subprotocol(protocol)]) as socket:
            await socket.send(message)
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(socket.recv(), ANSWER_WITHIN)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
    assert errors == []


def _telemetry(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql") + "/telemetry"


@pytest.mark.parametrize("body", NOT_OBJECTS + NOT_UTF8)
async def test_a_telemetry_body_that_is_no_json_object_is_a_typed_400(server: RunningServer, body: bytes) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(_telemetry(server), content=body, headers={"X-Device-Key": "dk_any"})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_INPUT"
    assert response.json()["requestId"] == response.headers["x-request-id"]


async def test_a_terminated_database_connection_is_told_apart_from_a_bug() -> None:
    # What asyncpg raises when the server terminates the connection under a transaction, as
    # tortoise hands it on: /telemetry answers it 503 UNAVAILABLE with Retry-After, not 500.
    lost = asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    try:
        try:
            raise lost
        except asyncpg.exceptions.ConnectionDoesNotExistError as error:
            raise OperationalError(str(error)) from error
    except OperationalError as wrapped:
        assert database_unavailable(wrapped)
    assert not database_unavailable(RuntimeError("a bug"))


class _Ids(logging.Handler):
    """The request id each ERROR was logged under."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.ids: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.ids.append(current_request_id.get())


async def test_an_unexpected_error_is_a_json_500_with_the_request_id_logged_with_it() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("a bug")

    ids = _Ids()
    logging.getLogger().addHandler(ids)
    try:
        transport = httpx.ASGITransport(app=RequestIdMiddleware(broken), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://lingli") as http:
            response = await http.post("/telemetry", json={"readings": []}, headers={"X-Request-ID": "r-500"})
    finally:
        logging.getLogger().removeHandler(ids)
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "r-500"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "r-500"}
    assert "a bug" not in response.text
    assert ids.ids == ["r-500"]
