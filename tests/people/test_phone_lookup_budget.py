"""Finding people by phone tells nothing it should not, and has an hourly budget per staff member."""

from __future__ import annotations

from domain.people.models import Residency
from domain.people.phone_budget import LIMIT, PHONE_LOOKUPS
from tests.support import Api, World, data, error

RESIDENCY_CREATE = "mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id } }"
PERSON_CREATE = "mutation P($input: PersonCreateInput!) { personCreate(input: $input) { id } }"


async def test_a_refused_house_does_not_tell_whether_a_phone_is_registered(api: Api, world: World) -> None:
    for phone in (world.owner_b101.phone, "13800139999"):
        probe = {
            "communityId": str(world.a.id),
            "name": "Probe",
            "phone": phone,
            "residency": {"houseId": str(world.b101.id), "kind": "OWNER", "movedIn": "2020-01-01"},
        }
        result = await api(PERSON_CREATE, {"input": probe}, as_=world.staff_a)
        assert (error(result)["code"], error(result)["field"]) == ("NOT_FOUND", "houseId")


async def test_finding_people_by_phone_has_an_hourly_budget_per_staff_member(api: Api, world: World) -> None:
    """Each try counts, found or not: a sweep of phone numbers stops at the budget."""
    probe = {"input": {"houseId": str(world.a201.id), "kind": "TENANT", "movedIn": "2026-01-01"}}
    for n in range(LIMIT):
        result = await api(
            RESIDENCY_CREATE, {"input": {**probe["input"], "phone": f"1390000{n:04d}"}}, as_=world.operator_a
        )
        assert error(result)["code"] == "NOT_FOUND"

    over = await api(
        RESIDENCY_CREATE, {"input": {**probe["input"], "phone": world.owner_b101.phone}}, as_=world.operator_a
    )
    other_staff = await api(
        RESIDENCY_CREATE, {"input": {**probe["input"], "phone": world.owner_b101.phone}}, as_=world.staff_a
    )

    assert (error(over)["code"], error(over)["field"]) == ("RATE_LIMITED", "phone")
    assert "id" in data(other_staff)["residencyCreate"]  # another staff member has their own budget
    assert await Residency.filter(person_id=world.owner_b101.id, house_id=world.a201.id).count() == 1
    assert await PHONE_LOOKUPS.used(str(world.operator_a.id)) == LIMIT  # the refused try spent nothing
