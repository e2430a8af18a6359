"""GET /exports/bills.csv: a period's bills for the community's operators only (401/403/404/400 typed
JSON otherwise), streamed page by page, quoted as RFC 4180 says, formulas defused, amounts in fen and
yuan from the integers."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx

from domain.bills.models import Bill
from domain.space.models import Building
from tests.bills.support import generate, previous_month, tariff, with_area
from tests.conftest import RunningServer
from tests.support import Api, World, data, make_house, token_for


def export_url(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql") + "/exports/bills.csv"


async def get(
    server: RunningServer, params: dict[str, str], person: object = None, token: str | None = None
) -> httpx.Response:
    if person is not None:
        token = await token_for(server.issuer, person)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient() as http:
        return await http.get(export_url(server), params=params, headers=headers)


def rows(response: httpx.Response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_the_operator_gets_the_periods_bills_quoted_and_in_fen_and_yuan(
    api: Api, world: World, server: RunningServer
) -> None:
    month = previous_month()
    await Building.filter(id=world.a1.id).update(name='1号楼, "East"')
    await Building.filter(id=world.a2.id).update(name="=HYPERLINK(1)")
    await tariff(api, world, "PROPERTY_FEE", 333)
    await with_area(world.a101, "89.55")
    data(await generate(api, world, month))
    response = await get(server, {"communityId": str(world.a.id), "period": month.label}, world.operator_a)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "content-length" not in response.headers  # streamed
    assert '"1号楼, ""East"""' in response.content.decode()
    found = {r["house"]: r for r in rows(response) if r["building"] != "'=HYPERLINK(1)"}
    by_building = {r["building"] for r in rows(response)}
    assert by_building == {'1号楼, "East"', "'=HYPERLINK(1)"}
    a101 = found["101"]
    # 89.55 m² × 333 fen = 29820.15 → 29820 fen.
    assert (a101["property_fee_fen"], a101["total_fen"], a101["total_yuan"]) == ("29820", "29820", "298.20")
    assert (a101["area_m2"], a101["status"], a101["period"], a101["anomalies"]) == ("89.55", "ISSUED", month.label, "0")
    assert len(rows(response)) == 3


async def test_a_large_period_streams_every_bill_once_in_order(api: Api, world: World, server: RunningServer) -> None:
    month = previous_month()
    span = month.span("Asia/Shanghai")
    houses = [await make_house(world.a2, number=f"H{n}") for n in range(1201)]
    await Bill.bulk_create(
        Bill(
            community_id=world.a.id,
            house_id=h.id,
            period=month.label,
            period_start=span.since,
            period_end=span.until,
            total_fen=0,
            due_date=month.last_day + timedelta(days=15),
            overdue_from=span.until + timedelta(days=15),
            issued_at=span.until,
        )
        for h in houses
    )
    response = await get(server, {"communityId": str(world.a.id), "period": month.label}, world.operator_a)
    ids = [int(r["bill_id"]) for r in rows(response)]
    assert len(ids) == len(set(ids)) == 1201 and ids == sorted(ids)  # three pages of 500


async def test_everyone_else_gets_a_typed_error_and_no_file(api: Api, world: World, server: RunningServer) -> None:
    month = previous_month()
    await tariff(api, world, "PROPERTY_FEE", 250)
    data(await generate(api, world, month))
    params = {"communityId": str(world.a.id), "period": month.label}
    cases = [
        (await get(server, params), 401, "UNAUTHENTICATED", None),
        (await get(server, params, token="not-a-token"), 401, "UNAUTHENTICATED", None),
        (await get(server, params, world.owner_a101), 403, "FORBIDDEN", None),
        (await get(server, params, world.staff_a), 403, "FORBIDDEN", None),
        (await get(server, params, world.operator_b), 403, "FORBIDDEN", None),
        (await get(server, {**params, "communityId": str(2**31 - 1)}, world.admin), 404, "NOT_FOUND", "communityId"),
        (await get(server, {**params, "period": "2026-1"}, world.operator_a), 400, "INVALID_INPUT", "period"),
        (await get(server, {"period": month.label}, world.operator_a), 400, "INVALID_INPUT", "communityId"),
        (await get(server, {**params, "communityId": "１"}, world.operator_a), 400, "INVALID_INPUT", "communityId"),
    ]
    for response, status, code, field in cases:
        assert response.status_code == status, response.text
        body = response.json()
        assert (body["code"], body["field"]) == (code, field), body
        assert body["message"] and body["requestId"]


async def test_another_month_or_community_exports_no_foreign_rows(
    api: Api, world: World, server: RunningServer
) -> None:
    month = previous_month()
    await tariff(api, world, "PROPERTY_FEE", 250)
    data(await generate(api, world, month))
    data(await generate(api, world, month, as_=world.operator_b, community=world.b))
    theirs = await get(server, {"communityId": str(world.b.id), "period": month.label}, world.operator_b)
    assert [r["house"] for r in rows(theirs)] == ["101"] and rows(theirs)[0]["building"] == "B1"
    earlier = month.previous
    empty = await get(server, {"communityId": str(world.a.id), "period": earlier.label}, world.operator_a)
    assert empty.status_code == 200 and rows(empty) == []
