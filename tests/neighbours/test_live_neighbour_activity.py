"""neighbourActivity: the neighbourhood live, judged per message as the subscriber is when it is
delivered: a group by approval's posts reach its members (and operators) only, from the moment
they join until the moment they leave; a membership change reaches only the person; cursors resume.

Non-delivery is proved without waiting: foreign messages are caused before a visible one, and the
visible one must be next."""

from __future__ import annotations

import asyncio
from typing import Any

from gql import GraphQLRequest, gql

from tests.conftest import RunningServer
from tests.neighbours.support import (
    CANCEL,
    LEAVE,
    NEIGHBOUR_ACTIVITY,
    ask_help,
    make_activity,
    make_group,
    member_of,
    post,
    sign_up,
)
from tests.realtime.support import next_message, socket, take
from tests.support import Api, World, data

FEED = gql(NEIGHBOUR_ACTIVITY)


def request(world: World, after: str | None = "0") -> GraphQLRequest:
    return GraphQLRequest(FEED, variable_values={"c": str(world.a.id), "after": after})


def summary(messages: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Each message's kind and what it names (a post's body, a membership's status, a title)."""

    def what(m: dict[str, Any]) -> str | None:
        if m["post"]:
            return str(m["post"]["body"])
        if m["membership"]:
            return str(m["membership"]["status"])
        if m["group"]:
            return str(m["group"]["name"])
        if m["helpRequest"]:
            return str(m["helpRequest"]["title"])
        if m["activity"]:
            return f"{m['activity']['confirmed']}+{m['activity']['waiting']}"
        return None

    return [(m["kind"], what(m)) for m in messages]


async def scene(api: Api, world: World) -> dict[str, Any]:
    """A group by approval with the owner of a101 in it; a post there; one on the board; help asked."""
    group = await make_group(api, world.a, world.staff_a, name="Parents", kind="PARENTS", policy="APPROVAL")
    await member_of(api, group, world.owner_a101, world.staff_a)
    await post(api, world.a, world.owner_a101, "secret rota", group)
    await post(api, world.a, world.owner_a101, "hello board")
    await ask_help(api, world, world.elder_a102, "Water my plants")
    return group


async def test_a_private_groups_posts_never_reach_a_non_member(api: Api, world: World, server: RunningServer) -> None:
    await scene(api, world)
    async with socket(server, world.elder_a102) as session:
        got = await take(session, request(world), 3)
    assert summary(got) == [
        ("GROUP_CREATED", "Parents"),
        ("POST_CREATED", "hello board"),
        ("HELP_REQUESTED", "Water my plants"),
    ]


async def test_members_and_operators_receive_the_groups_posts(api: Api, world: World, server: RunningServer) -> None:
    await scene(api, world)
    async with socket(server, world.owner_a101) as session:
        member = await take(session, request(world), 6)
    assert summary(member) == [
        ("GROUP_CREATED", "Parents"),
        ("GROUP_MEMBERSHIP_CHANGED", "PENDING"),  # their own: not the creator's
        ("GROUP_MEMBERSHIP_CHANGED", "ACTIVE"),
        ("POST_CREATED", "secret rota"),
        ("POST_CREATED", "hello board"),
        ("HELP_REQUESTED", "Water my plants"),
    ]
    async with socket(server, world.operator_a) as session:
        operator = await take(session, request(world), 7)
    assert summary(operator) == [
        ("GROUP_CREATED", "Parents"),
        ("GROUP_MEMBERSHIP_CHANGED", "ACTIVE"),  # the creator, its first admin
        ("GROUP_MEMBERSHIP_CHANGED", "PENDING"),
        ("GROUP_MEMBERSHIP_CHANGED", "ACTIVE"),
        ("POST_CREATED", "secret rota"),
        ("POST_CREATED", "hello board"),
        ("HELP_REQUESTED", "Water my plants"),
    ]


async def test_joining_and_leaving_take_effect_at_the_next_message(
    api: Api, world: World, server: RunningServer
) -> None:
    group = await make_group(api, world.a, world.staff_a, name="Parents", kind="PARENTS", policy="APPROVAL")
    await member_of(api, group, world.owner_a101, world.staff_a)
    async with socket(server, world.elder_a102) as session:
        feed = session.subscribe(request(world))
        assert summary([await next_message(feed)]) == [("GROUP_CREATED", "Parents")]
        await post(api, world.a, world.owner_a101, "before you joined", group)
        await member_of(api, group, world.elder_a102, world.staff_a)
        assert summary([await next_message(feed), await next_message(feed)]) == [
            ("GROUP_MEMBERSHIP_CHANGED", "PENDING"),
            ("GROUP_MEMBERSHIP_CHANGED", "ACTIVE"),
        ]
        await post(api, world.a, world.owner_a101, "welcome", group)
        assert summary([await next_message(feed)]) == [("POST_CREATED", "welcome")]
        data(await api(LEAVE, {"g": group["id"]}, as_=world.elder_a102))
        assert summary([await next_message(feed)]) == [("GROUP_MEMBERSHIP_CHANGED", "LEFT")]
        await post(api, world.a, world.owner_a101, "after you left", group)
        await post(api, world.a, world.owner_a101, "board marker")
        assert summary([await next_message(feed)]) == [("POST_CREATED", "board marker")]
        await feed.aclose()


async def test_seat_counts_and_comments_arrive_live_without_the_check_in_code(
    api: Api, world: World, server: RunningServer
) -> None:
    async with socket(server, world.staff_a) as session:
        receiving = asyncio.create_task(take(session, request(world), 4))
        camp = await make_activity(api, world, capacity=1)
        await sign_up(api, camp, world.owner_a101)
        await sign_up(api, camp, world.elder_a102)
        data(await api(CANCEL, {"a": camp["id"]}, as_=world.owner_a101))
        got = await receiving
    assert summary(got) == [
        ("ACTIVITY_CREATED", "0+0"),
        ("ACTIVITY_SIGNUPS_CHANGED", "1+0"),
        ("ACTIVITY_SIGNUPS_CHANGED", "1+1"),
        ("ACTIVITY_SIGNUPS_CHANGED", "1+0"),  # the elder moved up
    ]
    assert {m["activity"]["checkInCode"] for m in got} == {None}


async def test_resuming_from_a_cursor_misses_nothing(api: Api, world: World, server: RunningServer) -> None:
    first = await post(api, world.a, world.owner_a101, "one")
    async with socket(server, world.elder_a102) as session:
        [seen] = await take(session, request(world), 1)
    assert seen["post"]["id"] == first["id"]
    await post(api, world.a, world.owner_a101, "two")
    await post(api, world.a, world.owner_a101, "three")
    async with socket(server, world.elder_a102) as session:
        rest = await take(session, request(world, seen["cursor"]), 2)
    assert summary(rest) == [("POST_CREATED", "two"), ("POST_CREATED", "three")]


async def test_no_one_subscribes_to_another_community(world: World, server: RunningServer) -> None:
    from tests.isolation.sweep import refusal

    for outsider in (world.owner_b101, world.operator_b):
        assert await refusal(server, outsider, FEED, {"c": str(world.a.id)}) == "FORBIDDEN"
