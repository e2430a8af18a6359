"""Review of the late commits: shared-by-scope subscription answers, live viewers, write-once
uploads and eventComment. Two defects it found are fixed (a subscription's nested fields kept the
viewer it started with; a write failing after the link left its key dead); the rest pin what holds."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql

from auth.roles import Role
from auth.viewer import Grant, Viewer
from domain.alarms.models import Alarm
from domain.events.deadlines import overdue_trigger
from domain.events.models import Event
from domain.events.overdue import escalate_overdue
from domain.files import local_store
from domain.people.models import Membership, Residency
from tests.api.test_alarm_subscriptions import socket, take
from tests.api.test_event_loop import JPEG, UPLOAD, report
from tests.conftest import RunningServer
from tests.support import Api, World, data, error, make_resident

LIVE = gql(
    "subscription S($after: String) { eventUpdates(after: $after) { kind event { id status house { number } } } }"
)
HOUSE_OF = "query E($id: ID!) { event(id: $id) { house { number } } }"
COMMENT = "mutation C($id: ID!, $note: String!) { eventComment(id: $id, note: $note) { status } }"
STATE = """
query E($id: ID!) {
  event(id: $id) { status overdue alarmId deadlineAt resolvedAt closedAt rating timeline { action } }
}
"""


def _of(messages: list[dict[str, Any]], event_id: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["event"]["id"] == event_id]


# --- 1. answers shared by scope ---------------------------------------------------------------


def test_viewers_who_see_different_places_never_share_a_scope() -> None:
    """Everything readable_houses/visible_house reads is in Viewer.scope; the person is not."""
    base = Viewer(person_id=1)
    differing = [
        Viewer(),  # no one
        Viewer(person_id=1, grants=(Grant(Role.PLATFORM_ADMIN, None),)),
        Viewer(person_id=1, grants=(Grant(Role.OPERATOR, 1),)),
        Viewer(person_id=1, grants=(Grant(Role.OPERATOR, 2),)),
        Viewer(person_id=1, grants=(Grant(Role.HOUSEKEEPER, 1, 1),)),
        Viewer(person_id=1, grants=(Grant(Role.HOUSEKEEPER, 1, 2),)),
        Viewer(person_id=1, grants=(Grant(Role.MERCHANT, 1),)),
        Viewer(person_id=1, house_ids=frozenset({1}), resident_community_ids=frozenset({1})),
        Viewer(person_id=1, house_ids=frozenset({2}), resident_community_ids=frozenset({1})),
    ]
    scopes = [v.scope for v in [base, *differing]]
    assert len(set(scopes)) == len(scopes)
    twin = Viewer(person_id=2, grants=(Grant(Role.OPERATOR, 1),), session="other")
    assert twin.scope == differing[2].scope  # same places, another person: shared, as designed


async def test_one_event_one_document_each_subscriber_gets_the_house_of_their_own_scope(
    api: Api, world: World, server: RunningServer
) -> None:
    """The keeper of g1 reports about a102 (grid g2): they see the event (reporter) but not the
    house; the operator, on the same document and event, sees it. No answer crosses scopes."""
    event_id = (await report(api, world, world.keeper_g1, houseId=str(world.a102.id)))["id"]
    request = GraphQLRequest(LIVE, variable_values={"after": "0"})
    async with socket(server, world.keeper_g1) as keeper, socket(server, world.operator_a) as operator:
        answers = await asyncio.gather(take(keeper, request, 1), take(operator, request, 1))
    by_keeper, by_operator = (_of(a, event_id) for a in answers)
    assert by_keeper and all(m["event"]["house"] is None for m in by_keeper)
    assert by_operator and all(m["event"]["house"] == {"number": "102"} for m in by_operator)
    assert data(await api(HOUSE_OF, {"id": event_id}, as_=world.keeper_g1))["event"]["house"] is None


# --- 2. running subscriptions follow their viewer ---------------------------------------------


async def test_a_reporter_who_moved_out_no_longer_sees_the_house_in_live_updates(
    api: Api, world: World, server: RunningServer
) -> None:
    resident = world.owner_a101
    event_id = (await report(api, world, resident))["id"]
    assert data(await api(HOUSE_OF, {"id": event_id}, as_=resident))["event"]["house"] == {"number": "101"}
    query = gql(
        "subscription S($after: String) { eventUpdates(after: $after) {"
        " kind event { id status house { number residents { person { name } } } } } }"
    )
    async with socket(server, resident) as session:
        messages = session.subscribe(GraphQLRequest(query, variable_values={"after": "0"}))
        first = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        assert first["kind"] == "EVENT_REPORTED"  # the subscription runs: now they move out
        await Residency.filter(person=resident, house=world.a101).update(moved_out=date.today())
        await make_resident(world.a101, name="New Owner A101")
        accept = "mutation A($id: ID!) { eventAccept(id: $id) { status } }"
        data(await api(accept, {"id": event_id}, as_=world.keeper_g1))
        later: dict[str, Any] = {}
        while later.get("kind") != "EVENT_IN_PROGRESS":
            later = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        await messages.aclose()

    # Over HTTP the reporter still sees the event, not the house any more:
    assert data(await api(HOUSE_OF, {"id": event_id}, as_=resident))["event"]["house"] is None
    # A refresh that finds the viewer changed updates the connection's context too: nested fields
    # (house, residents) answer as the viewer is now, through fresh loaders.
    assert later["event"]["house"] is None, later


# --- 3. uploads written once ------------------------------------------------------------------


async def _slot(api: Api, world: World, size: int = len(JPEG)) -> dict[str, Any]:
    request = {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": size}
    return dict(data(await api(UPLOAD, request, as_=world.owner_a101))["requestUpload"])


def _leftovers(server: RunningServer) -> list[Path]:
    return [p for p in Path(server.settings.data_dir).rglob("*") if p.name.endswith(".tmp")]


async def test_a_short_upload_leaves_nothing_and_the_url_still_works_once(
    api: Api, world: World, server: RunningServer
) -> None:
    slot = await _slot(api, world)
    async with httpx.AsyncClient() as http:
        short = await http.put(slot["url"], content=JPEG[:-10], headers=slot["headers"])
        stat_after_short = await server.storage.stat(slot["key"])
        ok = await http.put(slot["url"], content=JPEG, headers=slot["headers"])
        again = await http.put(slot["url"], content=JPEG, headers=slot["headers"])
    assert short.status_code == 400 and stat_after_short is None
    assert ok.status_code == 200, ok.text
    assert (again.status_code, again.json()["error"]["code"]) == (412, "ALREADY_UPLOADED")
    assert _leftovers(server) == []


async def test_racing_uploads_to_one_key_land_exactly_once(api: Api, world: World, server: RunningServer) -> None:
    slot = await _slot(api, world)
    async with httpx.AsyncClient() as http:
        answers = await asyncio.gather(
            *(http.put(slot["url"], content=JPEG, headers=slot["headers"]) for _ in range(4))
        )
    assert sorted(a.status_code for a in answers) == [200, 412, 412, 412]
    assert await server.storage.stat(slot["key"]) is not None
    assert _leftovers(server) == []


class _SidecarFails:
    """`os` for local_store, whose rename of the sidecar into place fails (a full disk, a crash)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    @staticmethod
    def replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")


