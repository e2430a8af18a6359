"""Some characters are letters or symbols by their Unicode category and still show nothing: the
Hangul fillers, the braille blank, the combining grapheme joiner. A name of only those is as
invisible as one of zero-width spaces, and must be refused the same way."""

from __future__ import annotations

import pytest

from domain.people.models import Person
from tests.support import Api, World, code_and_field

UPDATE = "mutation U($input: PersonUpdateInput!) { personUpdate(input: $input) { id name } }"
BUILDING = "mutation B($input: BuildingCreateInput!) { buildingCreate(input: $input) { id } }"

BLANK = [
    pytest.param("\u3164\u3164", id="hangul-filler"),
    pytest.param("\uffa0", id="halfwidth-hangul-filler"),
    pytest.param("\u2800\u2800", id="braille-blank"),
    pytest.param("\u034f", id="combining-grapheme-joiner"),
    pytest.param("\u115f\u1160", id="hangul-jamo-fillers"),
]


@pytest.mark.parametrize("name", BLANK)
async def test_a_name_of_blank_letters_is_refused(api: Api, world: World, name: str) -> None:
    result = await api(UPDATE, {"input": {"id": str(world.owner_a101.id), "name": name}}, as_=world.owner_a101)
    assert code_and_field(result) == ("INVALID_INPUT", "name"), result
    assert (await Person.get(id=world.owner_a101.id)).name == "Owner A101"


@pytest.mark.parametrize("name", BLANK)
async def test_a_building_of_blank_letters_is_refused(api: Api, world: World, name: str) -> None:
    result = await api(BUILDING, {"input": {"communityId": str(world.a.id), "name": name}}, as_=world.operator_a)
    assert code_and_field(result) == ("INVALID_INPUT", "name"), result
