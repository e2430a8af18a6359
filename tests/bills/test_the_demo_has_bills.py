"""`lingli seed`: Sunrise has tariffs and two months of meter readings, so the demo resident logs in
to last month's bill (to pay) and the month before's (paid), computed from the meters."""

from __future__ import annotations

from server.seed import DEMO_PASSWORD, seed_demo
from tests.bills.support import BILLS
from tests.support import Api, data

LOGIN = "mutation L($p: String!, $w: String!) { authLogin(phone: $p, password: $w) { accessToken } }"


async def test_the_demo_resident_has_a_bill_to_pay_and_one_paid(api: Api) -> None:
    assert await seed_demo()
    token = data(await api(LOGIN, {"p": "13800000001", "w": DEMO_PASSWORD}))["authLogin"]["accessToken"]
    bills = data(await api(BILLS, {}, token=token))["bills"]["nodes"]
    newer, older = sorted(bills, key=lambda b: b["period"], reverse=True)
    assert (newer["status"], older["status"]) == ("ISSUED", "PAID")
    assert newer["anomalies"] == 0 and newer["house"]["number"] == "101"
    amounts = {line["utility"]: line["amountFen"] for line in newer["lines"]}
    # 8.5 m³ × 350; 187.7 kWh × 52 = 9760.4; 15.7 m³ × 280; 89 m² × 250.
    assert amounts == {"WATER": 2975, "ELECTRICITY": 9760, "GAS": 4396, "PROPERTY_FEE": 22250}
    assert newer["totalFen"] == sum(amounts.values()) == 39381
