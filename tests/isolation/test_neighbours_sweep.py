"""The isolation sweep of neighbours: every root field of theirs, generated from the schema, has a
probe here (a new field without one fails `test_every_field_is_probed`).

The victims are community A's group by approval (the owner of a101 is in it, the child of a101
asks to join), its post and that post's comment; a report on A's board; an activity of A with the
owner's seat; the elder's help request with the owner's offer. The probers: residents of A who
are not in the group (the elder, the child), A's staff who do not moderate (a housekeeper), and
everyone of community B. A read must be refused (NOT_FOUND / FORBIDDEN, data null) or leave the
victim out; a mutation must be refused and write nothing; the subscription must be refused or
never carry the group's messages (proved by a marker published after them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from gql import gql

from domain.neighbours import models as nm
from domain.people.models import Person
from domain.points.models import Entry
from tests.conftest import RunningServer
from tests.isolation.sweep import Probe, assert_holds, refusal, root_fields, until_marker
from tests.neighbours.support import (
    COMMENT_CREATE,
    NEIGHBOUR_ACTIVITY,
    REPORT,
    ask_help,
    join,
    make_activity,
    make_group,
    member_of,
    post,
    sign_up,
)
from tests.support import Api, World, data

NOUNS = {"neighbours"}


@dataclass
class Scene:
    w: World
    group: dict[str, Any]
    owner_member: str
    pending: str
    inside: dict[str, Any]
    comment: str
    board: dict[str, Any]
    report: str
    activity: dict[str, Any]
    signup: str
    help: dict[str, Any]
    offer: str


async def make_scene(api: Api, w: World) -> Scene:
    group = await make_group(api, w.a, w.staff_a, name="Parents", kind="PARENTS", policy="APPROVAL")
    await member_of(api, group, w.owner_a101, w.staff_a)
    owner_member = await nm.GroupMember.get(group_id=int(group["id"]), person_id=w.owner_a101.id)
    pending = await join(api, group, w.child_a101)
    inside = await post(api, w.a, w.owner_a101, "inside the group", group)
    comment = data(await api(COMMENT_CREATE, {"p": inside["id"], "b": "a comment"}, as_=w.owner_a101))
    board = await post(api, w.a, w.owner_a101, "on the board")
    report = data(await api(REPORT, {"p": board["id"], "r": "rude"}, as_=w.elder_a102))["neighbourReport"]
    activity = await make_activity(api, w, capacity=5)
    signup = await sign_up(api, activity, w.owner_a101)
    help = await ask_help(api, w, w.elder_a102)
    offer = data(
        await api(
            'mutation M($r: ID!) { helpOfferCreate(requestId: $r, note: "") { id } }',
            {"r": help["id"]},
            as_=w.owner_a101,
        )
    )["helpOfferCreate"]
    return Scene(
        w=w,
        group=group,
        owner_member=str(owner_member.id),
        pending=pending["id"],
        inside=inside,
        comment=comment["neighbourCommentCreate"]["id"],
        board=board,
        report=report["id"],
        activity=activity,
        signup=signup["id"],
        help=help,
        offer=offer["id"],
    )


def outsiders(s: Scene) -> list[Person]:
    return [s.w.owner_b101, s.w.operator_b]


def not_in_the_group(s: Scene) -> list[Person]:
    return [s.w.elder_a102, s.w.child_a101, s.w.keeper_g1, *outsiders(s)]


def not_the_office(s: Scene) -> list[Person]:
    return [s.w.owner_a101, s.w.keeper_g1, s.w.merchant_a, *outsiders(s)]


def not_operators(s: Scene) -> list[Person]:
    return [s.w.owner_a101, s.w.elder_a102, s.w.staff_a, s.w.keeper_g1, *outsiders(s)]


def not_the_author(s: Scene) -> list[Person]:
    return [s.w.elder_a102, s.w.child_a101, s.w.operator_a, s.w.staff_a, *outsiders(s)]


def not_the_requester(s: Scene) -> list[Person]:
    return [s.w.owner_a101, s.w.child_a101, s.w.operator_a, *outsiders(s)]


def _a(s: Scene, _: Person) -> dict[str, Any]:
    return {"c": str(s.w.a.id)}


def _g(s: Scene, _: Person) -> dict[str, Any]:
    return {"g": s.group["id"]}


def _inside(s: Scene, _: Person) -> dict[str, Any]:
    return {"id": s.inside["id"]}


def _comment(s: Scene, _: Person) -> dict[str, Any]:
    return {"id": s.comment}


def _activity(s: Scene, _: Person) -> dict[str, Any]:
    return {"a": s.activity["id"]}


def _help(s: Scene, _: Person) -> dict[str, Any]:
    return {"id": s.help["id"]}


PROBES: dict[str, Probe[Scene]] = {
    # --- groups ---
    "neighbourGroups": Probe(
        "query Q($c: ID) { neighbourGroups(communityId: $c) { nodes { id } } }",
        _a,
        outsiders,
        victims=lambda s, _: {s.group["id"]},
    ),
    "neighbourGroup": Probe("query Q($g: ID!) { neighbourGroup(id: $g) { id name } }", _g, outsiders),
    "neighbourGroupMembers": Probe(
        "query Q($g: ID!) { neighbourGroupMembers(groupId: $g) { nodes { id personId } } }",
        _g,
        lambda s: [s.w.elder_a102, s.w.keeper_g1, *outsiders(s)],
        victims=lambda s, _: {s.owner_member, s.pending},
    ),
    "neighbourGroupCreate": Probe(
        "mutation M($i: NeighbourGroupCreateInput!) { neighbourGroupCreate(input: $i) { id } }",
        lambda s, _: {
            "i": {"communityId": str(s.w.a.id), "name": "Intruders", "kind": "INTEREST", "joinPolicy": "OPEN"}
        },
        not_the_office,
    ),
    "neighbourGroupJoin": Probe("mutation M($g: ID!) { neighbourGroupJoin(groupId: $g) { id } }", _g, outsiders),
    "neighbourGroupLeave": Probe("mutation M($g: ID!) { neighbourGroupLeave(groupId: $g) { id } }", _g, outsiders),
    "neighbourGroupDecide": Probe(
        "mutation M($m: ID!) { neighbourGroupDecide(memberId: $m, approve: true) { id } }",
        lambda s, _: {"m": s.pending},
        lambda s: [s.w.owner_a101, s.w.elder_a102, s.w.keeper_g1, *outsiders(s)],
    ),
    "neighbourGroupAdminSet": Probe(
        "mutation M($m: ID!) { neighbourGroupAdminSet(memberId: $m, admin: true) { id } }",
        lambda s, _: {"m": s.owner_member},
        lambda s: [s.w.owner_a101, s.w.elder_a102, s.w.keeper_g1, *outsiders(s)],
    ),
    # --- posts, comments, reports ---
    "neighbourPosts": Probe(
        "query Q($c: ID!, $g: ID) { neighbourPosts(communityId: $c, groupId: $g) { nodes { id } } }",
        lambda s, _: {"c": str(s.w.a.id), "g": s.group["id"]},
        not_in_the_group,
        victims=lambda s, _: {s.inside["id"]},
    ),
    "neighbourPost": Probe("query Q($id: ID!) { neighbourPost(id: $id) { id body } }", _inside, not_in_the_group),
    "neighbourComments": Probe(
        "query Q($p: ID!) { neighbourComments(postId: $p) { nodes { id body } } }",
        lambda s, _: {"p": s.inside["id"]},
        not_in_the_group,
    ),
    "neighbourPostCreate": Probe(
        "mutation M($i: NeighbourPostCreateInput!) { neighbourPostCreate(input: $i) { id } }",
        lambda s, _: {"i": {"communityId": str(s.w.a.id), "body": "intrude", "groupId": s.group["id"]}},
        not_in_the_group,
    ),
    "neighbourPostUpdate": Probe(
        'mutation M($id: ID!) { neighbourPostUpdate(id: $id, body: "changed") { id } }', _inside, not_the_author
    ),
    "neighbourPostDelete": Probe(
        "mutation M($id: ID!) { neighbourPostDelete(id: $id) { id } }", _inside, not_the_author
    ),
    "neighbourPostRemove": Probe(
        'mutation M($id: ID!) { neighbourPostRemove(id: $id, reason: "no") { id } }',
        _inside,
        lambda s: [s.w.owner_a101, *not_in_the_group(s)],  # a member, but no admin
    ),
    "neighbourCommentCreate": Probe(
        'mutation M($p: ID!) { neighbourCommentCreate(postId: $p, body: "intrude") { id } }',
        lambda s, _: {"p": s.inside["id"]},
        not_in_the_group,
    ),
    "neighbourCommentUpdate": Probe(
        'mutation M($id: ID!) { neighbourCommentUpdate(id: $id, body: "changed") { id } }', _comment, not_the_author
    ),
    "neighbourCommentDelete": Probe(
        "mutation M($id: ID!) { neighbourCommentDelete(id: $id) { id } }", _comment, not_the_author
    ),
    "neighbourCommentRemove": Probe(
        'mutation M($id: ID!) { neighbourCommentRemove(id: $id, reason: "no") { id } }',
        _comment,
        lambda s: [s.w.owner_a101, *not_in_the_group(s)],
    ),
    "neighbourReport": Probe(
        'mutation M($p: ID!) { neighbourReport(postId: $p, reason: "x") { id } }',
        lambda s, _: {"p": s.inside["id"]},
        not_in_the_group,
    ),
    "neighbourReports": Probe(
        "query Q($c: ID!) { neighbourReports(communityId: $c) { nodes { id } } }", _a, not_operators
    ),
    "neighbourReportResolve": Probe(
        'mutation M($id: ID!) { neighbourReportResolve(id: $id, resolution: "x") { id } }',
        lambda s, _: {"id": s.report},
        not_operators,
    ),
    # --- activities ---
    "neighbourActivities": Probe(
        "query Q($c: ID) { neighbourActivities(communityId: $c) { nodes { id } } }",
        _a,
        outsiders,
        victims=lambda s, _: {s.activity["id"]},
    ),
    "neighbourActivityDetail": Probe(
        "query Q($id: ID!) { neighbourActivityDetail(id: $id) { id } }",
        lambda s, _: {"id": s.activity["id"]},
        outsiders,
    ),
    "neighbourActivitySignups": Probe(
        "query Q($a: ID!) { neighbourActivitySignups(activityId: $a) { nodes { id personId } } }",
        _activity,
        lambda s: [s.w.elder_a102, s.w.keeper_g1, *outsiders(s)],
        victims=lambda s, _: {s.signup},
    ),
    "neighbourActivityCreate": Probe(
        "mutation M($i: NeighbourActivityCreateInput!) { neighbourActivityCreate(input: $i) { id } }",
        lambda s, _: {
            "i": {
                "communityId": str(s.w.a.id),
                "title": "Intruders' party",
                "place": "Here",
                "startsAt": "2090-01-01T10:00:00+08:00",
                "endsAt": "2090-01-01T12:00:00+08:00",
                "capacity": 5,
            }
        },
        not_the_office,
    ),
    "neighbourActivitySignUp": Probe(
        "mutation M($a: ID!) { neighbourActivitySignUp(activityId: $a) { id } }", _activity, outsiders
    ),
    "neighbourActivityCancel": Probe(
        "mutation M($a: ID!) { neighbourActivityCancel(activityId: $a) { id } }", _activity, outsiders
    ),
    "neighbourActivityCheckIn": Probe(
        "mutation M($a: ID!, $p: ID!) { neighbourActivityCheckIn(activityId: $a, personId: $p) { id } }",
        lambda s, _: {"a": s.activity["id"], "p": str(s.w.owner_a101.id)},
        lambda s: [s.w.owner_a101, s.w.elder_a102, *not_the_office(s)],
    ),
    "neighbourActivityCheckInWithCode": Probe(
        "mutation M($a: ID!, $c: String!) { neighbourActivityCheckInWithCode(activityId: $a, code: $c) { id } }",
        lambda s, _: {"a": s.activity["id"], "c": s.activity["checkInCode"]},
        lambda s: [s.w.elder_a102, *outsiders(s)],  # the elder has no seat
    ),
    "neighbourActivityFinish": Probe(
        "mutation M($id: ID!) { neighbourActivityFinish(id: $id) { id } }",
        lambda s, _: {"id": s.activity["id"]},
        not_the_office,
    ),
    # --- help ---
    "helpRequests": Probe(
        "query Q($c: ID) { helpRequests(communityId: $c) { nodes { id } } }",
        _a,
        outsiders,
        victims=lambda s, _: {s.help["id"]},
    ),
    "helpRequest": Probe("query Q($id: ID!) { helpRequest(id: $id) { id } }", _help, outsiders),
    "helpOffers": Probe(
        "query Q($r: ID!) { helpOffers(requestId: $r) { nodes { id } } }",
        lambda s, _: {"r": s.help["id"]},
        lambda s: [s.w.child_a101, s.w.keeper_g1, *outsiders(s)],
        victims=lambda s, _: {s.offer},
    ),
    "helpRequestCreate": Probe(
        "mutation M($i: HelpRequestCreateInput!) { helpRequestCreate(input: $i) { id } }",
        lambda s, _: {"i": {"communityId": str(s.w.a.id), "title": "Intrude"}},
        outsiders,
    ),
    "helpOfferCreate": Probe(
        'mutation M($r: ID!) { helpOfferCreate(requestId: $r, note: "x") { id } }',
        lambda s, _: {"r": s.help["id"]},
        outsiders,
    ),
    "helpOfferAccept": Probe(
        "mutation M($o: ID!) { helpOfferAccept(offerId: $o) { id } }", lambda s, _: {"o": s.offer}, not_the_requester
    ),
    "helpRequestConfirm": Probe(
        "mutation M($id: ID!) { helpRequestConfirm(id: $id) { id } }", _help, not_the_requester
    ),
    "helpRequestCancel": Probe("mutation M($id: ID!) { helpRequestCancel(id: $id) { id } }", _help, not_the_requester),
}

SUBSCRIPTIONS = {"neighbourActivity"}


def test_every_field_is_probed() -> None:
    assert root_fields(NOUNS) == set(PROBES) | SUBSCRIPTIONS


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


@pytest.fixture
async def scene(api: Api, world: World) -> Scene:
    return await make_scene(api, world)


@pytest.mark.parametrize("name", sorted(PROBES))
async def test_no_one_reaches_what_is_not_theirs(api: Api, scene: Scene, name: str) -> None:
    await assert_holds(api, scene, PROBES[name], TABLES)


async def test_the_live_feed_carries_no_group_message_to_a_non_member(
    api: Api, scene: Scene, server: RunningServer
) -> None:
    s = scene
    feed = gql(NEIGHBOUR_ACTIVITY)
    marker = await post(api, s.w.a, s.w.owner_a101, "the marker")
    for person in (s.w.elder_a102, s.w.child_a101, s.w.keeper_g1):
        got = await until_marker(server, person, feed, {"c": str(s.w.a.id)}, marker["id"])
        carried = {m["post"]["id"] for m in got if m["post"]} | {m["comment"]["id"] for m in got if m["comment"]}
        assert s.inside["id"] not in carried and s.comment not in carried, person.name
        assert all(m["groupId"] != s.group["id"] or m["membership"] for m in got), person.name
    for outsider in outsiders(s):
        assert await refusal(server, outsider, feed, {"c": str(s.w.a.id)}) == "FORBIDDEN"
