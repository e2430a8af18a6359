"""The in-app inbox: myNotifications (a page, and live from a cursor), notificationsMarkRead; each
person's own only."""

from __future__ import annotations

import asyncio

from gql import GraphQLRequest, gql

from domain.notifications.models import Notification
from tests.conftest import RunningServer
from tests.notifications.support import tell
from tests.realtime.support import socket, take
from tests.support import Api, World, data, error

INBOX = """
query I($unread: Boolean, $after: String) {
  myNotifications(unread: $unread, first: 10, after: $after) {
    totalCount nodes { id kind title urgent subjectType subjectId readAt } pageInfo { hasNextPage endCursor }
  }
}"""
MARK_READ = "mutation M($ids: [ID!]!) { notificationsMarkRead(ids: $ids) { id readAt } }"
LIVE = gql(
    "subscription S($after: String) { myNotifications(after: $after) { cursor kind notification { id title readAt } } }"
)


async def test_the_inbox_shows_your_own_and_marks_them_read(api: Api, server: RunningServer, world: World) -> None:
    owner, child = world.owner_a101, world.child_a101
    mine, _ = await tell(server, [owner.id, child.id], "notice-1")
    [second] = await tell(server, [owner.id], "notice-2")
    [theirs] = await tell(server, [child.id], "notice-3")

    inbox = data(await api(INBOX, {}, as_=owner))["myNotifications"]
    assert [n["id"] for n in inbox["nodes"]] == [str(mine.id), str(second.id)]
    assert inbox["nodes"][0] | {"id": ""} == {
        "id": "",
        "kind": "NOTICE",
        "title": "About notice-1",
        "urgent": False,
        "subjectType": "Notice",
        "subjectId": "1",
        "readAt": None,
    }

    marked = data(await api(MARK_READ, {"ids": [str(mine.id), str(theirs.id)]}, as_=owner))["notificationsMarkRead"]

    assert [m["id"] for m in marked] == [str(mine.id)] and marked[0]["readAt"]
    assert (await Notification.get(id=theirs.id)).read_at is None  # another's id is as if absent
    unread = data(await api(INBOX, {"unread": True}, as_=owner))["myNotifications"]
    assert [n["id"] for n in unread["nodes"]] == [str(second.id)]


async def test_marking_read_takes_at_most_a_hundred_and_needs_a_login(api: Api, world: World) -> None:
    many = [str(n) for n in range(1, 102)]
    assert error(await api(MARK_READ, {"ids": many}, as_=world.owner_a101))["code"] == "INVALID_INPUT"
    assert error(await api(MARK_READ, {"ids": ["1"]}))["code"] == "UNAUTHENTICATED"
    assert error(await api(INBOX, {}))["code"] == "UNAUTHENTICATED"


async def test_the_inbox_is_live_and_resumes_from_its_cursor(api: Api, server: RunningServer, world: World) -> None:
    owner = world.owner_a101
    async with socket(server, owner) as session:
        first = asyncio.create_task(take(session, GraphQLRequest(LIVE, variable_values={"after": "0"}), 1))
        await tell(server, [world.child_a101.id], "notice-for-the-child")
        [note] = await tell(server, [owner.id], "notice-live")
        [received] = await first
    assert (received["kind"], received["notification"]["id"]) == ("NOTIFIED", str(note.id))

    # Offline: a new one, and the first read on another device.
    [later] = await tell(server, [owner.id], "notice-offline")
    data(await api(MARK_READ, {"ids": [str(note.id)]}, as_=owner))

    async with socket(server, owner) as session:
        request = GraphQLRequest(LIVE, variable_values={"after": received["cursor"]})
        missed = await take(session, request, 2)
    assert [(m["kind"], m["notification"]["id"]) for m in missed] == [
        ("NOTIFIED", str(later.id)),
        ("NOTIFICATION_READ", str(note.id)),
    ]
    assert missed[1]["notification"]["readAt"]
