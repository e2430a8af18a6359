"""A smart bin's sorting records: the card names the resident; sorted right earns GREEN points up
to the daily cap, sorted wrong costs CREDIT; the same record twice (or twenty times at once) earns once."""

from __future__ import annotations

import asyncio

import pytest

from domain.points.models import Entry, SortingRecord
from tests.points.support import SORTING, bind, history_of, make_bin, points_of, sort, throw
from tests.support import Api, World, code_and_field, data, outcome_codes


async def test_sorting_right_earns_green_points_wrong_costs_credit(api: Api, world: World) -> None:
    bin = await make_bin(api, world)
    data(await bind(api, world, world.owner_a101, "CARD-0001"))
    report = await sort(api, bin, throw("r-1", "CARD-0001"), throw("r-2", "CARD-0001", correct=False))
    assert report == {"accepted": 2, "duplicateIndexes": [], "unknownCardIndexes": [], "points": 2}
    assert await points_of(api, world.owner_a101) == {
        "communityId": str(world.a.id),
        "green": 2,
        "volunteer": 0,
        "credit": 99,
    }
    entries = await history_of(api, world.owner_a101)
    assert [(e["kind"], e["amount"], e["reasonCode"], e["source"]) for e in entries] == [
        ("GREEN", 2, "SORTED_RIGHT", "SORTING"),
        ("CREDIT", 100, "CREDIT_BASE", "BASE"),
        ("CREDIT", -1, "SORTED_WRONG", "SORTING"),
    ]


async def test_the_same_record_twice_earns_once(api: Api, world: World) -> None:
    bin = await make_bin(api, world)
    data(await bind(api, world, world.owner_a101, "CARD-0001"))
    first = await sort(api, bin, throw("r-1", "CARD-0001"))
    again = await sort(api, bin, throw("r-1", "CARD-0001"), throw("r-1", "CARD-0001"))
    assert (first["points"], again) == (
        2,
        {"accepted": 0, "duplicateIndexes": [0, 1], "unknownCardIndexes": [], "points": 0},
    )
    assert (await points_of(api, world.owner_a101))["green"] == 2
    assert await Entry.filter(person_id=world.owner_a101.id).count() == 1


@pytest.mark.usefixtures("postgres_writers")
async def test_the_same_record_twenty_times_at_once_earns_once(api: Api, world: World) -> None:
    bin = await make_bin(api, world)
    data(await bind(api, world, world.owner_a101, "CARD-0001"))
    variables = {"key": bin.key, "records": [throw("r-1", "CARD-0001")]}
    results = await asyncio.gather(*(api(SORTING, variables) for _ in range(20)))
    assert outcome_codes(results) == ["OK"] * 20
    assert sorted(r["data"]["pointsSortingReport"]["points"] for r in results) == [0] * 19 + [2]
    assert await SortingRecord.all().count() == 1
    assert (await points_of(api, world.owner_a101))["green"] == 2


async def test_a_card_nobody_holds_is_stored_and_earns_nothing(api: Api, world: World) -> None:
    bin = await make_bin(api, world)
    report = await sort(api, bin, throw("r-1", "CARD-NOBODY"))
    assert report == {"accepted": 1, "duplicateIndexes": [], "unknownCardIndexes": [0], "points": 0}
    assert await Entry.all().count() == 0


async def test_a_card_of_another_community_is_nobody_here(api: Api, world: World) -> None:
    bin = await make_bin(api, world)
    data(await bind(api, world, world.owner_b101, "CARD-B", community=world.b, as_=world.operator_b))
    assert (await sort(api, bin, throw("r-1", "CARD-B")))["unknownCardIndexes"] == [0]
    assert await Entry.all().count() == 0


async def test_the_daily_cap_stops_sorting_points(api: Api, world: World) -> None:
    bin = await make_bin(api, world)
    data(await bind(api, world, world.owner_a101, "CARD-0001"))
    report = await sort(api, bin, *(throw(f"r-{i}", "CARD-0001") for i in range(7)))
    assert (report["accepted"], report["points"]) == (7, 10)  # 2 each, capped at 10 a day
    assert (await points_of(api, world.owner_a101))["green"] == 10


async def test_only_a_bin_reports_sorting_and_only_with_its_key(api: Api, world: World) -> None:
    from tests.devices.support import register

    _, smoke_key = await register(api, world, "SMOKE_DETECTOR")
    refused = await api(SORTING, {"key": smoke_key, "records": [throw("r-1", "CARD-1")]})
    assert code_and_field(refused) == ("INVALID_INPUT", "deviceKey")
    unknown = await api(SORTING, {"key": "dk_nothing", "records": [throw("r-1", "CARD-1")]})
    assert code_and_field(unknown)[0] == "UNAUTHENTICATED"
    bad = await api(SORTING, {"key": smoke_key, "records": [throw("r 1", "CARD-1")]})
    assert code_and_field(bad)[0] == "INVALID_INPUT"
    assert await SortingRecord.all().count() == 0


async def test_only_the_office_binds_cards_to_who_lives_there(api: Api, world: World) -> None:
    assert code_and_field(await bind(api, world, world.owner_a101, "C-1", as_=world.owner_a101))[0] == "FORBIDDEN"
    assert code_and_field(await bind(api, world, world.owner_a101, "C-1", as_=world.operator_b))[0] == "FORBIDDEN"
    assert code_and_field(await bind(api, world, world.owner_b101, "C-1"))[0] == "NOT_FOUND"
