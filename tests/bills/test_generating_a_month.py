"""billsGenerate: one bill per house from the stored meter readings (end − start, per meter), lines per
utility and the property fee, integer fen with one rounding per line; anomalies flagged, never a crash;
a second run, or concurrent twins, create nothing new; bad input writes nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.bills.models import Bill, BillLine
from realtime.models import OutboxEvent
from tests.bills.support import BILLS, GENERATE, around, generate, meter, previous_month, readings, tariff, with_area
from tests.conftest import RunningServer
from tests.support import Api, World, code_and_field, data, postgres_only


async def priced(api: Api, world: World) -> None:
    await tariff(api, world, "WATER", 350)  # 3.50 yuan per m³
    await tariff(api, world, "ELECTRICITY", 52)  # 0.52 yuan per kWh
    await tariff(api, world, "PROPERTY_FEE", 250)  # 2.50 yuan per m² a month


async def test_each_house_gets_one_bill_from_its_meters_and_its_area(
    api: Api, world: World, server: RunningServer
) -> None:
    month = previous_month()
    before, middle, end = around(month)
    await priced(api, world)
    await with_area(world.a101, "89.50")
    _, water = await meter(api, world, "WATER_METER", world.a101)
    _, power = await meter(api, world, "ELECTRICITY_METER", world.a101)
    await readings(server, water, (before, 100.0), (middle, 105.1), (end, 112.345))
    await readings(server, power, (before, 1000.0), (end, 1234.5))

    done = data(await generate(api, world, month))["billsGenerate"]
    assert done == {"period": month.label, "created": 3, "existing": 0, "anomalies": 2}  # a102, a201: no area

    mine = data(await api(BILLS, {"p": month.label}, as_=world.owner_a101))["bills"]
    assert mine["totalCount"] == 1
    [bill] = mine["nodes"]
    lines = {line["utility"]: line for line in bill["lines"]}
    # 12.345 m³ × 350 = 4320.75 → 4321; 234.5 kWh × 52 = 12194; 89.5 m² × 250 = 22375.
    assert {u: (line["quantity"], line["amountFen"]) for u, line in lines.items()} == {
        "WATER": ("12.345", 4321),
        "ELECTRICITY": ("234.500", 12194),
        "PROPERTY_FEE": ("89.500", 22375),
    }
    assert (lines["WATER"]["startReading"], lines["WATER"]["endReading"]) == (100.0, 112.345)
    assert bill["totalFen"] == 4321 + 12194 + 22375 == sum(line["amountFen"] for line in bill["lines"])
    assert (bill["totalYuan"], bill["anomalies"], bill["status"]) == ("388.90", 0, "ISSUED")
    assert bill["dueDate"] == (month.last_day + timedelta(days=15)).isoformat()  # BILL_DUE_DAYS


async def test_missing_or_decreasing_readings_are_flagged_lines_not_failures(
    api: Api, world: World, server: RunningServer
) -> None:
    month = previous_month()
    before, middle, end = around(month)
    await tariff(api, world, "WATER", 350)
    await tariff(api, world, "GAS", 280)
    await tariff(api, world, "PROPERTY_FEE", 250)
    await with_area(world.a101, "80")
    _, no_start = await meter(api, world, "WATER_METER", world.a101)
    _, going_down = await meter(api, world, "GAS_METER", world.a101)
    _, silent = await meter(api, world, "WATER_METER", world.a101)
    _, unpriced = await meter(api, world, "HEAT_METER", world.a101)
    await meter(api, world, "ELECTRICITY_METER", world.a101)  # never reported at all
    await readings(server, no_start, (middle, 10.0), (end, 12.0))
    await readings(server, going_down, (before, 500.0), (end, 20.0))  # replaced, or broken
    await readings(server, silent, (before, 7.0))
    await readings(server, unpriced, (before, 1.0), (end, 3.0))

    assert data(await generate(api, world, month))["billsGenerate"]["created"] == 3
    [bill] = data(await api(BILLS, {"h": str(world.a101.id)}, as_=world.operator_a))["bills"]["nodes"]
    flagged = sorted((line["utility"], line["anomaly"], line["amountFen"]) for line in bill["lines"])
    assert flagged == [
        ("ELECTRICITY", "MISSING_START_READING", 0),
        ("GAS", "DECREASING_READING", 0),
        ("HEAT", "NO_TARIFF", 0),
        ("PROPERTY_FEE", None, 20000),
        ("WATER", "MISSING_END_READING", 0),
        ("WATER", "MISSING_START_READING", 0),
    ]
    assert (bill["anomalies"], bill["totalFen"]) == (5, 20000)
    assert all(line["note"] for line in bill["lines"] if line["anomaly"])
    anomalous = data(await api(BILLS, {"c": str(world.a.id), "a": True}, as_=world.operator_a))["bills"]
    assert anomalous["totalCount"] == 3  # a102 and a201 have no floor area


async def test_the_tariff_in_force_on_the_first_day_of_the_month_applies(
    api: Api, world: World, server: RunningServer
) -> None:
    month = previous_month()
    before, _, end = around(month)
    await tariff(api, world, "WATER", 300, "2000-01-01")
    await tariff(api, world, "WATER", 350, month.first_day.isoformat())
    await tariff(api, world, "WATER", 999, month.first_day.replace(day=15).isoformat())  # from the next month on
    _, water = await meter(api, world, "WATER_METER", world.a101)
    await readings(server, water, (before, 0.0), (end, 2.0))
    data(await generate(api, world, month))
    [bill] = data(await api(BILLS, {"h": str(world.a101.id)}, as_=world.operator_a))["bills"]["nodes"]
    [water_line] = [line for line in bill["lines"] if line["utility"] == "WATER"]
    assert (water_line["unitPriceFen"], water_line["amountFen"]) == (350, 700)


async def test_generating_a_month_twice_creates_nothing_new(api: Api, world: World) -> None:
    month = previous_month()
    await tariff(api, world, "PROPERTY_FEE", 250)
    data(await generate(api, world, month))
    bills, lines = await Bill.all().count(), await BillLine.all().count()
    issued = await OutboxEvent.filter(kind="BILL_ISSUED").count()
    again = data(await generate(api, world, month))["billsGenerate"]
    assert (again["created"], again["existing"]) == (0, 3)
    assert (await Bill.all().count(), await BillLine.all().count()) == (bills, lines) == (3, 3)
    assert await OutboxEvent.filter(kind="BILL_ISSUED").count() == issued == 3


async def test_concurrent_twins_make_one_bill_per_house(api: Api, world: World, backend: str) -> None:
    postgres_only(backend)
    month = previous_month()
    await tariff(api, world, "PROPERTY_FEE", 250)
    results = await asyncio.gather(*(generate(api, world, month) for _ in range(8)))
    assert sum(data(r)["billsGenerate"]["created"] for r in results) == 3
    assert await Bill.filter(community_id=world.a.id).count() == 3
    assert await OutboxEvent.filter(kind="BILL_ISSUED").count() == 3


async def test_bad_input_and_strangers_write_nothing(api: Api, world: World) -> None:
    month = previous_month()
    this_month = month.following
    for period, expected in [
        ("2026-13", ("INVALID_INPUT", "period")),
        ("26-01", ("INVALID_INPUT", "period")),
        ("２０２６-01", ("INVALID_INPUT", "period")),
        ("1999-12", ("INVALID_INPUT", "period")),
        (this_month.label, ("INVALID_INPUT", "period")),  # not over yet
    ]:
        result = await api(GENERATE, {"c": str(world.a.id), "p": period}, as_=world.operator_a)
        assert code_and_field(result) == expected, period
    for stranger in (world.owner_a101, world.staff_a, world.keeper_g1, world.operator_b):
        assert code_and_field(await generate(api, world, month, as_=stranger))[0] == "FORBIDDEN"
    assert code_and_field(await api(BILLS, {}))[0] == "UNAUTHENTICATED"
    assert await Bill.all().count() == 0
    assert await OutboxEvent.filter(kind="BILL_ISSUED").count() == 0
