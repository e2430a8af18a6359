"""Setting up car parks (operators): lots with their gate, spaces with their sensor and household;
reading them; and how many spaces are free."""

from __future__ import annotations

from dataclasses import dataclass

from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput, NotFound
from domain.common.pagination import Page, paginate
from domain.common.rows import create_or_conflict, get_visible, given
from domain.common.text import text
from domain.devices.models import Device, DeviceType
from domain.parking import access
from domain.parking.models import LotKind, ParkingLot, ParkingSpace, SpaceKind
from domain.parking.occupancy import LotOccupancy, occupancy
from domain.space import places
from realtime.outbox import transaction

MAX_LOTS = 100  # per community: a list field returns them all


@dataclass(frozen=True)
class NewLot:
    community_id: int
    name: str
    kind: LotKind
    building_id: int | None = None
    gate_device_id: int | None = None


@dataclass(frozen=True)
class NewSpace:
    lot_id: int
    code: str
    kind: SpaceKind
    house_id: int | None = None
    sensor_device_id: int | None = None


async def create_lot(viewer: Viewer, new: NewLot) -> ParkingLot:
    access.check_manage(viewer, new.community_id, "Setting up a car park")
    await places.community(new.community_id)
    name = text(new.name, field="name", max_length=50)
    if new.kind is LotKind.BUILDING and new.building_id is None:
        raise InvalidInput("A building's lot names its building", field="buildingId")
    if new.building_id is not None:
        await places.building_in(new.community_id, new.building_id)
    if new.gate_device_id is not None:
        await _device(new.community_id, new.gate_device_id, DeviceType.VEHICLE_GATE, "gateDeviceId")
        if await ParkingLot.exists(gate_id=new.gate_device_id):
            raise Conflict("That gate is another lot's", field="gateDeviceId")
    if await ParkingLot.exists(community_id=new.community_id, name=name):
        raise Conflict("The community has a lot of this name", field="name")
    if await ParkingLot.filter(community_id=new.community_id).count() >= MAX_LOTS:
        raise InvalidInput(f"A community has at most {MAX_LOTS} lots", field="communityId")
    async with transaction():
        return await create_or_conflict(
            ParkingLot,
            "The community has a lot of this name, or the gate is another lot's",
            field="name",
            community_id=new.community_id,
            name=name,
            kind=new.kind,
            building_id=new.building_id,
            gate_id=new.gate_device_id,
        )


async def create_space(viewer: Viewer, new: NewSpace) -> ParkingSpace:
    lot = await get_visible(access.readable_lots(viewer), new.lot_id, what="lot", field="lotId")
    access.check_manage(viewer, lot.community_id, "Setting up a car park")
    code = text(new.code, field="code", max_length=20)
    if new.kind is not SpaceKind.VISITOR and new.house_id is None:
        raise InvalidInput("An owned or rented space names its household", field="houseId")
    if new.kind is SpaceKind.VISITOR and new.house_id is not None:
        raise InvalidInput("A visitors' space is no household's", field="houseId")
    if new.house_id is not None:
        await places.house_in(lot.community_id, new.house_id)
    if new.sensor_device_id is not None:
        await _device(lot.community_id, new.sensor_device_id, DeviceType.PARKING_SENSOR, "sensorDeviceId")
        if await ParkingSpace.exists(sensor_id=new.sensor_device_id):
            raise Conflict("That sensor is another space's", field="sensorDeviceId")
    if await ParkingSpace.exists(lot_id=lot.id, code=code):
        raise Conflict("The lot has a space of this code", field="code")
    async with transaction():
        return await create_or_conflict(
            ParkingSpace,
            "The lot has a space of this code, or the sensor is another space's",
            field="code",
            lot_id=lot.id,
            community_id=lot.community_id,
            code=code,
            kind=new.kind,
            house_id=new.house_id,
            sensor_id=new.sensor_device_id,
        )


async def list_lots(viewer: Viewer, community_id: int) -> list[ParkingLot]:
    access.check_member(viewer, community_id)
    return list(await access.readable_lots(viewer).filter(community_id=community_id).order_by("id").limit(MAX_LOTS))


async def list_spaces(
    viewer: Viewer, *, lot_id: int | None = None, house_id: int | None = None, first: int | None, after: str | None
) -> Page[ParkingSpace]:
    qs = access.readable_spaces(viewer).filter(**given(lot_id=lot_id, house_id=house_id))
    return await paginate(qs, first=first, after=after)


async def availability(viewer: Viewer, community_id: int) -> list[LotOccupancy]:
    access.check_member(viewer, community_id)
    return await occupancy(community_id)


async def _device(community_id: int, device_id: int, type: DeviceType, field: str) -> None:
    device = await Device.get_or_none(id=device_id, community_id=community_id, retired_at=None)
    if device is None:
        raise NotFound(f"No device {device_id} in this community", field=field)
    if device.type is not type:
        raise InvalidInput(f"The device is a {device.type.value}, not a {type.value}", field=field)
