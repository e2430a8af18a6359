"""Bills follow residency, not only the house: a tenant who moves into a101 sees the bills of the
months they lived there, never the former household's, on lists, by id, on myBills replayed from
the start, and for billPay; the CSV export is the operators' alone. The former household keeps
seeing its own; the office sees all of them."""

from __future__ import annotations

import asyncio
from typing import Any

from gql import GraphQLRequest, gql

from auth.roles import Role
from domain.bills import service
from domain.bills.models import Bill
from domain.people.models import Membership, Person, Residency, ResidencyKind
from realtime.outbox import publishing_to
from tests.bills.support import BILL, BILLS, MY_BILLS, generate, previous_month, tariff
from tests.bills.test_bills_csv_export import get as get_csv
from tests.conftest import RunningServer
from tests.realtime.support import socket, take
from tests.support import Api, World, code_and_field, data, make_person

PAY = "mutation P($id: ID!) { billPay(billId: $id, provider: SANDBOX) { id } }"


async def two_months_and_a_new_tenant(api: Api, world: World) -> tuple[Bill, Bill, Person]:
    """a101 billed for two months; a tenant moved in on the first day of the later one (the
    family of 2020 still lives there: a tenant sharing the flat is a household member from then on)."""
    await tariff(api, world, "PROPERTY_FEE", 250)
    older, newer = previous_month(back=2), previous_month()
    data(await generate(api, world, older))
    data(await generate(api, world, newer))
    tenant = await make_person(name="New Tenant")
    await Residency.create(
        person=tenant, house=world.a101, community_id=world.a.id, kind=ResidencyKind.TENANT, moved_in=newer.first_day
    )
    await Membership.create(person=tenant, community_id=world.a.id, role=Role.RESIDENT)
    return (
        await Bill.get(house_id=world.a101.id, period=older.label),
        await Bill.get(house_id=world.a101.id, period=newer.label),
        tenant,
    )


async def ids_seen(api: Api, person: Any) -> set[str]:
    return {b["id"] for b in data(await api(BILLS, {"h": None}, as_=person))["bills"]["nodes"]}


async def test_the_tenant_sees_only_the_months_they_lived_there(api: Api, world: World) -> None:
    older, newer, tenant = await two_months_and_a_new_tenant(api, world)
    assert await ids_seen(api, tenant) == {str(newer.id)}
    assert await ids_seen(api, world.owner_a101) == {str(older.id), str(newer.id)}
    assert {str(older.id), str(newer.id)} <= await ids_seen(api, world.operator_a)
    by_house = await api(BILLS, {"h": str(world.a101.id)}, as_=tenant)
    assert [n["id"] for n in data(by_house)["bills"]["nodes"]] == [str(newer.id)]
    result = await api(BILL, {"id": str(older.id)}, as_=tenant)
    assert (result["data"], code_and_field(result)) == ({"bill": None}, ("NOT_FOUND", "id"))
    assert data(await api(BILL, {"id": str(newer.id)}, as_=tenant))["bill"]["id"] == str(newer.id)
    assert code_and_field(await api(PAY, {"id": str(older.id)}, as_=tenant)) == ("NOT_FOUND", "billId")


async def test_a_tenant_who_moved_in_after_every_bill_sees_none(api: Api, world: World) -> None:
    await tariff(api, world, "PROPERTY_FEE", 250)
    data(await generate(api, world, previous_month()))
    tenant = await make_person(name="Newest Tenant")
    today = previous_month().following.first_day
    await Residency.create(
        person=tenant, house=world.a101, community_id=world.a.id, kind=ResidencyKind.TENANT, moved_in=today
    )
    await Membership.create(person=tenant, community_id=world.a.id, role=Role.RESIDENT)
    assert await ids_seen(api, tenant) == set()


async def test_mybills_replayed_from_the_start_skips_the_former_households(
    api: Api, world: World, server: RunningServer
) -> None:
    _, newer, tenant = await two_months_and_a_new_tenant(api, world)
    async with socket(server, tenant) as session:
        request = GraphQLRequest(gql(MY_BILLS), variable_values={"after": "0"})
        [first] = await take(session, request, 1)
    # The older bill was issued first: had it reached the tenant, it would be this message.
    assert (first["kind"], first["bill"]["id"]) == ("BILL_ISSUED", str(newer.id))


async def test_the_csv_export_is_the_operators_alone(api: Api, world: World, server: RunningServer) -> None:
    older, _, tenant = await two_months_and_a_new_tenant(api, world)
    params = {"communityId": str(world.a.id), "period": older.period}
    assert (await get_csv(server, params, tenant)).status_code == 403


async def test_an_earlier_move_in_date_reaches_a_running_subscription(
    api: Api, world: World, pushing_server: RunningServer, pushing_api: Api
) -> None:
    """Correcting movedIn changes which bills are the tenant's: it is pushed to their running
    myBills (this server re-reads a viewer only hourly on its own), so the older bill's next
    message reaches them."""
    older, newer, tenant = await two_months_and_a_new_tenant(api, world)
    residency = await Residency.get(person=tenant)
    async with socket(pushing_server, tenant) as session:
        messages = session.subscribe(GraphQLRequest(gql(MY_BILLS), variable_values={"after": "0"}))
        first = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        assert first["bill"]["id"] == str(newer.id)
        update = "mutation U($input: ResidencyUpdateInput!) { residencyUpdate(input: $input) { id movedIn } }"
        moved_in = previous_month(back=2).first_day.isoformat()
        variables = {"input": {"id": str(residency.id), "movedIn": moved_in}}
        data(await pushing_api(update, variables, as_=world.operator_a))
        with publishing_to(pushing_server.publisher):
            await service.settle(older.id, payment_ref="paid-at-the-office", amount_fen=int(older.total_fen))
        second = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        await messages.aclose()
    assert (second["kind"], second["bill"]["id"]) == ("BILL_PAID", str(older.id))
