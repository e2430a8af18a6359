"""Every bad input is a typed error naming its field, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from domain.neighbours import models as nm
from domain.people.models import Person
from domain.points.models import Entry
from realtime.models import OutboxEvent
from tests.neighbours.support import (
    ACTIVITY_CREATE,
    CANCEL,
    COMMENT_CREATE,
    GROUP_CREATE,
    HELP_CREATE,
    POST_CREATE,
    POST_UPDATE,
    SIGN_UP,
    activity_input,
    make_activity,
    make_group,
    post,
    sign_up,
    soon,
)
from tests.support import Api, World, code_and_field

LONG = "x" * 2001


@dataclass
class Scene:
    group: dict[str, Any]
    post: dict[str, Any]
    activity: dict[str, Any]


Case = tuple[str, Callable[[World, Scene], dict[str, Any]], str, str]


def group_input(w: World, **more: Any) -> dict[str, Any]:
    return {"input": {"communityId": str(w.a.id), "name": "Chess", "kind": "INTEREST", "joinPolicy": "OPEN", **more}}


def act(w: World, **more: Any) -> dict[str, Any]:
    return {"input": activity_input(w.a, **more)}


CASES: dict[str, Case] = {
    "group name too long": (GROUP_CREATE, lambda w, s: group_input(w, name="n" * 101), "INVALID_INPUT", "name"),
    "group name blank": (GROUP_CREATE, lambda w, s: group_input(w, name="   "), "INVALID_INPUT", "name"),
    "group name taken": (GROUP_CREATE, lambda w, s: group_input(w, name="Taken"), "CONFLICT", "name"),
    "building group without building": (
        GROUP_CREATE,
        lambda w, s: group_input(w, kind="BUILDING"),
        "INVALID_INPUT",
        "buildingId",
    ),
    "building of another community": (
        GROUP_CREATE,
        lambda w, s: group_input(w, kind="BUILDING", buildingId=str(w.b1.id)),
        "NOT_FOUND",
        "buildingId",
    ),
    "post too long": (
        POST_CREATE,
        lambda w, s: {"input": {"communityId": str(w.a.id), "body": LONG}},
        "INVALID_INPUT",
        "body",
    ),
    "post empty": (
        POST_CREATE,
        lambda w, s: {"input": {"communityId": str(w.a.id), "body": " "}},
        "INVALID_INPUT",
        "body",
    ),
    "post in a group of another community": (
        POST_CREATE,
        lambda w, s: {"input": {"communityId": str(w.b.id), "body": "hi", "groupId": s.group["id"]}},
        "FORBIDDEN",
        "communityId",
    ),
    "post with a photo key never handed out": (
        POST_CREATE,
        lambda w, s: {"input": {"communityId": str(w.a.id), "body": "hi", "photos": ["post_photo/2026/01/01/x.jpg"]}},
        "INVALID_INPUT",
        "photos",
    ),
    "edit too long": (POST_UPDATE, lambda w, s: {"id": s.post["id"], "b": LONG}, "INVALID_INPUT", "body"),
    "comment with control characters": (
        COMMENT_CREATE,
        lambda w, s: {"p": s.post["id"], "b": "hi\x07"},
        "INVALID_INPUT",
        "body",
    ),
    "capacity 0": (ACTIVITY_CREATE, lambda w, s: act(w, capacity=0), "INVALID_INPUT", "capacity"),
    "end before start": (
        ACTIVITY_CREATE,
        lambda w, s: act(w, startsAt=soon(3), endsAt=soon(1)),
        "INVALID_INPUT",
        "endsAt",
    ),
    "already over": (
        ACTIVITY_CREATE,
        lambda w, s: act(w, startsAt=soon(-3), endsAt=soon(-1)),
        "INVALID_INPUT",
        "endsAt",
    ),
    "time without a zone": (
        ACTIVITY_CREATE,
        lambda w, s: act(w, startsAt="2030-01-01T10:00:00"),
        "INVALID_INPUT",
        "input.startsAt",  # refused by the DateTime scalar, before the resolver (as everywhere)
    ),
    "points on a non-volunteer activity": (ACTIVITY_CREATE, lambda w, s: act(w, points=5), "INVALID_INPUT", "points"),
    "negative points": (ACTIVITY_CREATE, lambda w, s: act(w, volunteer=True, points=-1), "INVALID_INPUT", "points"),
    "title too long": (ACTIVITY_CREATE, lambda w, s: act(w, title="t" * 101), "INVALID_INPUT", "title"),
    "signing up twice": (SIGN_UP, lambda w, s: {"a": s.activity["id"]}, "CONFLICT", "activityId"),
    "cancelling when not signed up": (CANCEL, lambda w, s: {"a": s.activity["id"]}, "NOT_FOUND", "activityId"),
    "help title too long": (
        HELP_CREATE,
        lambda w, s: {"input": {"communityId": str(w.a.id), "title": "t" * 101}},
        "INVALID_INPUT",
        "title",
    ),
}


# Who sends each case (default: the owner of a101, who signed up for the activity).
def sender(name: str, w: World) -> Person:
    if name == "cancelling when not signed up":
        return w.elder_a102
    if CASES[name][0] in (GROUP_CREATE, ACTIVITY_CREATE):
        return w.staff_a
    return w.owner_a101


TABLES = (
    nm.Group,
    nm.GroupMember,
    nm.Post,
    nm.Comment,
    nm.PostPhoto,
    nm.AbuseReport,
    nm.Activity,
    nm.Signup,
    nm.HelpRequest,
    nm.HelpOffer,
    Entry,
)


async def snapshot() -> dict[str, Any]:
    state: dict[str, Any] = {m.__name__: await m.all().order_by("id").values() for m in TABLES}
    state["outbox"] = await OutboxEvent.all().count()
    return state


@pytest.fixture
async def scene(api: Api, world: World) -> Scene:
    group = await make_group(api, world.a, world.staff_a, name="Taken")
    board = await post(api, world.a, world.owner_a101, "Hello")
    activity = await make_activity(api, world)
    await sign_up(api, activity, world.owner_a101)
    return Scene(group=group, post=board, activity=activity)


@pytest.mark.parametrize("name", sorted(CASES))
async def test_bad_input_is_a_typed_error_that_writes_nothing(api: Api, world: World, scene: Scene, name: str) -> None:
    document, variables, code, field = CASES[name]
    before = await snapshot()
    result = await api(document, variables(world, scene), as_=sender(name, world))
    assert code_and_field(result) == (code, field), result
    assert await snapshot() == before
