"""Statistics: what the centre sees of the events of its community, over a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.events.models import Event
from domain.people.models import Person
from tests.events.support import ACCEPT, ESCALATE, RATE, RESOLVE
from tests.support import Api, World, data

REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status category reportedAt deadlineAt }
}
"""
STATISTICS = """
query S($c: ID!, $since: DateTime, $until: DateTime) {
  eventStatistics(communityId: $c, since: $since, until: $until) {
    total overdue averageResolveSeconds averageRating ratings
    byStatus { key count } byCategory { key count } byGrid { key count } byBuilding { key count }
  }
}
"""


async def report(api: Api, world: World, person: Person, category: str = "REPAIR", **place: Any) -> dict[str, Any]:
    fields = {"communityId": str(world.a.id), "category": category, "description": "Please have a look", **place}
    return dict(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"])


async def test_statistics_count_what_happened(api: Api, world: World) -> None:
    keeper, resident = world.keeper_g1, world.owner_a101
    now = datetime.now(UTC)

    async def resolved_after(event: dict[str, Any], hours: int, score: int) -> None:
        data(await api(ACCEPT, {"id": event["id"]}, as_=keeper))
        # Reported `hours` ago: resolving now takes that long.
        await Event.filter(id=int(event["id"])).update(reported_at=datetime.now(UTC) - timedelta(hours=hours))
        data(await api(RESOLVE, {"id": event["id"]}, as_=keeper))
        data(await api(RATE, {"id": event["id"], "score": score}, as_=resident))

    repair = await report(api, world, resident, "REPAIR", houseId=str(world.a101.id))  # g1, A1
    await resolved_after(repair, 2, 5)
    noise = await report(api, world, resident, "NOISE", houseId=str(world.a101.id))  # g1, A1
    await resolved_after(noise, 4, 2)
    await report(api, world, world.elder_a102, "REPAIR", houseId=str(world.a102.id))  # g2, A1: REPORTED
    await report(api, world, resident, "ENVIRONMENT")  # common parts: no grid, no building
    parking = await report(api, world, world.operator_a, "PARKING", houseId=str(world.a201.id))  # g2, A2
    data(await api(ESCALATE, {"id": parking["id"]}, as_=world.operator_a))
    await Event.filter(id=int(parking["id"])).update(deadline_at=now - timedelta(minutes=5))  # open and late
    old = await report(api, world, resident, "OTHER", houseId=str(world.a101.id))  # g1, A1: ASSIGNED
    await Event.filter(id=int(old["id"])).update(reported_at=now - timedelta(days=10))
    b_event = {
        "communityId": str(world.b.id),
        "category": "REPAIR",
        "description": "In B",
        "houseId": str(world.b101.id),
    }
    data(await api(REPORT, {"input": b_event}, as_=world.owner_b101))  # another community: not counted

    def tallies(rows: list[dict[str, Any]]) -> dict[str | None, int]:
        return {row["key"]: row["count"] for row in rows}

    stats = data(await api(STATISTICS, {"c": str(world.a.id)}, as_=world.operator_a))["eventStatistics"]
    assert (stats["total"], stats["overdue"], stats["ratings"], stats["averageRating"]) == (6, 1, 2, 3.5)
    assert 3 * 3600 <= stats["averageResolveSeconds"] < 3 * 3600 + 2  # (2 h + 4 h) / 2
    assert tallies(stats["byStatus"]) == {"CLOSED": 2, "REPORTED": 2, "ESCALATED": 1, "ASSIGNED": 1}
    assert tallies(stats["byCategory"]) == {"REPAIR": 2, "NOISE": 1, "ENVIRONMENT": 1, "PARKING": 1, "OTHER": 1}
    assert tallies(stats["byGrid"]) == {str(world.g1.id): 3, str(world.g2.id): 2, None: 1}
    assert tallies(stats["byBuilding"]) == {str(world.a1.id): 4, str(world.a2.id): 1, None: 1}

    # The period is by report time: the event reported ten days ago falls out of the last week.
    week = {"c": str(world.a.id), "since": (now - timedelta(days=7)).isoformat()}
    recent = data(await api(STATISTICS, week, as_=world.staff_a))["eventStatistics"]
    assert recent["total"] == 5 and "OTHER" not in tallies(recent["byCategory"])
    assert tallies(recent["byGrid"])[str(world.g1.id)] == 2
    before = {"c": str(world.a.id), "until": (now - timedelta(days=7)).isoformat()}
    earlier = data(await api(STATISTICS, before, as_=world.operator_a))["eventStatistics"]
    assert (earlier["total"], tallies(earlier["byStatus"]), earlier["averageRating"], earlier["ratings"]) == (
        1,
        {"ASSIGNED": 1},
        None,
        0,
    )
