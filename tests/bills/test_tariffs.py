"""tariffSet and tariffs: operators set a price from a day on, earlier prices stay as history; the
community's people read them; bad input is a typed error and writes nothing."""

from __future__ import annotations

from domain.bills.models import Tariff
from tests.bills.support import SET_TARIFF
from tests.support import Api, World, code_and_field, data

TARIFFS = """
query T($c: ID!, $u: Utility, $on: Date) { tariffs(communityId: $c, utility: $u, on: $on) { utility priceFen effectiveFrom } }
"""


def tariff_input(world: World, **overrides: object) -> dict[str, object]:
    return {
        "communityId": str(world.a.id),
        "utility": "WATER",
        "priceFen": 350,
        "effectiveFrom": "2026-01-01",
        **overrides,
    }


async def test_a_new_price_keeps_the_old_ones_as_history(api: Api, world: World) -> None:
    for price, day in ((300, "2025-01-01"), (350, "2026-01-01"), (360, "2026-01-01")):  # the last corrects the second
        data(
            await api(
                SET_TARIFF, {"input": tariff_input(world, priceFen=price, effectiveFrom=day)}, as_=world.operator_a
            )
        )
    history = data(await api(TARIFFS, {"c": str(world.a.id)}, as_=world.owner_a101))["tariffs"]
    assert [(t["priceFen"], t["effectiveFrom"]) for t in history] == [(300, "2025-01-01"), (360, "2026-01-01")]
    on = data(await api(TARIFFS, {"c": str(world.a.id), "on": "2025-12-31"}, as_=world.operator_a))["tariffs"]
    assert [t["priceFen"] for t in on] == [300]


async def test_only_the_communitys_operators_set_prices_and_only_its_people_read_them(api: Api, world: World) -> None:
    for stranger in (world.owner_a101, world.staff_a, world.keeper_g1, world.operator_b):
        result = await api(SET_TARIFF, {"input": tariff_input(world)}, as_=stranger)
        assert code_and_field(result)[0] == "FORBIDDEN"
    data(await api(SET_TARIFF, {"input": tariff_input(world)}, as_=world.operator_a))
    assert data(await api(TARIFFS, {"c": str(world.a.id)}, as_=world.owner_b101))["tariffs"] == []
    assert data(await api(TARIFFS, {"c": str(world.a.id)}, as_=world.operator_b))["tariffs"] == []
    assert len(data(await api(TARIFFS, {"c": str(world.a.id)}, as_=world.elder_a102))["tariffs"]) == 1


async def test_bad_prices_and_days_are_typed_errors_that_write_nothing(api: Api, world: World) -> None:
    for bad, field in (
        ({"priceFen": -1}, "priceFen"),
        ({"priceFen": 1_000_001}, "priceFen"),
        ({"effectiveFrom": "1999-12-31"}, "effectiveFrom"),
        ({"communityId": "x"}, "communityId"),
    ):
        result = await api(SET_TARIFF, {"input": tariff_input(world, **bad)}, as_=world.operator_a)
        assert code_and_field(result) == ("INVALID_INPUT", field), bad
    result = await api(SET_TARIFF, {"input": tariff_input(world, utility="PETROL")}, as_=world.operator_a)
    assert code_and_field(result)[0] in ("GRAPHQL", "INVALID_INPUT")
    assert await Tariff.all().count() == 0
