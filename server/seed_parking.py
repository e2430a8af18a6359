"""The demo's notices and parking: a notice to all of Sunrise Garden from the office and one to
building 1 from its housekeeper; the underground garage with its vehicle gate, six spaces (four
with parking sensors, 1-1-101's own among them), Wang Fang's registered car. Through the domain's
own functions; the devices' keys are the demo's (`lingli simulate` drives them)."""

from __future__ import annotations

from collections.abc import Callable

from auth.viewer import Viewer
from domain.devices import service as devices
from domain.devices.models import DeviceType
from domain.notices import service as notices
from domain.notices.models import TargetKind
from domain.parking import cars, lots
from domain.parking.models import LotKind, SpaceKind
from domain.people.accounts import load_viewer
from domain.people.models import Person
from domain.space.models import Building, Community, House

DEMO_GATE = "vehicle gate garage"
DEMO_PARKING_SENSORS = [f"parking sensor G-00{i}" for i in range(1, 5)]
DEMO_PLATE = "浙A12345"  # Wang Fang's car


async def seed_notices_and_parking(
    admin: Viewer,
    community: Community,
    *,
    operator: Person,
    keeper: Person,
    wang: Person,
    houses: dict[str, House],
    key_of: Callable[[str], str],
) -> None:
    office = await load_viewer(operator.id)
    await notices.send(
        office,
        notices.NewNotice(
            community_id=community.id,
            title="停水通知 Water off on Tuesday",
            body="周二 9:00-12:00 全小区停水检修。\nThe water is off on Tuesday 9:00-12:00 for repairs.",
            target_kind=TargetKind.COMMUNITY,
        ),
    )
    building_1 = await Building.get(community_id=community.id, name="1号楼")
    await notices.send(
        await load_viewer(keeper.id),
        notices.NewNotice(
            community_id=community.id,
            title="1号楼电梯保养 Lift maintenance, building 1",
            body="本周四上午电梯保养，请走楼梯。\nThe lift of building 1 is serviced on Thursday morning.",
            target_kind=TargetKind.BUILDING,
            target_ids=[building_1.id],
        ),
    )
    gate = await devices.register_device(
        admin,
        community_id=community.id,
        type=DeviceType.VEHICLE_GATE,
        name=DEMO_GATE,
        heartbeat_seconds=60,
        key=key_of(DEMO_GATE),
    )
    garage = await lots.create_lot(
        admin,
        lots.NewLot(
            community_id=community.id, name="地下车库 Garage", kind=LotKind.COMMUNITY, gate_device_id=gate.device.id
        ),
    )
    for i, name in enumerate(DEMO_PARKING_SENSORS, start=1):
        sensor = await devices.register_device(
            admin,
            community_id=community.id,
            type=DeviceType.PARKING_SENSOR,
            name=name,
            heartbeat_seconds=60,
            key=key_of(name),
        )
        owned = i == 1
        await lots.create_space(
            admin,
            lots.NewSpace(
                lot_id=garage.id,
                code=f"G-00{i}",
                kind=SpaceKind.OWNED if owned else SpaceKind.VISITOR,
                house_id=houses["1-1-101"].id if owned else None,
                sensor_device_id=sensor.device.id,
            ),
        )
    for code in ("G-005", "G-006"):  # no sensor: filled, as far as the gate counts, by the cars inside
        await lots.create_space(admin, lots.NewSpace(lot_id=garage.id, code=code, kind=SpaceKind.VISITOR))
    await cars.register_car(await load_viewer(wang.id), house_id=houses["1-1-101"].id, plate=DEMO_PLATE)
