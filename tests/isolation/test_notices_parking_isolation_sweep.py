"""The isolation sweep of notices and parking: every root field of theirs, generated from the
schema, has a probe here (a new field without one fails `test_every_field_is_probed`).

The victim is house a102 of community A: a notice sent to it alone, its parking space, its car,
its visitor's pass, and a gate record of lot P1. The probers: a resident of another house (a101),
the housekeeper of another grid (g1), and everyone of community B; for setting car parks up,
everyone of A but its operators. A read must be refused (NOT_FOUND / FORBIDDEN, data null) or leave
the victim out; a mutation must be refused and write nothing; a subscription must be refused or
never carry the victim's messages (proved by a marker of the subscriber's own, published after)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from gql import GraphQLRequest, gql
from tortoise.models import Model

from domain.notices.models import Notice, NoticeHousehold
from domain.parking.models import Car, GateRecord, ParkingLot, ParkingPass, ParkingSpace
from domain.people.models import Person
from tests.conftest import RunningServer
from tests.isolation.sweep import Probe, assert_holds, refusal, root_fields, until_marker
from tests.notices.support import MY_NOTICES, send
from tests.parking.support import CAR, GATE, PASS, SPACE, UPDATES, CarPark, make_car_park
from tests.realtime.support import socket, take
from tests.support import Api, World, data

NOUNS = {"notices", "parking"}
REFUSED = frozenset({"NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"})


@dataclass
class Scene:
    w: World
    park: CarPark
    notice: str  # to a102 alone
    space: str  # a102's
    car: str  # a102's
    parking_pass: str  # a102's
    record: str  # a102's car through P1's gate


async def make_scene(api: Api, world: World) -> Scene:
    notice = await send(api, world, "HOUSE", [world.a102])
    park = await make_car_park(api, world, sensed=0, unsensed=1)
    space = {"lotId": park.lot_id, "code": "A102", "kind": "OWNED", "houseId": str(world.a102.id)}
    made_space = data(await api(SPACE, {"input": space}, as_=world.operator_a))["parkingSpaceCreate"]
    car = data(await api(CAR, {"h": str(world.a102.id), "plate": "浙A10200"}, as_=world.elder_a102))["carRegister"]
    now = datetime.now(UTC)
    window = {
        "houseId": str(world.a102.id),
        "plate": "浙B10200",
        "validFrom": now.isoformat(),
        "validUntil": (now + timedelta(hours=3)).isoformat(),
    }
    issued = data(await api(PASS, {"input": window}, as_=world.elder_a102))["parkingPassIssue"]
    record = data(await api(GATE, {"key": park.gate_key, "plate": "浙A10200", "direction": "IN"}))
    return Scene(
        w=world,
        park=park,
        notice=notice["id"],
        space=made_space["id"],
        car=car["id"],
        parking_pass=issued["id"],
        record=record["parkingGateRecord"]["id"],
    )


def neighbours(s: Scene) -> list[Person]:
    return [s.w.owner_a101, s.w.keeper_g1, *outsiders(s)]


def outsiders(s: Scene) -> list[Person]:
    return [s.w.owner_b101, s.w.operator_b]


def not_its_operators(s: Scene) -> list[Person]:
    return [s.w.owner_a101, s.w.staff_a, s.w.keeper_g1, s.w.merchant_a, s.w.operator_b]


def _community(s: Scene, _: Person) -> dict[str, Any]:
    return {"c": str(s.w.a.id)}


def _lot(s: Scene, _: Person) -> dict[str, Any]:
    return {"lot": s.park.lot_id}


PROBES: dict[str, Probe[Scene]] = {
    # --- notices ---
    "notices": Probe(
        "query Q { notices { nodes { id } } }", lambda s, _: {}, neighbours, victims=lambda s, _: {s.notice}
    ),
    "notice": Probe("query Q($id: ID!) { notice(id: $id) { id body } }", lambda s, _: {"id": s.notice}, neighbours),
    "noticeSend": Probe(
        "mutation M($input: NoticeSendInput!) { noticeSend(input: $input) { id } }",
        lambda s, _: {
            "input": {
                "communityId": str(s.w.a.id),
                "title": "Intruder",
                "body": "x",
                "targetKind": "HOUSE",
                "targetIds": [str(s.w.a102.id)],
            }
        },
        lambda s: [*neighbours(s), s.w.merchant_a],
    ),
    "noticeRead": Probe(
        "mutation M($id: ID!) { noticeRead(id: $id) { id } }", lambda s, _: {"id": s.notice}, neighbours
    ),
    # --- parking ---
    "parkingLots": Probe("query Q($c: ID!) { parkingLots(communityId: $c) { id } }", _community, outsiders),
    "parkingAvailability": Probe(
        "query Q($c: ID!) { parkingAvailability(communityId: $c) { lotId free } }", _community, outsiders
    ),
    "parkingSpaces": Probe(
        "query Q($lot: ID) { parkingSpaces(lotId: $lot) { nodes { id houseId } } }",
        _lot,
        neighbours,
        victims=lambda s, _: {s.space},
    ),
    "cars": Probe("query Q { cars { nodes { id plate } } }", lambda s, _: {}, neighbours, victims=lambda s, _: {s.car}),
    "parkingPasses": Probe(
        "query Q { parkingPasses { nodes { id plate } } }",
        lambda s, _: {},
        neighbours,
        victims=lambda s, _: {s.parking_pass},
    ),
    "gateRecords": Probe(
        "query Q($lot: ID!) { gateRecords(lotId: $lot) { nodes { id plate } } }",
        _lot,
        neighbours,
        victims=lambda s, _: {s.record},
    ),
    "parkingLotCreate": Probe(
        "mutation M($input: ParkingLotCreateInput!) { parkingLotCreate(input: $input) { id } }",
        lambda s, _: {"input": {"communityId": str(s.w.a.id), "name": "Intruder lot", "kind": "PUBLIC"}},
        not_its_operators,
    ),
    "parkingSpaceCreate": Probe(
        "mutation M($input: ParkingSpaceCreateInput!) { parkingSpaceCreate(input: $input) { id } }",
        lambda s, _: {"input": {"lotId": s.park.lot_id, "code": "INTRUDER", "kind": "VISITOR"}},
        not_its_operators,
    ),
    "carRegister": Probe(
        'mutation M($h: ID!) { carRegister(houseId: $h, plate: "浙A99999") { id } }',
        lambda s, _: {"h": str(s.w.a102.id)},
        lambda s: [*neighbours(s), s.w.merchant_a],
    ),
    "carRemove": Probe("mutation M($id: ID!) { carRemove(id: $id) { id } }", lambda s, _: {"id": s.car}, neighbours),
    "parkingPassIssue": Probe(
        "mutation M($input: ParkingPassIssueInput!) { parkingPassIssue(input: $input) { id } }",
        lambda s, _: {
            "input": {
                "houseId": str(s.w.a102.id),
                "plate": "浙C12345",
                "validFrom": datetime.now(UTC).isoformat(),
                "validUntil": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            }
        },
        lambda s: [*neighbours(s), s.w.staff_a, s.w.operator_a],
    ),
    "parkingPassCancel": Probe(
        "mutation M($id: ID!) { parkingPassCancel(id: $id) { id } }", lambda s, _: {"id": s.parking_pass}, neighbours
    ),
    # A person is no gate: without its key nothing is recorded.
    "parkingGateRecord": Probe(
        'mutation M { parkingGateRecord(deviceKey: "dk_not-a-gate-key", plate: "浙A10200", direction: IN) { id } }',
        lambda s, _: {},
        neighbours,
    ),
}

SUBSCRIPTIONS = {"myNotices", "parkingAvailabilityUpdates"}


def test_every_field_is_probed() -> None:
    assert root_fields(NOUNS) == set(PROBES) | SUBSCRIPTIONS


TABLES: tuple[type[Model], ...] = (Notice, NoticeHousehold, ParkingLot, ParkingSpace, Car, ParkingPass, GateRecord)


@pytest.fixture
async def scene(api: Api, world: World) -> Scene:
    return await make_scene(api, world)


@pytest.mark.parametrize("name", sorted(PROBES))
async def test_no_one_reaches_what_is_not_theirs(api: Api, scene: Scene, name: str) -> None:
    await assert_holds(api, scene, PROBES[name], TABLES, REFUSED)


async def test_my_notices_carry_only_the_households(api: Api, scene: Scene, server: RunningServer) -> None:
    s = scene
    marker = await send(api, s.w, "HOUSE", [s.w.a101])  # after a102's
    got = await until_marker(server, s.w.owner_a101, gql(MY_NOTICES), {}, marker["id"])
    assert s.notice not in {m["notice"]["id"] for m in got}
    assert await refusal(server, s.w.owner_b101, gql(MY_NOTICES), {"c": str(s.w.a.id)}) == "FORBIDDEN"
    assert await refusal(server, s.w.operator_b, gql(MY_NOTICES), {"c": str(s.w.a.id)}) == "FORBIDDEN"


async def test_lot_counts_stay_in_their_community(api: Api, scene: Scene, server: RunningServer) -> None:
    s = scene
    for person in outsiders(s):
        assert await refusal(server, person, gql(UPDATES), {"c": str(s.w.a.id)}) == "FORBIDDEN", person.name
    # B's own lot: a car of A's registered plate at B's gate is nobody B knows.
    gate_b = data(
        await api(
            "mutation R($input: DeviceRegisterInput!) { deviceRegister(input: $input) { key device { id } } }",
            {"input": {"communityId": str(s.w.b.id), "type": "VEHICLE_GATE", "name": "gate B"}},
            as_=s.w.operator_b,
        )
    )["deviceRegister"]
    lot_b = {"communityId": str(s.w.b.id), "name": "PB", "kind": "COMMUNITY", "gateDeviceId": gate_b["device"]["id"]}
    made = data(
        await api(
            "mutation L($input: ParkingLotCreateInput!) { parkingLotCreate(input: $input) { id } }",
            {"input": lot_b},
            as_=s.w.operator_b,
        )
    )["parkingLotCreate"]
    data(await api(SPACE, {"input": {"lotId": made["id"], "code": "PB-1", "kind": "VISITOR"}}, as_=s.w.operator_b))
    entry = data(await api(GATE, {"key": gate_b["key"], "plate": "浙A10200", "direction": "IN"}))["parkingGateRecord"]
    assert (entry["allowed"], entry["reason"]) == (False, "NOT_ALLOWED")
    data(await api(CAR, {"h": str(s.w.b101.id), "plate": "浙B10101"}, as_=s.w.owner_b101))
    data(await api(GATE, {"key": gate_b["key"], "plate": "浙B10101", "direction": "IN"}))
    request = GraphQLRequest(gql(UPDATES), variable_values={"c": str(s.w.b.id), "after": "0"})
    async with socket(server, s.w.owner_b101) as session:
        [first] = await take(session, request, 1)  # A's lot P1 had its message first (the scene's car)
    assert first["lot"]["lotId"] == made["id"]
