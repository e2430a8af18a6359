"""Who is told of what, written in the transaction of the change: CRITICAL and MAJOR alarms reach
the household and the grid's housekeepers; an event's moves its reporter; an order's its buyer;
an overdue bill the household. Told once per source, whatever repeats."""

from __future__ import annotations

import pytest

from domain.alarms.models import Severity
from domain.bills.models import Bill
from domain.bills.overdue import mark_overdue
from domain.notifications import service as notifications
from domain.notifications.models import Channel, Delivery, Kind, Notification
from realtime.outbox import publishing_to, transaction
from tests.bills.support import generate, previous_month, tariff
from tests.conftest import RunningServer
from tests.events.support import ACCEPT, report
from tests.notifications.support import raise_alarm, tell
from tests.orders.support import advance, make_market, place
from tests.support import Api, World, data


async def told(kind: Kind) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for note in await Notification.filter(kind=kind).order_by("id"):
        found.setdefault(note.person_id, []).append(note.source)
    return found


async def test_a_critical_alarm_reaches_the_household_and_the_housekeeper_on_every_channel(
    server: RunningServer, world: World
) -> None:
    alarm = await raise_alarm(server, world, Severity.CRITICAL)

    source = f"alarm-{alarm.id}:CRITICAL"
    assert await told(Kind.ALARM) == {
        world.owner_a101.id: [source],
        world.child_a101.id: [source],
        world.keeper_g1.id: [source],
    }
    note = await Notification.get(person_id=world.owner_a101.id)
    assert note.urgent
    channels = {d.channel for d in await Delivery.filter(notification_id=note.id)}
    assert channels == {Channel.WECHAT, Channel.PUSH, Channel.LOG, Channel.SMS}


async def test_a_storm_of_one_alarm_is_told_once_and_minor_alarms_not_at_all(
    server: RunningServer, world: World
) -> None:
    for _ in range(3):
        major = await raise_alarm(server, world, Severity.MAJOR)
    await raise_alarm(server, world, Severity.MINOR, type="PM25")

    assert await told(Kind.ALARM) == {
        p.id: [f"alarm-{major.id}:MAJOR"] for p in (world.owner_a101, world.child_a101, world.keeper_g1)
    }
    # A MAJOR one is not urgent: no SMS, and quiet hours hold it back.
    assert not await Delivery.filter(channel=Channel.SMS).exists()


async def test_a_care_alarm_is_urgent(server: RunningServer, world: World) -> None:
    await raise_alarm(server, world, Severity.MAJOR, house=world.a102, type="CARE", person_id=world.elder_a102.id)

    notes = await Notification.filter(kind=Kind.ALARM).order_by("person_id")
    assert {n.person_id for n in notes} == {world.elder_a102.id}  # a102's grid g2 has no housekeeper
    assert all(n.urgent for n in notes)
    assert await Delivery.filter(channel=Channel.SMS).count() == 1


async def test_a_change_rolled_back_tells_nobody(server: RunningServer, world: World) -> None:
    with pytest.raises(RuntimeError), publishing_to(server.publisher):
        async with transaction():
            await notifications.notify(
                person_ids=[world.owner_a101.id], kind=Kind.NOTICE, source="notice-x", title="t", body="b"
            )
            raise RuntimeError("the change failed")

    assert not await Notification.exists()
    assert not await Delivery.exists()


async def test_the_same_source_is_told_once(server: RunningServer, world: World) -> None:
    first = await tell(server, [world.owner_a101.id], "notice-1")
    second = await tell(server, [world.owner_a101.id, world.child_a101.id], "notice-1")

    assert len(first) == 1 and [n.person_id for n in second] == [world.child_a101.id]
    assert await Delivery.filter(person_id=world.owner_a101.id).count() == 3  # WECHAT, PUSH, LOG


async def test_the_reporter_hears_of_each_move_of_their_event(api: Api, server: RunningServer, world: World) -> None:
    event = await report(api, world, world.owner_a101)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))

    sources = (await told(Kind.EVENT)).get(world.owner_a101.id, [])
    assert len(sources) >= 1 and all(s.startswith(f"event-{event['id']}:") for s in sources)
    assert set(await told(Kind.EVENT)) == {world.owner_a101.id}


async def test_the_buyer_hears_of_each_move_of_their_order(api: Api, server: RunningServer, world: World) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101)
    await advance(api, market, order["id"], "accept", "dispatch", "pick_up")

    assert (await told(Kind.ORDER)) == {
        world.owner_a101.id: [f"order-{order['id']}:ACCEPTED", f"order-{order['id']}:PICKED_UP"]
    }


async def test_an_overdue_bill_reaches_the_household(api: Api, server: RunningServer, world: World) -> None:
    await tariff(api, world, "PROPERTY_FEE", 250)
    data(await generate(api, world, previous_month()))
    bill = await Bill.get(house_id=world.a101.id)

    with publishing_to(server.publisher):
        await mark_overdue(bill.overdue_from)

    household = {world.owner_a101.id, world.child_a101.id}
    bills = await told(Kind.BILL)
    assert {p for p, sources in bills.items() if f"bill-{bill.id}:OVERDUE" in sources} == household
