"""Bills' tests: a month that has ended, meters in houses with readings posted over /telemetry,
tariffs set by the operator, and the documents the tests send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from domain.bills.periods import Month, last_month
from domain.space.models import House
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.support import Api, World, data

GENERATE = """
mutation G($c: ID!, $p: String!) { billsGenerate(communityId: $c, period: $p) { period created existing anomalies } }
"""
SET_TARIFF = """
mutation T($input: TariffSetInput!) { tariffSet(input: $input) { id utility priceFen effectiveFrom } }
"""
BILLS = """
query B($c: ID, $h: ID, $p: String, $s: BillStatus, $a: Boolean) {
  bills(communityId: $c, houseId: $h, period: $p, status: $s, anomalous: $a) {
    totalCount
    nodes {
      id period status totalFen totalYuan anomalies dueDate house { id number }
      lines { utility deviceId startReading endReading quantity unitPriceFen amountFen anomaly note }
    }
  }
}
"""
BILL = "query B($id: ID!) { bill(id: $id) { id period status totalFen } }"
MY_BILLS = """
subscription M($c: ID, $after: String) {
  myBills(communityId: $c, after: $after) { cursor kind bill { id period status totalFen house { number } } }
}
"""


def previous_month(zone: str = "Asia/Shanghai", *, back: int = 1) -> Month:
    """A month that has ended in that zone (``back`` months before this one), whose readings the
    telemetry route still takes (it refuses readings older than a year)."""
    month = last_month(zone)
    for _ in range(back - 1):
        month = month.previous
    return month


def telemetry_url(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql") + "/telemetry"


async def meter(api: Api, world: World, type: str, house: House) -> tuple[int, str]:
    """A meter registered in the house by the community's operator: its id and key."""
    return await register(api, world, type, house)


async def readings(server: RunningServer, key: str, *points: tuple[datetime, float]) -> None:
    """The meter reports its register at those instants, over the real HTTP route."""
    body = {"readings": [{"metric": "reading", "value": v, "recordedAt": at.isoformat()} for at, v in points]}
    async with httpx.AsyncClient() as http:
        response = await http.post(telemetry_url(server), json=body, headers={"X-Device-Key": key})
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == len(points), response.json()


async def tariff(api: Api, world: World, utility: str, price_fen: int, effective_from: str = "2000-01-01") -> None:
    payload = {
        "communityId": str(world.a.id),
        "utility": utility,
        "priceFen": price_fen,
        "effectiveFrom": effective_from,
    }
    data(await api(SET_TARIFF, {"input": payload}, as_=world.operator_a))


async def generate(api: Api, world: World, month: Month, as_: Any = None, community: Any = None) -> dict[str, Any]:
    variables = {"c": str((community or world.a).id), "p": month.label}
    return await api(GENERATE, variables, as_=as_ or world.operator_a)


async def with_area(house: House, m2: str) -> None:
    await House.filter(id=house.id).update(area_m2=Decimal(m2))


def around(month: Month, zone: str = "Asia/Shanghai") -> tuple[datetime, datetime, datetime]:
    """An instant just before the month, one in its middle, one just before it ends (UTC)."""
    span = month.span(zone)
    return span.since - timedelta(hours=1), span.since + timedelta(days=10), span.until - timedelta(minutes=1)


def now() -> datetime:
    return datetime.now(UTC)
