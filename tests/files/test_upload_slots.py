"""Upload slots: only photos of a bounded size, a bounded number of unattached ones per person, and the
store refuses a file other than the slot promised."""

from __future__ import annotations

import httpx

from domain.events.models import Event
from domain.files.models import StoredFile
from tests.events.support import REPORT, UPLOAD
from tests.support import Api, World, data, error


async def test_upload_slots_refuse_other_types_and_oversized_files(api: Api, world: World) -> None:
    wrong_type = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "application/pdf", "size": 10}, as_=world.owner_a101)
    too_big = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 11 * 2**20}, as_=world.owner_a101)
    anonymous = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 10})

    assert (error(wrong_type)["code"], error(wrong_type)["field"]) == (
        "INVALID_INPUT",
        "contentType",
    )
    assert (error(too_big)["code"], error(too_big)["field"]) == ("INVALID_INPUT", "size")
    assert error(anonymous)["code"] == "UNAUTHENTICATED"
    assert await StoredFile.all().count() == 0


async def test_the_store_refuses_a_file_other_than_the_slot_promised(api: Api, world: World) -> None:
    slot = data(await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 100}, as_=world.owner_a101))[
        "requestUpload"
    ]
    async with httpx.AsyncClient() as http:
        bigger = await http.put(slot["url"], content=b"x" * 101, headers=slot["headers"])
        other_type = await http.put(slot["url"], content=b"x" * 100, headers={"Content-Type": "image/png"})
    assert bigger.status_code == 413 and other_type.status_code == 415

    # Nothing is in the store under that key: attaching it is refused and no event is written.
    refused = await api(
        REPORT,
        {"input": {"communityId": str(world.a.id), "category": "REPAIR", "description": "x", "photos": [slot["key"]]}},
        as_=world.owner_a101,
    )
    assert (error(refused)["code"], error(refused)["field"]) == ("INVALID_INPUT", "photos")
    assert await Event.all().count() == 0


async def test_one_person_cannot_pile_up_unattached_uploads(api: Api, world: World) -> None:
    for n in range(50):
        await StoredFile.create(
            key=f"event_photo/x/{n}.jpg",
            kind="EVENT_PHOTO",
            content_type="image/jpeg",
            size=1,
            uploader=world.owner_a101,
        )
    refused = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 10}, as_=world.owner_a101)
    others = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 10}, as_=world.owner_b101)

    assert (error(refused)["code"], error(refused)["field"]) == ("CONFLICT", "kind")
    assert "requestUpload" in data(others)
    assert await StoredFile.filter(uploader=world.owner_a101).count() == 50
