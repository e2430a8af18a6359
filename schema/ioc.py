"""The operations centre's types: the dashboard's panels, the feed's items, the counters' pushes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from domain.ioc import dashboard as d
from domain.ioc import feed as f
from domain.ioc.counters import Counters
from schema.alarms import Alarm
from schema.events import Event
from schema.limits import list_size
from schema.parking import LotAvailability
from schema.string_inputs import at_most

strawberry.enum(f.Source, name="IocSource", description="Where a feed item comes from")

# Grids and buildings of one community: counted as this many in the query cost.
PLACES = 200
FeedCursor = Annotated[
    str | None,
    strawberry.argument(
        description="The cursor of the last item you received (or any subscription's cursor): replays what followed",
        metadata=at_most(100, "a cursor this API gave out (four event ids)"),
    ),
]


@strawberry.type(description="How many, of one key")
class IocTally:
    key: str | None = strawberry.field(description="The status, type, tag, grid id or building id (null: none)")
    label: str | None = strawberry.field(description="Its name, for a building or a grid")
    count: int = strawberry.field(description="How many")

    @classmethod
    def all(cls, tallies: tuple[d.Tally, ...]) -> list[IocTally]:
        return [cls(key=t.key, label=t.label, count=t.count) for t in tallies]


@strawberry.type(description="Who lives in the community now, and where")
class PeoplePanel:
    residents: int = strawberry.field(description="People living in its houses now")
    houses: int = strawberry.field(description="Its houses")
    occupied_houses: int = strawberry.field(description="Houses someone lives in now")
    by_building: list[IocTally] = strawberry.field(
        description="Residents by building (key: building id), every building", metadata=list_size(PLACES)
    )
    by_care_tag: list[IocTally] = strawberry.field(
        description="Residents by care tag this community recorded", metadata=list_size(10)
    )


@strawberry.type(description="Devices of one type in service")
class DeviceTypeFigures:
    type: str = strawberry.field(description="The device type")
    online: int = strawberry.field(description="Online now")
    offline: int = strawberry.field(description="Offline now")


@strawberry.type(description="Devices in service, online and offline")
class DevicesPanel:
    online: int = strawberry.field(description="Online now")
    offline: int = strawberry.field(description="Offline now")
    by_type: list[DeviceTypeFigures] = strawberry.field(description="By device type", metadata=list_size(30))


@strawberry.type(description="Alarms not cleared")
class AlarmsPanel:
    active: int = strawberry.field(description="Active (not cleared)")
    unacknowledged: int = strawberry.field(description="Active and nobody is on it yet")
    by_severity: list[IocTally] = strawberry.field(description="Active, by severity", metadata=list_size(5))
    by_type: list[IocTally] = strawberry.field(description="Active, by alarm type", metadata=list_size(40))


@strawberry.type(description="Events (work orders)")
class EventsPanel:
    open: int = strawberry.field(description="Not resolved, closed or rejected")
    overdue: int = strawberry.field(description="Open and past their deadline now")
    by_status: list[IocTally] = strawberry.field(description="Every event, by status", metadata=list_size(10))
    by_category: list[IocTally] = strawberry.field(description="Open, by category", metadata=list_size(10))
    by_grid: list[IocTally] = strawberry.field(
        description="Open, by grid (key: grid id, null: none)", metadata=list_size(PLACES)
    )


@strawberry.type(description="What the houses' meters of one utility counted, this month so far and last month")
class UsagePanel:
    utility: str = strawberry.field(description="ELECTRICITY (kWh) or WATER (m³)")
    meters: int = strawberry.field(description="Meters in houses, in service")
    this_month: float = strawberry.field(description="Units this month so far (the community's calendar)")
    last_month: float = strawberry.field(description="Units last month")
    this_month_fen: int | None = strawberry.field(description="At the tariff in force on the 1st (null: none)")
    last_month_fen: int | None = strawberry.field(description="At last month's tariff (null: none)")


@strawberry.type(description="Points earned this month (the community's calendar)")
class PointsPanel:
    issued: int = strawberry.field(description="Every kind")
    by_kind: list[IocTally] = strawberry.field(description="GREEN, VOLUNTEER, CREDIT", metadata=list_size(3))


@strawberry.type(description="Orders placed today (the community's day)")
class OrdersPanel:
    placed: int = strawberry.field(description="Placed today")
    revenue_fen: int = strawberry.field(description="Their totals")
    by_status: list[IocTally] = strawberry.field(description="By status now", metadata=list_size(12))


@strawberry.type(description="One community at a glance, for its office: every panel one database query")
class Dashboard:
    community_id: strawberry.ID = strawberry.field(description="The community")
    people: PeoplePanel = strawberry.field(description="Residents and houses")
    devices: DevicesPanel = strawberry.field(description="Devices online and offline")
    alarms: AlarmsPanel = strawberry.field(description="Active alarms")
    events: EventsPanel = strawberry.field(description="Events by status, category, grid; overdue")
    energy: list[UsagePanel] = strawberry.field(description="Electricity and water", metadata=list_size(2))
    points: PointsPanel = strawberry.field(description="Points issued this month")
    orders_today: OrdersPanel = strawberry.field(description="Orders placed today")
    parking: list[LotAvailability] = strawberry.field(
        description="Each car park: its spaces, taken and free", metadata=list_size(PLACES)
    )

    @classmethod
    def of(cls, community_id: int, b: d.Dashboard) -> Dashboard:
        return cls(
            community_id=strawberry.ID(str(community_id)),
            people=PeoplePanel(
                residents=b.people.residents,
                houses=b.people.houses,
                occupied_houses=b.people.occupied_houses,
                by_building=IocTally.all(b.people.by_building),
                by_care_tag=IocTally.all(b.people.by_care_tag),
            ),
            devices=DevicesPanel(
                online=b.devices.online,
                offline=b.devices.offline,
                by_type=[DeviceTypeFigures(type=t.type, online=t.online, offline=t.offline) for t in b.devices.by_type],
            ),
            alarms=AlarmsPanel(
                active=b.alarms.active,
                unacknowledged=b.alarms.unacknowledged,
                by_severity=IocTally.all(b.alarms.by_severity),
                by_type=IocTally.all(b.alarms.by_type),
            ),
            events=EventsPanel(
                open=b.events.open,
                overdue=b.events.overdue,
                by_status=IocTally.all(b.events.by_status),
                by_category=IocTally.all(b.events.by_category),
                by_grid=IocTally.all(b.events.by_grid),
            ),
            energy=[
                UsagePanel(
                    utility=u.utility,
                    meters=u.meters,
                    this_month=u.this_month,
                    last_month=u.last_month,
                    this_month_fen=u.this_month_fen,
                    last_month_fen=u.last_month_fen,
                )
                for u in b.energy
            ],
            points=PointsPanel(issued=b.points.issued, by_kind=IocTally.all(b.points.by_kind)),
            orders_today=OrdersPanel(
                placed=b.orders_today.placed,
                revenue_fen=b.orders_today.revenue_fen,
                by_status=IocTally.all(b.orders_today.by_status),
            ),
            parking=[LotAvailability.of(lot) for lot in b.parking],
        )


@strawberry.type(description="The dashboard again, pushed when a panel changed (at most one a second)")
class DashboardCounters:
    changed: list[str] = strawberry.field(
        description="The panels that changed since the message before: people, devices, alarms, events, "
        "energy, points, orders_today, parking (all of them in the first message)",
        metadata=list_size(len(d.PANELS)),
    )
    at: datetime = strawberry.field(description="When it was read")
    dashboard: Dashboard = strawberry.field(description="Every panel as it is now")

    @classmethod
    def of(cls, community_id: int, c: Counters, at: datetime) -> DashboardCounters:
        return cls(changed=list(c.changed), at=at, dashboard=Dashboard.of(community_id, c.dashboard))


@strawberry.type(description="A device going online or offline")
class IocDeviceStatus:
    device_id: strawberry.ID = strawberry.field(description="Which device")
    type: str = strawberry.field(description="What kind of device")
    name: str = strawberry.field(description="Its name")
    online: bool = strawberry.field(description="Its status as of this item")


@strawberry.type(description="An order moving, as the office sees it (no contact details)")
class IocOrder:
    id: strawberry.ID = strawberry.field(description="The order")
    shop_id: strawberry.ID = strawberry.field(description="Its shop")
    status: str = strawberry.field(description="PLACED, ACCEPTED, … as of this item")
    total_fen: int = strawberry.field(description="Its total")
    house_number: str = strawberry.field(description="Where it goes")


@strawberry.type(description="One item of the operations centre's feed: an alarm, an event, a device or an order")
class IocFeedItem:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing (of any source)")
    source: f.Source = strawberry.field(description="Which of alarm, event, device, order is set")
    kind: str = strawberry.field(description="ALARM_RAISED, EVENT_REPORTED, DEVICE_OFFLINE, ORDER_PLACED…")
    alarm: Alarm | None = strawberry.field(description="The alarm as of this item")
    event: Event | None = strawberry.field(description="The event as of this item")
    device: IocDeviceStatus | None = strawberry.field(description="The device's status")
    order: IocOrder | None = strawberry.field(description="The order as of this item")

    # No share_key: the cursor is each subscriber's own (where they are in every source).

    @classmethod
    def of(cls, item: f.Item) -> IocFeedItem:
        p: dict[str, Any] = item.envelope.payload
        source = item.source
        return cls(
            cursor=item.cursor,
            source=source,
            kind=item.envelope.kind,
            alarm=Alarm.from_message(p) if source is f.Source.ALARM else None,
            event=Event.from_message(p) if source is f.Source.EVENT else None,
            device=IocDeviceStatus(
                device_id=strawberry.ID(str(p["id"])),
                type=str(p["type"]),
                name=str(p["name"]),
                online=bool(p["online"]),
            )
            if source is f.Source.DEVICE
            else None,
            order=IocOrder(
                id=strawberry.ID(str(p["id"])),
                shop_id=strawberry.ID(str(p["shop_id"])),
                status=str(p["status"]),
                total_fen=int(p["total_fen"]),
                house_number=str(p["house_number"]),
            )
            if source is f.Source.ORDER
            else None,
        )
