"""Care tags are health data recorded by one community: moving a person of another community in
(by phone) shows none of that community's records, and takes none of its rights away."""

from __future__ import annotations

from datetime import date

from domain.people.models import CareRecord, CareTag
from tests.support import Api, World, code_and_field, data

MOVE_IN = "mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id } }"
PERSON_TAGS = "query P($id: ID!) { person(id: $id) { id tags } }"
UPDATE = "mutation U($input: PersonUpdateInput!) { personUpdate(input: $input) { id tags } }"
TAGGED = """
query T($c: ID!, $tag: CareTag!) { residents(communityId: $c, tag: $tag, first: 100) { nodes { person { id } } } }
"""


async def _move_b_resident_into_a(api: Api, world: World) -> None:
    move = {
        "houseId": str(world.a201.id),
        "phone": world.owner_b101.phone,
        "kind": "TENANT",
        "movedIn": str(date.today()),
    }
    data(await api(MOVE_IN, {"input": move}, as_=world.operator_a))


async def test_another_communitys_care_tags_stay_hidden_after_a_move_in_by_phone(api: Api, world: World) -> None:
    await CareRecord.create(person=world.owner_b101, community=world.b, tag=CareTag.ELDERLY_ALONE)
    await _move_b_resident_into_a(api, world)
    person = {"id": str(world.owner_b101.id)}
    # A is responsible for where they live now: it sees its own record of them (none yet), not B's.
    assert data(await api(PERSON_TAGS, person, as_=world.operator_a))["person"]["tags"] == []
    listed = data(await api(TAGGED, {"c": str(world.a.id), "tag": "ELDERLY_ALONE"}, as_=world.operator_a))
    assert str(world.owner_b101.id) not in [n["person"]["id"] for n in listed["residents"]["nodes"]]
    # B still sees, lists and changes its own record.
    assert data(await api(PERSON_TAGS, person, as_=world.operator_b))["person"]["tags"] == ["ELDERLY_ALONE"]
    listed = data(await api(TAGGED, {"c": str(world.b.id), "tag": "ELDERLY_ALONE"}, as_=world.operator_b))
    assert [n["person"]["id"] for n in listed["residents"]["nodes"]] == [str(world.owner_b101.id)]
    changed = await api(UPDATE, {"input": {**person, "tags": ["KEY_CARE"]}}, as_=world.operator_b)
    assert data(changed)["personUpdate"]["tags"] == ["KEY_CARE"]


async def test_each_community_keeps_its_own_record_of_a_person_living_in_both(api: Api, world: World) -> None:
    await CareRecord.create(person=world.owner_b101, community=world.b, tag=CareTag.KEY_CARE)
    await _move_b_resident_into_a(api, world)
    person = {"id": str(world.owner_b101.id)}
    assert data(await api(UPDATE, {"input": {**person, "tags": ["DISABLED"]}}, as_=world.operator_a))["personUpdate"][
        "tags"
    ] == ["DISABLED"]
    records = sorted((r.community_id, r.tag) for r in await CareRecord.filter(person_id=world.owner_b101.id))
    assert records == sorted([(world.a.id, CareTag.DISABLED), (world.b.id, CareTag.KEY_CARE)])
    # The person sees every community's record of themselves.
    assert data(await api(PERSON_TAGS, person, as_=world.owner_b101))["person"]["tags"] == ["DISABLED", "KEY_CARE"]


async def test_care_tags_are_recorded_only_by_staff_of_where_the_person_lives(api: Api, world: World) -> None:
    person = {"id": str(world.owner_b101.id)}
    refused = await api(UPDATE, {"input": {**person, "tags": ["CHILD"]}}, as_=world.operator_a)
    assert code_and_field(refused)[0] == "NOT_FOUND"  # not theirs to see at all
    await _move_b_resident_into_a(api, world)
    elsewhere = {**person, "tags": ["CHILD"], "communityId": str(world.b.id)}
    assert code_and_field(await api(UPDATE, {"input": elsewhere}, as_=world.operator_a)) == ("FORBIDDEN", "communityId")
    assert not await CareRecord.filter(person_id=world.owner_b101.id).exists()
