"""Malformed input is the client's mistake: a typed error naming it, never INTERNAL, and nothing written."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from typing import Any

from domain.people.models import Residency
from domain.space.models import Community, House
from tests.support import Api, World, error, token_for

PERSON_UPDATE = "mutation P($input: PersonUpdateInput!) { personUpdate(input: $input) { id } }"
COMMUNITY_UPDATE = "mutation C($input: CommunityUpdateInput!) { communityUpdate(input: $input) { id address } }"
RESIDENCY_UPDATE = "mutation R($input: ResidencyUpdateInput!) { residencyUpdate(input: $input) { id } }"
RESIDENCY_END = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id } }"
HOUSE_UPDATE = "mutation H($input: HouseUpdateInput!) { houseUpdate(input: $input) { id number } }"
RESIDENTS = "query R($after: String) { residents(first: 5, after: $after) { nodes { id } } }"
LOGIN = (
    "mutation L($phone: String!, $password: String!) { authLogin(phone: $phone, password: $password) { accessToken } }"
)


def _code(result: dict[str, Any]) -> str:
    return str(result["errors"][0].get("extensions", {}).get("code", "GRAPHQL"))


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


async def test_nan_area_is_invalid_input(api: Api, world: World) -> None:
    result = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "NaN"}}, as_=world.operator_a)
    assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", "areaM2")
    assert (await House.get(id=world.a101.id)).area_m2 is None


async def test_a_cursor_with_an_out_of_range_id_is_invalid_input(api: Api, world: World) -> None:
    for raw in (b"id:3000000000", b"id:99999999999999999999999", b"id:-1"):
        result = await api(RESIDENTS, {"after": base64.urlsafe_b64encode(raw).decode()}, as_=world.operator_a)
        assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", "after")


async def test_a_password_that_is_not_unicode_is_refused_cleanly(api: Api, world: World) -> None:
    body = json.dumps({"query": LOGIN, "variables": {"phone": world.owner_a101.phone, "password": "\ud800"}})
    response = await api.http.post(api.url, content=body, headers={"Content-Type": "application/json"})
    assert _code(response.json()) == "UNAUTHENTICATED"


async def test_moving_out_in_the_future_is_refused(api: Api, world: World) -> None:
    residency = await Residency.get(person_id=world.elder_a102.id)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = await api(RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": tomorrow}}, as_=world.operator_a)
    assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", "movedOut")


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
    assert _code(response.json()) == "UNAUTHENTICATED"


async def test_areas_are_rounded_to_centiares_before_checking(api: Api, world: World) -> None:
    tiny = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "1e-100000"}}, as_=world.operator_a)
    assert (error(tiny)["code"], error(tiny)["field"]) == ("INVALID_INPUT", "areaM2")
    almost = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "99999.999"}}, as_=world.operator_a)
    assert (error(almost)["code"], error(almost)["field"]) == ("INVALID_INPUT", "areaM2")
    await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "88.456"}}, as_=world.operator_a)
    assert str((await House.get(id=world.a101.id)).area_m2) == "88.46"
