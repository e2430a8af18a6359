"""Updating a person: tags are replaced, phones stay unique, residents may rename themselves only; text
nobody could type is refused."""

from __future__ import annotations

import json
from typing import Any

from tests.support import Api, World, data, error, token_for

PERSON_UPDATE = "mutation P($input: PersonUpdateInput!) { personUpdate(input: $input) { id name phone tags } }"


def _code(result: dict[str, Any]) -> str:
    return str(result["errors"][0].get("extensions", {}).get("code", "GRAPHQL"))


async def test_person_update_replaces_tags_and_refuses_a_taken_phone(api: Api, world: World) -> None:
    updated = data(
        await api(
            PERSON_UPDATE,
            {"input": {"id": str(world.elder_a102.id), "tags": ["DISABLED", "KEY_CARE"]}},
            as_=world.operator_a,
        )
    )["personUpdate"]
    assert sorted(updated["tags"]) == ["DISABLED", "KEY_CARE"]
    taken = await api(
        PERSON_UPDATE,
        {"input": {"id": str(world.elder_a102.id), "phone": world.owner_a101.phone}},
        as_=world.operator_a,
    )
    assert (error(taken)["code"], error(taken)["field"]) == ("CONFLICT", "phone")


async def test_a_resident_may_rename_themselves_but_not_change_tags(api: Api, world: World) -> None:
    me = world.owner_a101
    renamed = data(await api(PERSON_UPDATE, {"input": {"id": str(me.id), "name": "Renamed"}}, as_=me))["personUpdate"]
    assert renamed["name"] == "Renamed"
    tags = await api(PERSON_UPDATE, {"input": {"id": str(me.id), "tags": ["KEY_CARE"]}}, as_=me)
    assert error(tags)["code"] == "FORBIDDEN"


async def test_text_nobody_could_type_is_invalid_input(api: Api, world: World, backend: str) -> None:
    token = await token_for(api.issuer, world.owner_a101)
    rename = "mutation P($input: PersonUpdateInput!) { personUpdate(input: $input) { id } }"
    for bad in ("A\ud800", "A\x00B", "tab\there"):
        body = json.dumps({"query": rename, "variables": {"input": {"id": str(world.owner_a101.id), "name": bad}}})
        response = await api.http.post(
            api.url, content=body, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        )
        assert (_code(response.json()), response.json()["errors"][0]["extensions"]["field"]) == (
            "INVALID_INPUT",
            "name",
        )
    refresh = json.dumps(
        {
            "query": "mutation R($t: String!) { authRefresh(refreshToken: $t) { accessToken } }",
            "variables": {"t": "\ud800"},
        }
    )
    response = await api.http.post(api.url, content=refresh, headers={"Content-Type": "application/json"})
    assert (_code(response.json()), response.json()["errors"][0]["extensions"]["field"]) == (
        "INVALID_INPUT",
        "refreshToken",
    )
