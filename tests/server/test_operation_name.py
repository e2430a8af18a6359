"""A document of several operations runs the one named by operationName; without a name it runs
none (the specification's rule) and says so with a typed error."""

from __future__ import annotations

import httpx

from tests.conftest import RunningServer
from tests.support import World, token_for

TWO = "query First { __typename } query Second { me { name } }"


async def test_several_operations_without_a_name_run_none(server: RunningServer, world: World) -> None:
    token = await token_for(server.issuer, world.owner_a101)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        unnamed = (await http.post(server.url, json={"query": TWO})).json()
        named = (await http.post(server.url, json={"query": TWO, "operationName": "Second"})).json()
    assert unnamed.get("data") is None
    (refused,) = unnamed["errors"]
    assert refused["extensions"] == {"code": "INVALID_INPUT", "field": "operationName"}
    assert named == {"data": {"me": {"name": "Owner A101"}}}


async def test_one_operation_needs_no_name(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.url, json={"query": "query Only { __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}
