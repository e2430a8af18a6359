"""A demo community for `make run`: two communities, buildings, houses, grids, people, staff,
devices, a few events, and bills: tariffs, two months of meter readings, the bills of both months
(the older one of 1-1-101 paid); points: a smart bin with sorting records, rewards in the mall."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from auth.roles import Role
from auth.tokens import TokenIssuer
from auth.viewer import Viewer
from domain.bills import generation as bills
from domain.bills import service as bill_service
from domain.bills import tariffs
from domain.bills.models import Bill, Utility
from domain.bills.periods import last_month
from domain.devices import service as devices
from domain.devices import telemetry
from domain.devices.models import DeviceType
from domain.events import reporting as events
from domain.events import transitions
from domain.events.models import Category, Event, Source
from domain.events.workflow import Action
from domain.files.stores import make_storage
from domain.notifications import service as notifications
from domain.notifications.models import Kind as NotificationKind
from domain.people import accounts
from domain.people import service as people
from domain.people.accounts import load_viewer
from domain.people.models import CareTag, Person, ResidencyKind
from domain.people.phone_budget import PHONE_LOOKUPS
from domain.shops import products
from domain.shops import service as shops
from domain.space import service as space
from domain.space.models import Building, Community, House
from domain.space.places import Place
from realtime.outbox import transaction
from server.seed_points import SMART_BIN, seed_points
from server.settings import DATA_DIR, Settings

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
    DemoLogin("merchant of 邻里便利店 Neighbour Mart (Sunrise)", "刘老板 Merchant Liu", "13800000004"),
    DemoLogin("courier of 邻里便利店 Neighbour Mart (Sunrise)", "小李 Courier Li", "13800000005"),
    DemoLogin("resident (Riverside)", "周敏 Zhou Min", "13900000001"),
    DemoLogin("operator (Riverside)", "吴运营 Operator Wu", "13900000003"),
    DemoLogin("platform admin", "平台管理员 Platform Admin", "13800000000"),
]


async def demo_present() -> bool:
    return await Person.filter(phone=DEMO_LOGINS[-1].phone).exists()


async def seed_demo() -> bool:
    """Fill an empty database with the demo; False (and nothing written) if it has data already.

    Everything is made through the domain's own functions, as the platform admin and the
    operators would (one transaction: a failure leaves nothing behind)."""
    if await Community.exists():
        return False
    # Tokens made while registering the demo logins are thrown away: any secret signs them.
    issuer = TokenIssuer(
        secret=secrets.token_hex(32), issuer="seed", audience="seed", access_ttl_seconds=60, refresh_ttl_seconds=60
    )
    async with transaction():
        founder = await people.bootstrap_platform_admin(
            name="平台管理员 Platform Admin", phone="13800000000", password=DEMO_PASSWORD
        )
        admin = await load_viewer(founder.id)
        sunrise = await space.create_community(
            admin, name="朝阳花园 Sunrise Garden", code="SUNRISE", address="1 Chaoyang Road"
        )
        riverside = await space.create_community(
            admin, name="滨江苑 Riverside", code="RIVERSIDE", address="8 Binjiang Avenue"
        )
        east = await space.create_grid(admin, community_id=sunrise.id, name="东区 East")
        west = await space.create_grid(admin, community_id=sunrise.id, name="西区 West")
        houses: dict[str, House] = {}
        for building_no, grid in (("1", east), ("2", west)):
            building = await space.create_building(admin, community_id=sunrise.id, name=f"{building_no}号楼", floors=3)
            # Where its door is, so a delivery's ETA is measured to it (no mutation sets it yet).
            latitude, longitude = DEMO_BUILDING_POSITIONS[building_no]
            await Building.filter(id=building.id).update(latitude=latitude, longitude=longitude)
            for unit_no in ("1", "2"):
                unit = await space.create_unit(admin, building_id=building.id, name=f"{unit_no}单元")
                for floor in (1, 2, 3):
                    for door in (1, 2):
                        number = f"{floor}0{door}"
                        houses[f"{building_no}-{unit_no}-{number}"] = await space.create_house(
                            admin,
                            building_id=building.id,
                            unit_id=unit.id,
                            grid_id=grid.id,
                            number=number,
                            floor=floor,
                            area_m2=Decimal(89),
                        )
        river_building = await space.create_building(admin, community_id=riverside.id, name="A座", floors=2)
        river_house = await space.create_house(admin, building_id=river_building.id, number="101", floor=1)

        async def person(
            name: str,
            phone: str,
            community: int,
            *,
            login: bool = True,
            home: tuple[House, ResidencyKind, date] | None = None,
            role: Role | None = None,
            grid: int | None = None,
            **extra: Any,
        ) -> Person:
            """Registered by the property office, as a resident or as staff; a login claims it."""
            residency = people.NewResidency(house_id=home[0].id, kind=home[1], moved_in=home[2]) if home else None
            registered = await people.create_person(
                admin,
                community_id=community,
                name=name,
                phone=phone,
                residency=residency,
                staff_role=role,
                grid_id=grid,
                **extra,
            )
            if login:
                code = await people.issue_activation_code(admin, registered.id)
                pair = await accounts.register(
                    issuer, phone=phone, password=DEMO_PASSWORD, name=name, client="seed", activation_code=code
                )
                # The demo's logins are the residents' own to begin: no session is left open.
                await accounts.logout(Viewer(person_id=pair.person.id, session=pair.session))
            return registered

        at_101 = (houses["1-1-101"], ResidencyKind.OWNER, date(2019, 5, 1))
        wang = await person("王芳 Wang Fang", "13800000001", sunrise.id, home=at_101, id_number="110101198001010021")
        family = (houses["1-1-101"], ResidencyKind.FAMILY, date(2019, 5, 1))
        await person("王小明 Wang Xiaoming", "13800000011", sunrise.id, login=False, home=family, tags=[CareTag.CHILD])
        await person(
            "李奶奶 Grandma Li",
            "13800000012",
            sunrise.id,
            login=False,
            home=(houses["1-1-102"], ResidencyKind.OWNER, date(2008, 3, 15)),
            id_number="110101194501010042",
            tags=[CareTag.ELDERLY_ALONE],
        )
        tenant = (houses["2-1-201"], ResidencyKind.TENANT, date(2024, 9, 1))
        await person("赵强 Zhao Qiang", "13800000013", sunrise.id, login=False, home=tenant)
        zhou_home = (river_house, ResidencyKind.OWNER, date(2021, 1, 10))
        await person("周敏 Zhou Min", "13900000001", riverside.id, home=zhou_home)
        keeper = await person(
            "张管家 Housekeeper Zhang", "13800000002", sunrise.id, role=Role.HOUSEKEEPER, grid=east.id
        )
        operator = await person("陈运营 Operator Chen", "13800000003", sunrise.id, role=Role.OPERATOR)
        merchant = await person("刘老板 Merchant Liu", "13800000004", sunrise.id, role=Role.MERCHANT)
        # A neighbour who delivers for the shop: the role is the shop's (seed_shop), the home his own.
        courier_home = (houses["2-1-201"], ResidencyKind.FAMILY, date(2024, 9, 1))
        courier = await person("小李 Courier Li", "13800000005", sunrise.id, home=courier_home)
        await person("吴运营 Operator Wu", "13900000003", riverside.id, role=Role.OPERATOR)

        for device in DEMO_DEVICES:
            await devices.register_device(
                admin,
                community_id=sunrise.id,
                type=device.type,
                name=device.name,
                house_id=houses[device.house].id if device.house else None,
                heartbeat_seconds=60,
                key=demo_device_key(device.name),
            )

        await seed_shop(admin, community_id=sunrise.id, merchant=merchant, courier=courier)
        await seed_events(wang=wang, keeper=keeper, operator=operator, houses=houses)
        await seed_bills(admin, sunrise)
        await seed_points(admin, sunrise, operator=operator, merchant=merchant, bin_key=demo_device_key(SMART_BIN))
        # A notice in Wang Fang's inbox (myNotifications), as notices will send them through notify().
        await notifications.notify(
            person_ids=[wang.id],
            kind=NotificationKind.NOTICE,
            source="notice-welcome",
            title="欢迎 Welcome to 朝阳花园 Sunrise Garden",
            body="Alarms at home, your repairs, orders and bills reach you here, and in WeChat",
            community_id=sunrise.id,
        )
        # Registering the demo's people is not the admin looking phones up: their budget starts full.
        await PHONE_LOOKUPS.forgive(str(founder.id))
        await accounts.REGISTRATIONS_PER_ADDRESS.forgive("seed")
    return True


async def seed_shop(admin: Viewer, *, community_id: int, merchant: Person, courier: Person) -> None:
    """A shop with products, its merchant and courier, and a delivery robot: the commerce demo."""
    shop = await shops.create_shop(
        admin, shops.NewShop(community_id=community_id, name="邻里便利店 Neighbour Mart", hours="07:00-23:00")
    )
    await shops.grant_staff(admin, shop_id=shop.id, role=Role.MERCHANT, person_id=merchant.id)
    await shops.grant_staff(admin, shop_id=shop.id, role=Role.COURIER, person_id=courier.id)
    running = await load_viewer(merchant.id)
    storage = make_storage("local", data_dir=DATA_DIR, public_base_url="http://127.0.0.1", secret=b"seed" * 8)
    for name, category, price_fen, stock in DEMO_PRODUCTS:
        new = products.NewProduct(shop_id=shop.id, name=name, category=category, price_fen=price_fen, stock=stock)
        await products.create_product(running, storage, new)
    await devices.register_device(
        admin,
        community_id=community_id,
        type=DeviceType.DELIVERY_ROBOT,
        name=DEMO_ROBOT,
        heartbeat_seconds=60,
        key=demo_device_key(DEMO_ROBOT),
    )


DEMO_PRODUCTS = [
    ("鲜牛奶 Fresh milk 1L", "乳品 Dairy", 1250, None),
    ("土鸡蛋 Free-range eggs ×10", "生鲜 Fresh", 1880, 20),
    ("矿泉水 Mineral water 550ml", "饮料 Drinks", 200, None),
    ("大米 Rice 5kg", "粮油 Staples", 4990, 8),
]


async def seed_events(*, wang: Person, keeper: Person, operator: Person, houses: dict[str, House]) -> None:
    """A few events through the real domain functions, so the IOC's figures and every list have
    something in them: one closed and rated, one in progress, two waiting for dispatch."""
    resident, housekeeper, centre = [await load_viewer(p.id) for p in (wang, keeper, operator)]
    sunrise = houses["1-1-101"].community_id
    # No photos in the demo: the store is never asked for anything.
    storage = make_storage("local", data_dir=DATA_DIR, public_base_url="http://127.0.0.1", secret=b"seed" * 8)

    async def report(viewer: Viewer, category: Category, text: str, house: str | None = None, **extra: Any) -> Event:
        new = events.NewEvent(category=category, description=text, **extra)
        place = Place(community_id=sunrise, house_id=houses[house].id if house else None)
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


# Sunrise's prices, in fen: per m³ of water or gas, per kWh, per m² a month for the property fee.
DEMO_TARIFFS = {Utility.WATER: 350, Utility.ELECTRICITY: 52, Utility.GAS: 280, Utility.PROPERTY_FEE: 250}
# What each demo meter's register reads before the month before last, before last month, and at its end.
DEMO_METER_READINGS = {
    "water meter 1-1-101": (120.0, 128.4, 136.9),
    "electricity meter 1-1-101": (2300.0, 2510.5, 2698.2),
    "gas meter 1-1-101": (410.0, 425.3, 441.0),
    "water meter 1-1-102": (88.0, 91.2, 94.1),
    "electricity meter 1-1-102": (1500.0, 1561.0, 1630.4),
    "water meter 2-1-201": (300.0, 309.9, 318.2),
    "electricity meter 2-1-201": (5000.0, 5188.8, 5391.0),
}


async def seed_bills(admin: Viewer, community: Community) -> None:
    """Tariffs from 2020 on, two months of meter readings through the telemetry path, and both
    months' bills as the monthly job would make them; 1-1-101 paid the older one."""
    for utility, price in DEMO_TARIFFS.items():
        await tariffs.set_tariff(
            admin, community_id=community.id, utility=utility, price_fen=price, effective_from=date(2020, 1, 1)
        )
    newer = last_month(community.time_zone)
    older = newer.previous
    instants = [
        older.span(community.time_zone).since - timedelta(hours=1),
        newer.span(community.time_zone).since - timedelta(hours=1),
        newer.span(community.time_zone).until - timedelta(hours=1),
    ]
    for name, values in DEMO_METER_READINGS.items():
        readings = [
            telemetry.ReadingIn(metric="reading", value=v, recorded_at=at)
            for at, v in zip(instants, values, strict=True)
        ]
        await telemetry.ingest(demo_device_key(name), readings, client="seed")
    now = datetime.now(UTC)
    for month in (older, newer):
        await bills.generate_month(community, month, due_days=Settings.bill_due_days, now=now)
    paid = await Bill.get(
        house__number="101", house__unit__name="1单元", house__building__name="1号楼", period=older.label
    )
    await bill_service.settle(paid.id, payment_ref="demo-cash-0001", amount_fen=paid.total_fen)


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
    DemoDevice("water meter 1-1-101", DeviceType.WATER_METER, "1-1-101"),
    DemoDevice("electricity meter 1-1-101", DeviceType.ELECTRICITY_METER, "1-1-101"),
    DemoDevice("gas meter 1-1-101", DeviceType.GAS_METER, "1-1-101"),
    DemoDevice("water meter 1-1-102", DeviceType.WATER_METER, "1-1-102"),
    DemoDevice("electricity meter 1-1-102", DeviceType.ELECTRICITY_METER, "1-1-102"),
    DemoDevice("water meter 2-1-201", DeviceType.WATER_METER, "2-1-201"),
    DemoDevice("electricity meter 2-1-201", DeviceType.ELECTRICITY_METER, "2-1-201"),
    DemoDevice(SMART_BIN, DeviceType.GARBAGE_BIN, None),
]


DEMO_ROBOT = "delivery robot 1"
# Sunrise Garden on the map: the shop, and the doors of buildings 1 and 2 (the robot's round).
DEMO_SHOP_POSITION = (31.22980, 121.47300)
DEMO_BUILDING_POSITIONS = {"1": (31.23040, 121.47370), "2": (31.23100, 121.47450)}


def demo_device_key(name: str) -> str:
    """Demo devices have keys anybody can derive, so `lingli simulate` can drive them. Demo only:
    seeding refuses to run in production."""
    return "dk_demo_" + name.replace(" ", "_")
