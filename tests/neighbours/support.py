"""What the neighbours tests share: documents, and small steps taken through the real API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from domain.people.models import Person
from domain.space.models import Community
from tests.support import Api, World, data

GROUP_CREATE = """
mutation M($input: NeighbourGroupCreateInput!) {
  neighbourGroupCreate(input: $input) { id name kind joinPolicy buildingId communityId }
}
"""
GROUPS = "query Q($c: ID) { neighbourGroups(communityId: $c) { nodes { id name joinPolicy } totalCount } }"
JOIN = "mutation M($g: ID!) { neighbourGroupJoin(groupId: $g) { id status role personId } }"
LEAVE = "mutation M($g: ID!) { neighbourGroupLeave(groupId: $g) { id } }"
DECIDE = "mutation M($m: ID!, $a: Boolean!) { neighbourGroupDecide(memberId: $m, approve: $a) { id status } }"
ADMIN_SET = "mutation M($m: ID!, $a: Boolean!) { neighbourGroupAdminSet(memberId: $m, admin: $a) { id role } }"
MEMBERS = """
query Q($g: ID!, $s: MemberStatus) {
  neighbourGroupMembers(groupId: $g, status: $s) { nodes { id personId personName status role } }
}
"""
POST_CREATE = """
mutation M($input: NeighbourPostCreateInput!) {
  neighbourPostCreate(input: $input) { id body groupId status authorName photos { key url } }
}
"""
POSTS = """
query Q($c: ID!, $g: ID) {
  neighbourPosts(communityId: $c, groupId: $g) { nodes { id body status removedReason } totalCount }
}
"""
POST = "query Q($id: ID!) { neighbourPost(id: $id) { id body status removedReason } }"
POST_UPDATE = "mutation M($id: ID!, $b: String!) { neighbourPostUpdate(id: $id, body: $b) { id body editedAt } }"
POST_DELETE = "mutation M($id: ID!) { neighbourPostDelete(id: $id) { id status } }"
POST_REMOVE = (
    "mutation M($id: ID!, $r: String!) { neighbourPostRemove(id: $id, reason: $r) { id status removedReason } }"
)
COMMENT_CREATE = "mutation M($p: ID!, $b: String!) { neighbourCommentCreate(postId: $p, body: $b) { id body postId } }"
COMMENTS = "query Q($p: ID!) { neighbourComments(postId: $p) { nodes { id body status removedReason } } }"
COMMENT_UPDATE = "mutation M($id: ID!, $b: String!) { neighbourCommentUpdate(id: $id, body: $b) { id body } }"
COMMENT_DELETE = "mutation M($id: ID!) { neighbourCommentDelete(id: $id) { id status } }"
COMMENT_REMOVE = "mutation M($id: ID!, $r: String!) { neighbourCommentRemove(id: $id, reason: $r) { id status } }"
REPORT = """
mutation M($p: ID, $c: ID, $r: String!) {
  neighbourReport(postId: $p, commentId: $c, reason: $r) { id postId commentId status reason }
}
"""
REPORTS = (
    "query Q($c: ID!, $o: Boolean!) { neighbourReports(communityId: $c, open: $o) { nodes { id status reason } } }"
)
REPORT_RESOLVE = (
    "mutation M($id: ID!, $r: String!) { neighbourReportResolve(id: $id, resolution: $r) { id status resolution } }"
)
ACTIVITY_CREATE = """
mutation M($input: NeighbourActivityCreateInput!) {
  neighbourActivityCreate(input: $input) { id title capacity volunteer points confirmed waiting checkInCode status }
}
"""
ACTIVITY = "query Q($id: ID!) { neighbourActivityDetail(id: $id) { id confirmed waiting status checkInCode } }"
ACTIVITIES = "query Q($c: ID) { neighbourActivities(communityId: $c) { nodes { id checkInCode } } }"
SIGN_UP = "mutation M($a: ID!) { neighbourActivitySignUp(activityId: $a) { id status personId } }"
CANCEL = "mutation M($a: ID!) { neighbourActivityCancel(activityId: $a) { id status } }"
SIGNUPS = """
query Q($a: ID!, $s: SignupStatus) {
  neighbourActivitySignups(activityId: $a, status: $s) { nodes { personId status checkedInAt pointsAwarded } }
}
"""
CHECK_IN = "mutation M($a: ID!, $p: ID!) { neighbourActivityCheckIn(activityId: $a, personId: $p) { id checkedInAt } }"
CHECK_IN_CODE = """
mutation M($a: ID!, $code: String!) { neighbourActivityCheckInWithCode(activityId: $a, code: $code) { id checkedInAt } }
"""
FINISH = "mutation M($id: ID!) { neighbourActivityFinish(id: $id) { id status } }"
HELP_CREATE = """
mutation M($input: HelpRequestCreateInput!) { helpRequestCreate(input: $input) { id title status requesterName } }
"""
HELP_REQUESTS = "query Q($c: ID) { helpRequests(communityId: $c) { nodes { id status } } }"
HELP_REQUEST = "query Q($id: ID!) { helpRequest(id: $id) { id status helperId pointsAwarded } }"
HELP_OFFER = "mutation M($r: ID!, $n: String!) { helpOfferCreate(requestId: $r, note: $n) { id helperId note } }"
HELP_OFFERS = "query Q($r: ID!) { helpOffers(requestId: $r) { nodes { id helperId } } }"
HELP_ACCEPT = "mutation M($o: ID!) { helpOfferAccept(offerId: $o) { id status helperId } }"
HELP_CONFIRM = "mutation M($id: ID!) { helpRequestConfirm(id: $id) { id status pointsAwarded } }"
HELP_CANCEL = "mutation M($id: ID!) { helpRequestCancel(id: $id) { id status } }"
NEIGHBOUR_ACTIVITY = """
subscription S($c: ID!, $after: String) {
  neighbourActivity(communityId: $c, after: $after) {
    cursor kind groupId
    post { id body groupId }
    comment { id body postId }
    activity { id confirmed waiting checkInCode }
    helpRequest { id title status }
    membership { groupId personId status }
    group { id name }
  }
}
"""
POINTS = "query Q($c: ID) { myPoints(communityId: $c) { volunteer } }"


async def make_group(
    api: Api,
    community: Community,
    by: Person,
    *,
    name: str = "Readers",
    kind: str = "INTEREST",
    policy: str = "OPEN",
    **more: Any,
) -> dict[str, Any]:
    given = {"communityId": str(community.id), "name": name, "kind": kind, "joinPolicy": policy, **more}
    return dict(data(await api(GROUP_CREATE, {"input": given}, as_=by))["neighbourGroupCreate"])


async def join(api: Api, group: dict[str, Any], person: Person) -> dict[str, Any]:
    return dict(data(await api(JOIN, {"g": group["id"]}, as_=person))["neighbourGroupJoin"])


async def member_of(api: Api, group: dict[str, Any], person: Person, admin: Person) -> None:
    """The person in the group: joined, and approved by ``admin`` when it is by approval."""
    row = await join(api, group, person)
    if row["status"] == "PENDING":
        data(await api(DECIDE, {"m": row["id"], "a": True}, as_=admin))


async def post(
    api: Api, community: Community, person: Person, body: str, group: dict[str, Any] | None = None
) -> dict[str, Any]:
    given = {"communityId": str(community.id), "body": body, "groupId": group["id"] if group else None}
    return dict(data(await api(POST_CREATE, {"input": given}, as_=person))["neighbourPostCreate"])


def soon(hours: float = 1) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def activity_input(community: Community, **more: Any) -> dict[str, Any]:
    return {
        "communityId": str(community.id),
        "title": "Reading club",
        "place": "Clubhouse",
        "startsAt": soon(1),
        "endsAt": soon(3),
        "capacity": 2,
        **more,
    }


async def make_activity(api: Api, world: World, **more: Any) -> dict[str, Any]:
    given = activity_input(world.a, **more)
    return dict(data(await api(ACTIVITY_CREATE, {"input": given}, as_=world.staff_a))["neighbourActivityCreate"])


async def sign_up(api: Api, activity: dict[str, Any], person: Person) -> dict[str, Any]:
    return dict(data(await api(SIGN_UP, {"a": activity["id"]}, as_=person))["neighbourActivitySignUp"])


async def volunteer_points(api: Api, world: World, person: Person) -> int:
    return int(data(await api(POINTS, {"c": str(world.a.id)}, as_=person))["myPoints"]["volunteer"])


async def ask_help(api: Api, world: World, person: Person, title: str = "Carry a sofa upstairs") -> dict[str, Any]:
    given = {"communityId": str(world.a.id), "title": title}
    return dict(data(await api(HELP_CREATE, {"input": given}, as_=person))["helpRequestCreate"])


PHOTO = b"\xff\xd8\xff\xe0" + b"a-street-party" * 64
UPLOAD = """
mutation U($size: Int!) {
  requestUpload(kind: POST_PHOTO, contentType: "image/jpeg", size: $size) { key url method headers }
}
"""


async def upload_photo(api: Api, person: Person) -> str:
    slot = data(await api(UPLOAD, {"size": len(PHOTO)}, as_=person))["requestUpload"]
    async with httpx.AsyncClient() as http:
        stored = await http.request(slot["method"], slot["url"], content=PHOTO, headers=slot["headers"])
    assert stored.status_code == 200, stored.text
    return str(slot["key"])
