"""Malformed input is the client's mistake: a typed error naming it, never INTERNAL, and nothing written."""

from __future__ import annotations

from typing import Any

from domain.people.models import Residency
from domain.space.models import Community
from tests.support import Api, World, data, error

PERSON_UPDATE = "mutation P($input: PersonUpdateInput!) { personUpdate(input: $input) { id } }"
COMMUNITY_UPDATE = "mutation C($input: CommunityUpdateInput!) { communityUpdate(input: $input) { id address } }"
RESIDENCY_UPDATE = "mutation R($input: ResidencyUpdateInput!) { residencyUpdate(input: $input) { id } }"
RESIDENCY_END = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id } }"
HOUSE_UPDATE = "mutation H($input: HouseUpdateInput!) { houseUpdate(input: $input) { id number } }"


def _code(result: dict[str, Any]) -> str:
    return str(result["errors"][0].get("extensions", {}).get("code", "GRAPHQL"))


async def test_typed_error_over_http_carries_code_and_field(api: Api, world: World) -> None:
    result = await api("query H($id: ID!) { house(id: $id) { id } }", {"id": "abc"}, as_=world.operator_a)
    assert {k: v for k, v in error(result).items() if k != "message"} == {"code": "INVALID_INPUT", "field": "id"}
    assert data(await api("{ __typename }")) == {"__typename": "Query"}


async def test_null_for_a_required_field_is_invalid_input_on_that_field(api: Api, world: World) -> None:
    op = world.operator_a
    residency = await Residency.get(person_id=world.elder_a102.id)
    cases = [
        (PERSON_UPDATE, {"id": str(world.owner_a101.id), "name": None}, "name"),
        (PERSON_UPDATE, {"id": str(world.owner_a101.id), "phone": None}, "phone"),
        (HOUSE_UPDATE, {"id": str(world.a101.id), "number": None}, "number"),
        (RESIDENCY_UPDATE, {"id": str(residency.id), "kind": None}, "kind"),
        (RESIDENCY_UPDATE, {"id": str(residency.id), "movedIn": None}, "movedIn"),
        (COMMUNITY_UPDATE, {"id": str(world.a.id), "name": None}, "name"),
        (COMMUNITY_UPDATE, {"id": str(world.a.id), "address": None}, "address"),
        (COMMUNITY_UPDATE, {"id": str(world.a.id), "address": "x" * 256}, "address"),
    ]
    for document, payload, field in cases:
        result = await api(document, {"input": payload}, as_=op)
        assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", field), payload
    assert (await Community.get(id=world.a.id)).address == ""


async def test_bad_variable_values_are_described_not_masked(api: Api, world: World) -> None:
    op = world.operator_a
    residency = await Residency.get(person_id=world.elder_a102.id)
    results = [
        await api(RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2025-13-45"}}, as_=op),
        await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "abc"}}, as_=op),
        await api("query Q($t: CareTag) { residents(tag: $t) { totalCount } }", {"t": "BOGUS"}, as_=op),
        await api("query Q($id: ID!) { house(id: $id) { id } }", {}, as_=op),
    ]
    for result in results:
        assert _code(result) != "INTERNAL", result
        assert "Variable" in result["errors"][0]["message"]
    assert (await Residency.get(id=residency.id)).moved_out is None
