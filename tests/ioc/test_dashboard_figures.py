"""The dashboard's figures, each panel one aggregate query, for the community's office only."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import RunningServer
from tests.ioc.support import DASHBOARD, scene
from tests.parking.support import make_car_park, sense
from tests.support import Api, World, code_and_field, data


def tallies(rows: list[dict[str, Any]]) -> dict[str | None, int]:
    return {row["key"]: row["count"] for row in rows}


async def test_every_panel_counts_the_community_and_nothing_else(api: Api, world: World) -> None:
    await scene(world)
    board = data(await api(DASHBOARD, {"c": str(world.a.id)}, as_=world.operator_a))["dashboard"]
    people = board["people"]
    assert (people["residents"], people["houses"], people["occupiedHouses"]) == (3, 3, 2)
    assert [(b["label"], b["count"]) for b in people["byBuilding"]] == [("A1", 3), ("A2", 0)]
    assert tallies(people["byCareTag"]) == {"CHILD": 1, "ELDERLY_ALONE": 1}
    devices = board["devices"]
    assert (devices["online"], devices["offline"]) == (3, 1)
    assert {d["type"]: (d["online"], d["offline"]) for d in devices["byType"]} == {
        "CAMERA": (1, 0),
        "SMOKE_DETECTOR": (1, 1),
        "ELECTRICITY_METER": (1, 0),
    }
    alarms = board["alarms"]
    assert (alarms["active"], alarms["unacknowledged"]) == (2, 1)
    assert tallies(alarms["bySeverity"]) == {"CRITICAL": 1, "MAJOR": 1}
    assert tallies(alarms["byType"]) == {"SMOKE": 1, "GAS": 1}
    events = board["events"]
    assert (events["open"], events["overdue"]) == (3, 1)
    assert tallies(events["byStatus"]) == {"REPORTED": 1, "ASSIGNED": 1, "IN_PROGRESS": 1, "CLOSED": 1}
    assert tallies(events["byCategory"]) == {"REPAIR": 2, "NOISE": 1}
    assert {(g["key"], g["label"], g["count"]) for g in events["byGrid"]} == {
        (str(world.g1.id), "g1", 2),
        (str(world.g2.id), "g2", 1),
    }
    assert board["energy"] == [
        {
            "utility": "ELECTRICITY",
            "meters": 1,
            "thisMonth": 30.0,
            "lastMonth": 100.0,
            "thisMonthFen": 1500,
            "lastMonthFen": 5000,
        },
        {
            "utility": "WATER",
            "meters": 0,
            "thisMonth": 0.0,
            "lastMonth": 0.0,
            "thisMonthFen": None,
            "lastMonthFen": None,
        },
    ]
    assert board["points"]["issued"] == 15
    assert tallies(board["points"]["byKind"]) == {"GREEN": 10, "VOLUNTEER": 5}
    orders = board["ordersToday"]
    assert (orders["placed"], orders["revenueFen"]) == (2, 3000)
    assert tallies(orders["byStatus"]) == {"PLACED": 1, "ACCEPTED": 1}


async def test_community_b_sees_only_its_own(api: Api, world: World) -> None:
    await scene(world)
    board = data(await api(DASHBOARD, {"c": str(world.b.id)}, as_=world.operator_b))["dashboard"]
    assert board["people"]["residents"] == 1
    assert (board["devices"]["online"], board["devices"]["offline"]) == (1, 1)
    assert board["alarms"]["active"] == 1 and tallies(board["alarms"]["byType"]) == {"SOS": 1}
    assert board["events"]["open"] == 1
    assert board["energy"][0]["lastMonth"] == 999.0 and board["energy"][0]["lastMonthFen"] is None
    assert board["points"]["issued"] == 100
    assert board["ordersToday"]["revenueFen"] == 5000


async def test_only_the_communitys_office_reads_it(api: Api, world: World) -> None:
    for person in (world.staff_a, world.admin):
        assert data(await api(DASHBOARD, {"c": str(world.a.id)}, as_=person))["dashboard"]["communityId"] == str(
            world.a.id
        )
    for person in (world.operator_b, world.owner_a101, world.keeper_g1, world.merchant_a):
        result = await api(DASHBOARD, {"c": str(world.a.id)}, as_=person)
        assert code_and_field(result)[0] == "FORBIDDEN", person.name
        assert result["data"] is None
    anonymous = await api(DASHBOARD, {"c": str(world.a.id)})
    assert code_and_field(anonymous)[0] == "UNAUTHENTICATED"


async def test_the_parking_panel_counts_each_car_park_of_the_community(
    api: Api, world: World, server: RunningServer
) -> None:
    park = await make_car_park(api, world, sensed=3, unsensed=2)
    async with httpx.AsyncClient() as http:
        await sense(http, server, park.sensors[0], 1)
        await sense(http, server, park.sensors[1], 1)
    board = data(await api(DASHBOARD, {"c": str(world.a.id)}, as_=world.operator_a))["dashboard"]
    assert [(lot["lotId"], lot["total"], lot["occupied"], lot["free"]) for lot in board["parking"]] == [
        (park.lot_id, 5, 2, 3)
    ]
    other = data(await api(DASHBOARD, {"c": str(world.b.id)}, as_=world.operator_b))["dashboard"]
    assert other["parking"] == []
