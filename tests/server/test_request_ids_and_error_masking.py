"""Every response carries a request id; unexpected errors are masked and logged with it, typed errors stay
visible with their code and field."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
import pytest
import strawberry

from domain.common.errors import NotFound
from schema.extensions import MaskUnexpectedErrors
from tests.conftest import RunningServer


async def test_every_response_carries_a_request_id(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        fresh = await http.post(server.url, json={"query": "{ __typename }"})
        echoed = await http.post(server.url, json={"query": "{ __typename }"}, headers={"X-Request-ID": "trace-42"})
    assert len(fresh.headers["x-request-id"]) >= 8
    assert echoed.headers["x-request-id"] == "trace-42"


@strawberry.type
class _Broken:
    @strawberry.field
    def crash(self) -> str:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("No such thing", field="id")


@dataclass
class _Ctx:
    request_id: str


def test_unexpected_errors_are_masked_and_logged_with_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    schema = strawberry.Schema(query=_Broken, extensions=[MaskUnexpectedErrors])
    with caplog.at_level(logging.ERROR, logger="lingli.errors"):
        result = schema.execute_sync("{ crash }", context_value=_Ctx(request_id="req-7"))
    assert result.errors is not None
    formatted = result.errors[0].formatted
    assert "hunter2" not in str(formatted)
    assert formatted["extensions"] == {"code": "INTERNAL", "requestId": "req-7"}
    assert any("req-7" in r.getMessage() and r.exc_info for r in caplog.records)


def test_typed_errors_stay_visible_with_code_and_field() -> None:
    schema = strawberry.Schema(query=_Broken, extensions=[MaskUnexpectedErrors])
    result = schema.execute_sync("{ missing }", context_value=_Ctx(request_id="req-8"))
    assert result.errors is not None
    formatted = result.errors[0].formatted
    assert formatted["message"] == "No such thing"
    assert formatted["extensions"] == {"code": "NOT_FOUND", "field": "id"}
