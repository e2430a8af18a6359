"""Attaching uploads to events: only the assignee and the reporter attach photos, a refusal keeps the file,
and one upload attached to two events at once lands on one (PostgreSQL)."""

from __future__ import annotations

import asyncio

from domain.events.models import Event, EventEntry
from domain.files.models import StoredFile
from tests.conftest import RunningServer
from tests.events.support import ACCEPT
from tests.events.support import REPORT_ABOUT as REPORT
from tests.events.support import report_about as report
from tests.files.support import upload
from tests.support import Api, World, code_and_field, data, postgres_only, token_for

EVENT = """
query E($id: ID!) {
  event(id: $id) { id status assigneeId contact deadlineAt overdue rating photos { key } timeline { action } }
}
"""
RESOLVE_WITH = """
mutation R($id: ID!, $photos: [String!]) { eventResolve(id: $id, photos: $photos) { id status } }
"""
REOPEN_WITH = """
mutation R($id: ID!, $photos: [String!]) { eventReopen(id: $id, photos: $photos) { id status } }
"""


async def test_only_the_assignee_and_the_reporter_attach_photos_and_a_refusal_keeps_the_file(
    api: Api, world: World
) -> None:
    event = await report(api, world, world.owner_a101, world.a101)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    mine = await upload(api, world.operator_a)
    refused = await api(RESOLVE_WITH, {"id": event["id"], "photos": [mine]}, as_=world.operator_a)
    assert code_and_field(refused) == ("FORBIDDEN", "id")
    keepers = await upload(api, world.keeper_g1)
    stolen = await api(RESOLVE_WITH, {"id": event["id"], "photos": [mine]}, as_=world.keeper_g1)
    assert code_and_field(stolen) == ("INVALID_INPUT", "photos")
    data(await api(RESOLVE_WITH, {"id": event["id"], "photos": [keepers]}, as_=world.keeper_g1))
    # The reporter cannot reopen with the housekeeper's (now attached) photo either.
    again = await api(REOPEN_WITH, {"id": event["id"], "photos": [keepers]}, as_=world.owner_a101)
    assert code_and_field(again) == ("INVALID_INPUT", "photos")

    seen = data(await api(EVENT, {"id": event["id"]}, as_=world.owner_a101))["event"]
    assert (seen["status"], seen["photos"]) == ("RESOLVED", [{"key": keepers}])
    assert (await StoredFile.get(key=mine)).event_id is None  # still the operator's to use


async def test_one_upload_attached_to_two_events_at_once_lands_on_one(
    api: Api, world: World, backend: str, server: RunningServer
) -> None:
    postgres_only(backend)
    keeper = world.keeper_g1
    working = await report(api, world, world.owner_a101, world.a101)
    data(await api(ACCEPT, {"id": working["id"]}, as_=keeper))
    photo = await upload(api, keeper)
    fields = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Also this", "photos": [photo]}
    token = await token_for(server.issuer, keeper)
    results = await asyncio.gather(
        api(RESOLVE_WITH, {"id": working["id"], "photos": [photo]}, token=token),
        *(api(REPORT, {"input": fields}, token=token) for _ in range(3)),
    )
    outcomes = sorted("OK" if not r.get("errors") else "{}/{}".format(*code_and_field(r)) for r in results)
    assert outcomes == ["CONFLICT/photos"] * 3 + ["OK"], outcomes
    stored = await StoredFile.get(key=photo)
    assert stored.event_id is not None and await Event.all().count() == 1 + (stored.event_id != int(working["id"]))
    # The losers left nothing behind: no event, no timeline entry.
    assert await EventEntry.filter(event_id__not=int(working["id"])).count() == (
        0 if stored.event_id == int(working["id"]) else 1
    )
