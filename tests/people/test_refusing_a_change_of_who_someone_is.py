"""A change to who a person is (phone, ID number, tags), or to someone else's name, by a caller
who does not manage the person is refused with the sentence clients show, unchanged by the
refactor of #8: "Changing this person needs OPERATOR or PROPERTY_STAFF in every community they
live or work in (OPERATOR for staff)". At bed2714 it read "... every community the person lives
or works in ..."; fixed in 307cfad; these tests pin it."""

from __future__ import annotations

from tests.support import Api, World, error

UPDATE = "mutation U($input: PersonUpdateInput!) { personUpdate(input: $input) { id } }"
REFUSED = {
    "code": "FORBIDDEN",
    "message": "Changing this person needs OPERATOR or PROPERTY_STAFF in every community they live or work in "
    "(OPERATOR for staff)",
}


async def test_a_housekeeper_renaming_a_resident_is_told_who_may(api: Api, world: World) -> None:
    refused = await api(UPDATE, {"input": {"id": str(world.owner_a101.id), "name": "X"}}, as_=world.keeper_g1)
    assert error(refused) == REFUSED


async def test_a_resident_changing_their_own_phone_is_told_who_may(api: Api, world: World) -> None:
    me = world.owner_a101
    refused = await api(UPDATE, {"input": {"id": str(me.id), "phone": "13912345678"}}, as_=me)
    assert error(refused) == REFUSED
