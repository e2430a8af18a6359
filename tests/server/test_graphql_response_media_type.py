"""The answer's media type follows Accept. Under application/graphql-response+json a request error (a
document that does not parse or validate, our limits, a variable that cannot be coerced, a request
refused before it ran) is a 4xx without `data`; an execution error is a 200 with its data. Under
application/json, the default without Accept, every well-formed request stays a 200 as before. A
client accepting neither gets 406."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import RunningServer
from tests.server.test_query_limits import DEEP
from tests.support import World, token_for

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

REQUEST_ERRORS = {
    "does not parse": {"query": "{"},
    "does not validate": {"query": "{ noSuchField }"},
    "too deep": {"query": DEEP},
    "a variable that cannot be coerced": {
        "query": "query Q($id: ID!) { house(id: $id) { id } }",
        "variables": {"id": None},
    },
    "several operations, none named": {"query": "query A { __typename } query B { __typename }"},
}


async def _post(
    server: RunningServer, body: dict[str, Any], accept: str | None, token: str | None = None
) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient() as http:
        return await http.post(server.url, json=body, headers=headers)


def _media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize(
    ("accept", "answered_as"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),  # what graphql-http's client sends
        (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),  # named both at equal q: the spec's own
        (f"{JSON}, */*;q=0.1", JSON),
        (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
        (f"*/*, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),  # named beats matched by a wildcard
        (f"{JSON};q=0, */*", GRAPHQL_RESPONSE),
        (f"text/html, {GRAPHQL_RESPONSE};charset=utf-8", GRAPHQL_RESPONSE),
    ],
)
async def test_the_answer_is_the_type_the_client_accepts(
    server: RunningServer, accept: str | None, answered_as: str
) -> None:
    response = await _post(server, {"query": "{ __typename }"}, accept)
    assert (response.status_code, _media_type(response)) == (200, answered_as)
    assert response.json() == {"data": {"__typename": "Query"}}
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize("body", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
async def test_a_request_error_is_a_400_without_data_under_graphql_response_json(
    server: RunningServer, body: dict[str, Any]
) -> None:
    response = await _post(server, body, GRAPHQL_RESPONSE)
    assert (response.status_code, _media_type(response)) == (400, GRAPHQL_RESPONSE), response.text
    assert "data" not in response.json()
    assert response.json()["errors"][0]["message"]


@pytest.mark.parametrize("accept", [None, JSON, "*/*"])
@pytest.mark.parametrize("body", [b for name, b in REQUEST_ERRORS.items() if name != "several operations, none named"])
async def test_a_request_error_stays_a_200_with_null_data_under_application_json(
    server: RunningServer, body: dict[str, Any], accept: str | None
) -> None:
    response = await _post(server, body, accept)
    assert (response.status_code, _media_type(response)) == (200, JSON), response.text
    assert response.json()["data"] is None and response.json()["errors"]


async def test_an_execution_error_is_a_200_with_its_data_under_graphql_response_json(
    server: RunningServer, world: World
) -> None:
    token = await token_for(server.issuer, world.owner_a101)
    query = "query H($id: ID!) { house(id: $id) { number } me { id } }"
    response = await _post(server, {"query": query, "variables": {"id": str(world.b101.id)}}, GRAPHQL_RESPONSE, token)
    assert (response.status_code, _media_type(response)) == (200, GRAPHQL_RESPONSE)
    body = response.json()
    assert body["data"] == {"house": None, "me": {"id": str(world.owner_a101.id)}}
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_request_refused_before_it_ran_is_answered_in_the_accepted_type(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        malformed = await http.post(
            server.url, content=b'{"query": ', headers={"Content-Type": JSON, "Accept": GRAPHQL_RESPONSE}
        )
        mutation_over_get = await http.get(
            server.url, params={"query": "mutation { authLogout }"}, headers={"Accept": GRAPHQL_RESPONSE}
        )
    for response in (malformed, mutation_over_get):
        assert 400 <= response.status_code < 500
        assert _media_type(response) == GRAPHQL_RESPONSE
        assert "data" not in response.json()
        assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


@pytest.mark.parametrize("accept", ["text/plain", "application/xml", f"{JSON};q=0, {GRAPHQL_RESPONSE};q=0"])
async def test_a_client_accepting_neither_type_gets_406(server: RunningServer, accept: str) -> None:
    response = await _post(server, {"query": "{ __typename }"}, accept)
    assert (response.status_code, _media_type(response)) == (406, JSON)
    refusal = response.json()["errors"][0]
    assert refusal["extensions"]["code"] == "INVALID_INPUT"
    assert GRAPHQL_RESPONSE in refusal["message"] and refusal["extensions"]["requestId"]


async def test_a_browser_still_gets_graphiql(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        page = await http.get(server.url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
