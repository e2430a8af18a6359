"""A demo community for `make run`: two communities, buildings, houses, grids, people, staff,
devices and a few events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from auth.passwords import hash_password
from auth.roles import Role
from auth.viewer import Viewer
from domain.devices.models import Device, DeviceType
from domain.devices.service import device_key_hash
from domain.events import reporting as events
from domain.events import transitions
from domain.events.models import Category, Event, Source
from domain.events.workflow import Action
from domain.files.stores import make_storage
from domain.people.accounts import load_viewer
from domain.people.models import CareTag, Membership, Person, PersonTag, Residency, ResidencyKind
from domain.space.models import Building, Community, Grid, House, Unit
from server.settings import DATA_DIR

DEMO_PASSWORD = "lingli-demo"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    phone: str


DEMO_LOGINS = [
    DemoLogin("resident (1号楼 1单元 101, Sunrise)", "王芳 Wang Fang", "13800000001"),
    DemoLogin("housekeeper (East grid, Sunrise)", "张管家 Housekeeper Zhang", "13800000002"),
    DemoLogin("operator (Sunrise)", "陈运营 Operator Chen", "13800000003"),
    DemoLogin("merchant (Sunrise)", "刘老板 Merchant Liu", "13800000004"),
    DemoLogin("resident (Riverside)", "周敏 Zhou Min", "13900000001"),
    DemoLogin("operator (Riverside)", "吴运营 Operator Wu", "13900000003"),
    DemoLogin("platform admin", "平台管理员 Platform Admin", "13800000000"),
]


async def demo_present() -> bool:
    return await Person.filter(phone=DEMO_LOGINS[-1].phone).exists()


async def seed_demo() -> bool:
    """Fill an empty database with the demo; False (and nothing written) if it has data already."""
    if await Community.exists():
        return False
    password = hash_password(DEMO_PASSWORD)
    async with in_transaction():
        sunrise = await Community.create(name="朝阳花园 Sunrise Garden", code="SUNRISE", address="1 Chaoyang Road")
        riverside = await Community.create(name="滨江苑 Riverside", code="RIVERSIDE", address="8 Binjiang Avenue")
        east = await Grid.create(community=sunrise, name="东区 East")
        west = await Grid.create(community=sunrise, name="西区 West")
        houses: dict[str, House] = {}
        for building_no, grid in (("1", east), ("2", west)):
            building = await Building.create(community=sunrise, name=f"{building_no}号楼", floors=3)
            for unit_no in ("1", "2"):
                unit = await Unit.create(community=sunrise, building=building, name=f"{unit_no}单元")
                for floor in (1, 2, 3):
                    for door in (1, 2):
                        number = f"{floor}0{door}"
                        houses[f"{building_no}-{unit_no}-{number}"] = await House.create(
                            community=sunrise,
                            building=building,
                            unit=unit,
                            grid=grid,
                            number=number,
                            floor=floor,
                            area_m2=89,
                        )
        river_building = await Building.create(community=riverside, name="A座", floors=2)
        river_house = await House.create(community=riverside, building=river_building, number="101", floor=1)

        async def person(name: str, phone: str, *, login: bool = True, id_number: str | None = None) -> Person:
            return await Person.create(
                name=name, phone=phone, id_number=id_number, password_hash=password if login else None
            )

        async def live(p: Person, house: House, kind: ResidencyKind, since: date) -> None:
            await Residency.create(person=p, house=house, community_id=house.community_id, kind=kind, moved_in=since)
            await Membership.get_or_create(person=p, community_id=house.community_id, role=Role.RESIDENT, grid=None)

        wang = await person("王芳 Wang Fang", "13800000001", id_number="110101198001010021")
        await live(wang, houses["1-1-101"], ResidencyKind.OWNER, date(2019, 5, 1))
        son = await person("王小明 Wang Xiaoming", "13800000011", login=False)
        await live(son, houses["1-1-101"], ResidencyKind.FAMILY, date(2019, 5, 1))
        await PersonTag.create(person=son, tag=CareTag.CHILD)
        grandma = await person("李奶奶 Grandma Li", "13800000012", login=False, id_number="110101194501010042")
        await live(grandma, houses["1-1-102"], ResidencyKind.OWNER, date(2008, 3, 15))
        await PersonTag.create(person=grandma, tag=CareTag.ELDERLY_ALONE)
        tenant = await person("赵强 Zhao Qiang", "13800000013", login=False)
        await live(tenant, houses["2-1-201"], ResidencyKind.TENANT, date(2024, 9, 1))
        zhou = await person("周敏 Zhou Min", "13900000001")
        await live(zhou, river_house, ResidencyKind.OWNER, date(2021, 1, 10))

        keeper = await person("张管家 Housekeeper Zhang", "13800000002")
        await Membership.create(person=keeper, community=sunrise, role=Role.HOUSEKEEPER, grid=east)
        operator = await person("陈运营 Operator Chen", "13800000003")
        await Membership.create(person=operator, community=sunrise, role=Role.OPERATOR)
        merchant = await person("刘老板 Merchant Liu", "13800000004")
        await Membership.create(person=merchant, community=sunrise, role=Role.MERCHANT)
        river_operator = await person("吴运营 Operator Wu", "13900000003")
        await Membership.create(person=river_operator, community=riverside, role=Role.OPERATOR)
        admin = await person("平台管理员 Platform Admin", "13800000000")
        await Membership.create(person=admin, community=None, role=Role.PLATFORM_ADMIN)

        for device in DEMO_DEVICES:
            house = houses.get(device.house) if device.house else None
            await Device.create(
                community=sunrise,
                house=house,
                building_id=house.building_id if house else None,
                type=device.type,
                name=device.name,
                key_hash=device_key_hash(demo_device_key(device.name)),
                heartbeat_seconds=60,
            )

    await seed_events(wang=wang, keeper=keeper, operator=operator, houses=houses)
    return True


async def seed_events(*, wang: Person, keeper: Person, operator: Person, houses: dict[str, House]) -> None:
    """A few events through the real domain functions, so the IOC's figures and every list have
    something in them: one closed and rated, one in progress, two waiting for dispatch."""
    resident, housekeeper, centre = [await load_viewer(p.id) for p in (wang, keeper, operator)]
    sunrise = houses["1-1-101"].community_id
    # No photos in the demo: the store is never asked for anything.
    storage = make_storage("local", data_dir=DATA_DIR, public_base_url="http://127.0.0.1", secret=b"seed" * 8)

    async def report(viewer: Viewer, category: Category, text: str, house: str | None = None, **extra: Any) -> Event:
        new = events.NewEvent(category=category, description=text, **extra)
        place = events.Place(community_id=sunrise, house_id=houses[house].id if house else None)
        return await events.report(viewer, storage, new, place)

    light = await report(resident, Category.REPAIR, "楼道灯不亮 The stairwell light is out", "1-1-101")
    await transitions.act(housekeeper, storage, light.id, Action.ACCEPT, "马上到 On my way", [])
    await transitions.act(housekeeper, storage, light.id, Action.RESOLVE, "换了灯泡 New bulb", [])
    await transitions.rate(resident, light.id, 5, "很快 Quick, thanks")
    tap = await report(resident, Category.REPAIR, "厨房水龙头漏水 The kitchen tap leaks", "1-1-101")
    await transitions.act(housekeeper, storage, tap.id, Action.ACCEPT, "", [])
    await report(resident, Category.NOISE, "晚上广场舞太吵 Square dancing too loud at night")
    await report(
        centre,
        Category.ENVIRONMENT,
        "12345 来电: 垃圾桶满了 Hotline: the bins are overflowing",
        "2-1-201",
        source=Source.HOTLINE_12345,
    )


@dataclass(frozen=True)
class DemoDevice:
    name: str
    type: DeviceType
    house: str | None  # "building-unit-number" in the demo's own keys


DEMO_DEVICES = [
    DemoDevice("smoke 1-1-101", DeviceType.SMOKE_DETECTOR, "1-1-101"),
    DemoDevice("smoke 1-1-102", DeviceType.SMOKE_DETECTOR, "1-1-102"),
    DemoDevice("gas 1-1-102", DeviceType.GAS_DETECTOR, "1-1-102"),
    DemoDevice("wearable Grandma Li", DeviceType.WEARABLE, "1-1-102"),
    DemoDevice("fall sensor 1-1-102", DeviceType.FALL_SENSOR, "1-1-102"),
    DemoDevice("smoke 2-1-201", DeviceType.SMOKE_DETECTOR, "2-1-201"),
    DemoDevice("water leak 2-1-201", DeviceType.WATER_LEAK_SENSOR, "2-1-201"),
    DemoDevice("environment east lawn", DeviceType.ENVIRONMENT_SENSOR, None),
    DemoDevice("manhole north gate", DeviceType.MANHOLE_COVER, None),
]


def demo_device_key(name: str) -> str:
    """Demo devices have keys anybody can derive, so `lingli simulate` can drive them. Demo only:
    seeding refuses to run in production."""
    return "dk_demo_" + name.replace(" ", "_")
