"""Names (and every free text) must show what they say: nothing only invisible, no direction tricks."""

from __future__ import annotations

import pytest

from domain.people.models import Person
from tests.support import Api, World, code_and_field

UPDATE = "mutation U($input: PersonUpdateInput!) { personUpdate(input: $input) { id name } }"
REPORT = "mutation R($input: EventReportInput!) { eventReport(input: $input) { id } }"
BUILDING = "mutation B($input: BuildingCreateInput!) { buildingCreate(input: $input) { id } }"

UNREADABLE = [
    pytest.param("\u200b\u200b\u200b", id="zero-width-spaces"),
    pytest.param("\u200d\ufeff\u2060", id="joiners-and-bom"),
    pytest.param("Zhang\u202egnahZ", id="right-to-left-override"),
    pytest.param("\u2067Admin\u2069", id="isolate"),
]


@pytest.mark.parametrize("name", UNREADABLE)
async def test_a_name_that_is_invisible_or_reorders_text_is_refused(api: Api, world: World, name: str) -> None:
    result = await api(UPDATE, {"input": {"id": str(world.owner_a101.id), "name": name}}, as_=world.owner_a101)
    assert code_and_field(result) == ("INVALID_INPUT", "name")
    assert (await Person.get(id=world.owner_a101.id)).name == "Owner A101"


@pytest.mark.parametrize("text", UNREADABLE)
async def test_every_free_text_refuses_the_same(api: Api, world: World, text: str) -> None:
    building = await api(BUILDING, {"input": {"communityId": str(world.a.id), "name": text}}, as_=world.operator_a)
    assert code_and_field(building) == ("INVALID_INPUT", "name")
    report = {"communityId": str(world.a.id), "category": "REPAIR", "description": f"leak {text}"}
    if "\u202e" in text or "\u2067" in text:
        assert code_and_field(await api(REPORT, {"input": report}, as_=world.owner_a101)) == (
            "INVALID_INPUT",
            "description",
        )


async def test_names_in_any_script_with_marks_and_emoji_are_kept(api: Api, world: World) -> None:
    for name in ("王芳", "José Núñez", "محمد", "👩‍👧 Family"):
        result = await api(UPDATE, {"input": {"id": str(world.owner_a101.id), "name": name}}, as_=world.owner_a101)
        assert result["data"]["personUpdate"]["name"] == name
