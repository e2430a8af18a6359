"""Each community reads its days and months in its own time zone (default Asia/Shanghai): periods of
statistics, a move-out "on the day". Instants stay UTC, and a time without a zone is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.events.models import Event
from domain.space import calendar
from domain.space.calendar import Period
from domain.space.models import Community
from tests.events.support import REPORT
from tests.support import Api, World, code_and_field, data, error

COMMUNITY_CREATE = """
mutation C($input: CommunityCreateInput!) { communityCreate(input: $input) { id code timeZone } }
"""
COMMUNITY_UPDATE = "mutation U($input: CommunityUpdateInput!) { communityUpdate(input: $input) { id timeZone } }"
STATISTICS = """
query S($c: ID!, $period: CalendarPeriod, $since: DateTime) {
  eventStatistics(communityId: $c, period: $period, since: $since) { since until total }
}
"""
RESIDENCY_END = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id movedOut } }"
RESIDENCY_ID = "query R($h: ID!) { house(id: $h) { residents(first: 20) { id person { name } } } }"


async def test_a_new_community_reads_its_days_in_shanghai_unless_told(api: Api, world: World) -> None:
    default = data(await api(COMMUNITY_CREATE, {"input": {"name": "Gamma", "code": "GAMMA"}}, as_=world.admin))
    assert default["communityCreate"]["timeZone"] == "Asia/Shanghai"
    berlin = {"input": {"name": "Delta", "code": "DELTA", "timeZone": "Europe/Berlin"}}
    assert data(await api(COMMUNITY_CREATE, berlin, as_=world.admin))["communityCreate"]["timeZone"] == "Europe/Berlin"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "UTC+8", "posixrules", "../../etc/passwd", "Asia/" + "x" * 70, ""])
async def test_a_zone_that_is_not_an_iana_name_is_refused_and_nothing_is_written(
    api: Api, world: World, zone: str
) -> None:
    created = await api(COMMUNITY_CREATE, {"input": {"name": "G", "code": "GAMMA", "timeZone": zone}}, as_=world.admin)
    assert code_and_field(created) == ("INVALID_INPUT", "timeZone")
    assert not await Community.filter(code="GAMMA").exists()
    changed = await api(COMMUNITY_UPDATE, {"input": {"id": str(world.a.id), "timeZone": zone}}, as_=world.operator_a)
    assert code_and_field(changed) == ("INVALID_INPUT", "timeZone")
    assert (await Community.get(id=world.a.id)).time_zone == "Asia/Shanghai"


async def test_an_operator_sets_the_zone_of_their_own_community_only(api: Api, world: World) -> None:
    own = {"input": {"id": str(world.a.id), "timeZone": "Asia/Urumqi"}}
    assert data(await api(COMMUNITY_UPDATE, own, as_=world.operator_a))["communityUpdate"]["timeZone"] == "Asia/Urumqi"
    assert error(await api(COMMUNITY_UPDATE, own, as_=world.owner_a101))["code"] == "FORBIDDEN"
    other = {"input": {"id": str(world.b.id), "timeZone": "Asia/Urumqi"}}
    assert error(await api(COMMUNITY_UPDATE, other, as_=world.operator_a))["code"] == "NOT_FOUND"
    assert (await Community.get(id=world.b.id)).time_zone == "Asia/Shanghai"


def test_periods_begin_at_the_communitys_midnight() -> None:
    # 01:30 on 2 December in Shanghai is still 1 December in UTC.
    now = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    today = calendar.span("Asia/Shanghai", Period.TODAY, now)
    assert (today.since, today.until) == (datetime(2026, 12, 1, 16, tzinfo=UTC), datetime(2026, 12, 2, 16, tzinfo=UTC))
    assert calendar.today("Asia/Shanghai", now) == date(2026, 12, 2)
    month = calendar.span("Asia/Shanghai", Period.THIS_MONTH, now)
    assert (month.since, month.until) == (
        datetime(2026, 11, 30, 16, tzinfo=UTC),
        datetime(2026, 12, 31, 16, tzinfo=UTC),
    )
    january = datetime(2027, 1, 10, 4, tzinfo=UTC)
    last = calendar.span("Asia/Shanghai", Period.LAST_MONTH, january)
    assert (last.since, last.until) == (datetime(2026, 11, 30, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))
    week = calendar.span("Asia/Shanghai", Period.THIS_WEEK, now)  # 2 December 2026 is a Wednesday
    assert week.since == datetime(2026, 11, 29, 16, tzinfo=UTC)


def test_a_day_the_clocks_change_is_as_long_as_it_is_there() -> None:
    spring = calendar.span("Europe/Berlin", Period.TODAY, datetime(2027, 3, 28, 12, tzinfo=UTC))
    assert spring.until - spring.since == timedelta(hours=23)
    autumn = calendar.span("Europe/Berlin", Period.TODAY, datetime(2026, 10, 25, 12, tzinfo=UTC))
    assert autumn.until - autumn.since == timedelta(hours=25)
    bill = calendar.month_span("Europe/Berlin", 2027, 3)
    assert bill.until - bill.since == timedelta(days=31, hours=-1)


async def test_todays_statistics_count_from_the_communitys_midnight(api: Api, world: World) -> None:
    fields = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Tap", "houseId": str(world.a101.id)}
    today_event = data(await api(REPORT, {"input": fields}, as_=world.owner_a101))["eventReport"]
    yesterday_event = data(await api(REPORT, {"input": fields}, as_=world.owner_a101))["eventReport"]
    span = calendar.span("Asia/Shanghai", Period.TODAY)
    await Event.filter(id=int(yesterday_event["id"])).update(reported_at=span.since - timedelta(minutes=1))

    figures = data(await api(STATISTICS, {"c": str(world.a.id), "period": "TODAY"}, as_=world.operator_a))
    counted = figures["eventStatistics"]
    assert datetime.fromisoformat(counted["since"]) == span.since
    assert datetime.fromisoformat(counted["until"]) == span.until
    assert datetime.fromisoformat(counted["since"]).astimezone(ZoneInfo("Asia/Shanghai")).time().hour == 0
    assert counted["total"] == 1, today_event

    both = {"c": str(world.a.id), "period": "TODAY", "since": "2026-01-01T00:00:00Z"}
    assert code_and_field(await api(STATISTICS, both, as_=world.operator_a)) == ("INVALID_INPUT", "period")


async def test_a_move_out_is_on_the_communitys_day_not_the_servers(api: Api, world: World) -> None:
    # 26 hours apart: at any moment at least one of the two has a date other than UTC's.
    cases = [
        (world.a, world.a101, "Child A101", "Pacific/Kiritimati"),
        (world.b, world.b101, "Owner B101", "Etc/GMT+12"),
    ]
    for community, house, name, zone in cases:
        await Community.filter(id=community.id).update(time_zone=zone)
        operator = world.operator_a if community.id == world.a.id else world.operator_b
        residents = data(await api(RESIDENCY_ID, {"h": str(house.id)}, as_=operator))["house"]["residents"]
        residency = next(r["id"] for r in residents if r["person"]["name"] == name)
        local_today = datetime.now(ZoneInfo(zone)).date()

        tomorrow = {"input": {"id": residency, "movedOut": (local_today + timedelta(days=1)).isoformat()}}
        assert code_and_field(await api(RESIDENCY_END, tomorrow, as_=operator)) == ("INVALID_INPUT", "movedOut"), zone
        today = {"input": {"id": residency, "movedOut": local_today.isoformat()}}
        assert (
            data(await api(RESIDENCY_END, today, as_=operator))["residencyEnd"]["movedOut"] == local_today.isoformat()
        )
