"""Twins at once (PostgreSQL: SQLite runs one writer at a time): more sign-ups than seats take
exactly the seats; finishing or confirming twice at once pays once."""

from __future__ import annotations

import asyncio

import pytest

from domain.neighbours.models import Signup
from domain.points.models import Entry
from tests.neighbours.support import (
    CHECK_IN,
    FINISH,
    HELP_ACCEPT,
    HELP_CONFIRM,
    HELP_OFFER,
    SIGN_UP,
    ask_help,
    make_activity,
    sign_up,
)
from tests.support import Api, World, data, make_resident, outcome_codes, token_for


@pytest.mark.usefixtures("postgres_writers")
async def test_more_sign_ups_than_seats_take_exactly_the_seats(api: Api, world: World) -> None:
    camp = await make_activity(api, world, capacity=2)
    people = [await make_resident(world.a201, name=f"Neighbour {i}") for i in range(6)]
    tokens = [await token_for(api.issuer, p) for p in people]
    results = await asyncio.gather(*(api(SIGN_UP, {"a": camp["id"]}, token=t) for t in tokens))
    assert outcome_codes(results) == ["OK"] * 6
    statuses = sorted(r["data"]["neighbourActivitySignUp"]["status"] for r in results)
    assert statuses == ["CONFIRMED"] * 2 + ["WAITING"] * 4
    assert await Signup.filter(status="CONFIRMED").count() == 2


@pytest.mark.usefixtures("postgres_writers")
async def test_finishing_twice_at_once_pays_once(api: Api, world: World) -> None:
    clean_up = await make_activity(api, world, volunteer=True, points=7)
    await sign_up(api, clean_up, world.owner_a101)
    data(await api(CHECK_IN, {"a": clean_up["id"], "p": str(world.owner_a101.id)}, as_=world.staff_a))
    token = await token_for(api.issuer, world.staff_a)
    results = await asyncio.gather(*(api(FINISH, {"id": clean_up["id"]}, token=token) for _ in range(4)))
    assert outcome_codes(results) == ["CONFLICT"] * 3 + ["OK"]
    assert await Entry.filter(kind="VOLUNTEER", person_id=world.owner_a101.id).count() == 1


@pytest.mark.usefixtures("postgres_writers")
async def test_confirming_twice_at_once_pays_the_helper_once(api: Api, world: World) -> None:
    sofa = await ask_help(api, world, world.elder_a102)
    offer = data(await api(HELP_OFFER, {"r": sofa["id"], "n": ""}, as_=world.owner_a101))["helpOfferCreate"]
    data(await api(HELP_ACCEPT, {"o": offer["id"]}, as_=world.elder_a102))
    token = await token_for(api.issuer, world.elder_a102)
    results = await asyncio.gather(*(api(HELP_CONFIRM, {"id": sofa["id"]}, token=token) for _ in range(4)))
    assert outcome_codes(results) == ["CONFLICT"] * 3 + ["OK"]
    assert await Entry.filter(kind="VOLUNTEER", person_id=world.owner_a101.id).count() == 1
