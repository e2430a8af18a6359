"""Notices from the office and housekeepers to households: who may send what to whom, who reads
which, and the receipts (how many of the households it was sent to have read it)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.notices import service
from domain.notices.models import Notice, NoticeHousehold
from domain.notifications.models import Notification
from realtime.models import OutboxEvent
from tests.notices.support import NOTICE, NOTICES, READ, SEND, notice_input, send
from tests.support import Api, World, code_and_field, data, ids, make_resident

INBOX = "query I { myNotifications(first: 10) { nodes { kind title } } }"


async def test_a_notice_to_a_building_reaches_its_households_only(api: Api, world: World) -> None:
    to_a1 = await send(api, world, "BUILDING", [world.a1])
    to_a2 = await send(api, world, "BUILDING", [world.a2])
    assert (to_a1["readCount"], to_a1["targetedCount"]) == (0, 2)  # a101 and a102
    seen = data(await api(NOTICES, {}, as_=world.owner_a101))["notices"]
    assert ids(seen["nodes"]) == {int(to_a1["id"])}
    assert seen["nodes"][0]["readCount"] is None and seen["nodes"][0]["read"] is False
    assert data(await api(NOTICES, {}, as_=world.owner_b101))["notices"]["totalCount"] == 0
    assert code_and_field(await api(NOTICE, {"id": to_a2["id"]}, as_=world.owner_a101)) == ("NOT_FOUND", "id")


async def test_unit_house_and_community_targets(api: Api, world: World) -> None:
    to_unit = await send(api, world, "UNIT", [world.u1])
    to_house = await send(api, world, "HOUSE", [world.a102])
    everyone = await send(api, world)
    assert to_unit["targetedCount"] == 2 and to_house["targetedCount"] == 1 and everyone["targetedCount"] == 3
    assert ids(data(await api(NOTICES, {}, as_=world.owner_a101))["notices"]["nodes"]) == {
        int(to_unit["id"]),
        int(everyone["id"]),
    }
    assert ids(data(await api(NOTICES, {}, as_=world.elder_a102))["notices"]["nodes"]) == {
        int(to_unit["id"]),
        int(to_house["id"]),
        int(everyone["id"]),
    }


async def test_read_receipts_count_households_not_people(api: Api, world: World) -> None:
    notice = await send(api, world, "BUILDING", [world.a1])
    mine = data(await api(READ, {"id": notice["id"]}, as_=world.owner_a101))["noticeRead"]
    assert mine["read"] is True
    data(await api(READ, {"id": notice["id"]}, as_=world.child_a101))  # the same household again
    counted = data(await api(NOTICE, {"id": notice["id"]}, as_=world.operator_a))["notice"]
    assert (counted["readCount"], counted["targetedCount"]) == (1, 2)
    assert data(await api(NOTICES, {"unread": True}, as_=world.owner_a101))["notices"]["totalCount"] == 0
    assert data(await api(NOTICES, {"unread": True}, as_=world.elder_a102))["notices"]["totalCount"] == 1
    # Someone it was not sent to cannot mark it (nor even see it).
    other = await send(api, world, "HOUSE", [world.a102])
    assert code_and_field(await api(READ, {"id": other["id"]}, as_=world.owner_a101)) == ("NOT_FOUND", "id")
    assert await NoticeHousehold.filter(notice_id=int(other["id"]), read_at__isnull=False).count() == 0


async def test_a_housekeeper_sends_only_to_households_of_their_grid(api: Api, world: World) -> None:
    keeper = world.keeper_g1  # grid g1: house a101 only
    ok = await send(api, world, "HOUSE", [world.a101], as_=keeper)
    assert ok["targetedCount"] == 1 and ok["senderName"] == "Keeper g1"
    before = (await Notice.all().count(), await OutboxEvent.all().count())
    for kind, targets in (("HOUSE", [world.a102]), ("BUILDING", [world.a1]), ("COMMUNITY", [])):
        result = await api(SEND, {"input": notice_input(world, kind, targets)}, as_=keeper)
        assert code_and_field(result) == ("FORBIDDEN", "targetIds"), kind
    # Residents, merchants and another community's operator send nothing.
    for person in (world.owner_a101, world.merchant_a, world.operator_b):
        code, _ = code_and_field(await api(SEND, {"input": notice_input(world)}, as_=person))
        assert code == "FORBIDDEN", person.name
    assert (await Notice.all().count(), await OutboxEvent.all().count()) == before
    # The keeper reads what reaches their grid, and what they sent.
    to_a102 = await send(api, world, "HOUSE", [world.a102])
    seen = ids(data(await api(NOTICES, {}, as_=keeper))["notices"]["nodes"])
    assert int(ok["id"]) in seen and int(to_a102["id"]) not in seen


async def test_bad_input_is_refused_and_writes_nothing(api: Api, world: World) -> None:
    before = (await Notice.all().count(), await NoticeHousehold.all().count(), await OutboxEvent.all().count())
    cases = [
        (notice_input(world, "BUILDING", [world.b1]), ("NOT_FOUND", "targetIds")),  # another community's
        (notice_input(world, "HOUSE", []), ("INVALID_INPUT", "targetIds")),
        (notice_input(world, "COMMUNITY", [world.a1]), ("INVALID_INPUT", "targetIds")),
        (notice_input(world, title="   "), ("INVALID_INPUT", "title")),
        (notice_input(world, body="x" * 2001), ("INVALID_INPUT", "body")),
        (notice_input(world, "HOUSE", [world.a201], title="a\u202eb"), ("INVALID_INPUT", "title")),
        ({**notice_input(world, "HOUSE", []), "targetIds": ["999999"]}, ("NOT_FOUND", "targetIds")),
    ]
    for payload, expected in cases:
        assert code_and_field(await api(SEND, {"input": payload}, as_=world.operator_a)) == expected, payload
    assert (await Notice.all().count(), await NoticeHousehold.all().count(), await OutboxEvent.all().count()) == before


async def test_a_new_household_does_not_read_the_former_ones_house_notices(api: Api, world: World) -> None:
    old = await send(api, world, "HOUSE", [world.a201])
    everyone = await send(api, world)
    newcomer = await make_resident(world.a201, name="Newcomer")  # moved in on 2020-01-01 by the factory
    await Notice.filter(id=int(old["id"])).update(created_at=datetime(2019, 6, 1, tzinfo=UTC))
    seen = ids(data(await api(NOTICES, {}, as_=newcomer))["notices"]["nodes"])
    assert seen == {int(everyone["id"])}


async def test_who_a_notice_reaches(api: Api, world: World) -> None:
    notice = await send(api, world, "UNIT", [world.u1])
    assert await service.targeted_households(int(notice["id"])) == sorted([world.a101.id, world.a102.id])
    people = await service.targeted_people(int(notice["id"]))
    assert people == sorted([world.owner_a101.id, world.child_a101.id, world.elder_a102.id])


async def test_a_notice_reaches_its_households_inbox_when_the_app_is_closed(api: Api, world: World) -> None:
    """Each resident of a targeted household gets it in myNotifications (and through its channels),
    once; nobody else does."""
    notice = await send(api, world, "HOUSE", [world.a102], title="Your water meter is read on Friday")
    told = await Notification.filter(source=f"notice-{notice['id']}").values_list("person_id", flat=True)
    assert {int(str(p)) for p in told} == {world.elder_a102.id}
    inbox = data(await api(INBOX, {}, as_=world.elder_a102))["myNotifications"]["nodes"]
    assert [(n["kind"], n["title"]) for n in inbox] == [("NOTICE", "Your water meter is read on Friday")]
    assert data(await api(INBOX, {}, as_=world.owner_a101))["myNotifications"]["nodes"] == []
    assert data(await api(INBOX, {}, as_=world.owner_b101))["myNotifications"]["nodes"] == []