async def test_an_upload_that_failed_after_linking_the_data_can_be_retried(
    api: Api, world: World, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot = await _slot(api, world)
    async with httpx.AsyncClient() as http:
        monkeypatch.setattr(local_store, "os", _SidecarFails())
        failed = await http.put(slot["url"], content=JPEG, headers=slot["headers"])
        monkeypatch.undo()
        retried = await http.put(slot["url"], content=JPEG, headers=slot["headers"])
    assert failed.status_code >= 500
    assert await server.storage.stat(slot["key"]) is None or retried.status_code == 200
    # A write that fails after linking the data file removes it again: the key stays free.
    assert retried.status_code == 200, retried.text
    assert await server.storage.stat(slot["key"]) is not None


# --- 4. eventComment --------------------------------------------------------------------------


async def test_a_comment_on_an_overdue_event_changes_neither_state_deadline_nor_alarm(
    api: Api, world: World, server: RunningServer
) -> None:
    event_id = (await report(api, world, world.owner_a101))["id"]
    deadline = datetime.now(UTC) + timedelta(hours=1)
    await Event.filter(id=int(event_id)).update(deadline_at=deadline)
    await escalate_overdue(now=deadline + timedelta(seconds=1))
    before = data(await api(STATE, {"id": event_id}, as_=world.operator_a))["event"]
    assert (before["status"], before["overdue"]) == ("ESCALATED", True)
    overdue_alarm = overdue_trigger(await Event.get(id=int(event_id))).active_key
    assert await Alarm.exists(active_key=overdue_alarm)

    for person in (world.owner_a101, world.keeper_g1, world.operator_a):
        assert data(await api(COMMENT, {"id": event_id, "note": "still dripping"}, as_=person))["eventComment"] == {
            "status": "ESCALATED"
        }
    after = data(await api(STATE, {"id": event_id}, as_=world.operator_a))["event"]
    assert {k: v for k, v in after.items() if k != "timeline"} == {k: v for k, v in before.items() if k != "timeline"}
    assert [e["action"] for e in after["timeline"]][-3:] == ["COMMENT"] * 3
    assert await Alarm.exists(active_key=overdue_alarm)  # the overdue alarm is still raised


async def test_only_the_reporter_the_assignee_on_duty_and_dispatchers_may_comment(api: Api, world: World) -> None:
    event_id = (await report(api, world, world.owner_a101))["id"]
    for outsider, codes in (
        (world.owner_b101, {"NOT_FOUND"}),
        (world.operator_b, {"NOT_FOUND"}),
        (world.merchant_a, {"NOT_FOUND", "FORBIDDEN"}),
        (world.child_a101, {"NOT_FOUND", "FORBIDDEN"}),  # lives there, did not report it
    ):
        assert error(await api(COMMENT, {"id": event_id, "note": "hi"}, as_=outsider))["code"] in codes
    # The assignee who lost the housekeeper role may no longer comment.
    await Membership.filter(person=world.keeper_g1, role=Role.HOUSEKEEPER).delete()
    refused = await api(COMMENT, {"id": event_id, "note": "hi"}, as_=world.keeper_g1)
    assert error(refused)["code"] in {"NOT_FOUND", "FORBIDDEN"}
    status = data(await api(STATE, {"id": event_id}, as_=world.operator_a))["event"]
    assert status["status"] == "ASSIGNED" and "COMMENT" not in [e["action"] for e in status["timeline"]]
