"""Operators register their community's shops and grant their staff; nobody else does, and a
refused or bad request writes nothing."""

from __future__ import annotations

from domain.shops.models import Shop, ShopStaff
from tests.shops.support import SHOP_CREATE, STAFF_GRANT, make_shop
from tests.support import Api, World, code_and_field, data, make_person


def shop_input(world: World, **extra: object) -> dict[str, object]:
    return {"input": {"communityId": str(world.a.id), "name": "Corner Shop", "hours": "08:00-22:00", **extra}}


async def test_an_operator_registers_a_shop_delivering_to_some_buildings(api: Api, world: World) -> None:
    made = data(await api(SHOP_CREATE, shop_input(world, deliveryBuildingIds=[str(world.a1.id)]), as_=world.operator_a))
    assert made["shopCreate"]["deliveryBuildingIds"] == [str(world.a1.id)]
    assert made["shopCreate"]["open"] is True


async def test_nobody_else_registers_shops(api: Api, world: World) -> None:
    for person in (world.operator_b, world.staff_a, world.owner_a101, world.merchant_a):
        refused = await api(SHOP_CREATE, shop_input(world), as_=person)
        assert code_and_field(refused)[0] in ("FORBIDDEN", "NOT_FOUND"), person.name
    assert await Shop.all().count() == 0


async def test_a_building_of_another_community_is_refused(api: Api, world: World) -> None:
    refused = await api(SHOP_CREATE, shop_input(world, deliveryBuildingIds=[str(world.b1.id)]), as_=world.operator_a)
    assert code_and_field(refused) == ("INVALID_INPUT", "deliveryBuildingIds")
    assert await Shop.all().count() == 0


async def test_two_shops_of_one_name_in_a_community_conflict(api: Api, world: World) -> None:
    await make_shop(world.a, name="Corner Shop")
    assert code_and_field(await api(SHOP_CREATE, shop_input(world), as_=world.operator_a)) == ("CONFLICT", "name")


async def test_a_person_serves_several_shops_and_the_grant_is_the_operators(api: Api, world: World) -> None:
    one, two = await make_shop(world.a, name="One"), await make_shop(world.a, name="Two")
    person = await make_person(name="Busy")
    for shop in (one, two):
        grant = {"input": {"shopId": str(shop.id), "role": "MERCHANT", "phone": person.phone}}
        assert data(await api(STAFF_GRANT, grant, as_=world.operator_a))["shopStaffGrant"]["role"] == "MERCHANT"
    again = {"input": {"shopId": str(one.id), "role": "MERCHANT", "phone": person.phone}}
    assert code_and_field(await api(STAFF_GRANT, again, as_=world.operator_a)) == ("CONFLICT", "role")
    foreign = {"input": {"shopId": str(one.id), "role": "COURIER", "phone": person.phone}}
    assert code_and_field(await api(STAFF_GRANT, foreign, as_=world.operator_b))[0] == "NOT_FOUND"
    assert await ShopStaff.filter(person_id=person.id).count() == 2


async def test_only_shop_roles_are_granted_per_shop_and_courier_only_per_shop(api: Api, world: World) -> None:
    shop = await make_shop(world.a)
    person = await make_person()
    wrong = {"input": {"shopId": str(shop.id), "role": "OPERATOR", "personId": str(world.staff_a.id)}}
    assert code_and_field(await api(STAFF_GRANT, wrong, as_=world.operator_a)) == ("INVALID_INPUT", "role")
    grant = "mutation G($i: MembershipGrantInput!) { membershipGrant(input: $i) { id } }"
    courier = {"i": {"phone": person.phone, "role": "COURIER", "communityId": str(world.a.id)}}
    assert code_and_field(await api(grant, courier, as_=world.operator_a)) == ("INVALID_INPUT", "role")
