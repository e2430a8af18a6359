"""Storage is for people of a community, and each community's is bounded: an account that belongs
nowhere gets no upload slot, and a full community gets none either."""

from __future__ import annotations

from domain.files.models import FileKind, StoredFile
from domain.files.service import COMMUNITY_STORAGE_BYTES
from tests.conftest import RunningServer
from tests.people.support import REGISTER, proven_register_input
from tests.support import Api, World, code_and_field, data, new_phone

SLOT = """
mutation S($size: Int!, $c: ID) { requestUpload(kind: EVENT_PHOTO, contentType: "image/jpeg", size: $size, communityId: $c) { key } }
"""


async def test_an_account_that_belongs_to_no_community_gets_no_upload_slot(
    api: Api, world: World, server: RunningServer
) -> None:
    registering = await proven_register_input(api, server, new_phone())
    fresh = data(await api(REGISTER, registering))["authRegister"]["accessToken"]
    assert code_and_field(await api(SLOT, {"size": 1024}, token=fresh)) == ("FORBIDDEN", None)
    assert await StoredFile.all().count() == 0


async def test_an_upload_counts_against_its_community_and_a_full_one_refuses(api: Api, world: World) -> None:
    key = data(await api(SLOT, {"size": 2048}, as_=world.owner_a101))["requestUpload"]["key"]
    assert (await StoredFile.get(key=key)).community_id == world.a.id
    # Fill the rest of A's storage with files as large as a size column holds (2 GiB - 1 each).
    largest = 2**31 - 1
    await StoredFile.bulk_create(
        [
            StoredFile(key=f"event_photo/full-{n}", kind=FileKind.EVENT_PHOTO, content_type="image/jpeg",
                       size=largest, uploader=world.owner_a101, community=world.a)
            for n in range(-(-COMMUNITY_STORAGE_BYTES // largest))
        ]
    )  # fmt: skip
    assert code_and_field(await api(SLOT, {"size": 1}, as_=world.owner_a101)) == ("CONFLICT", "size")
    # Another community's storage is its own.
    assert data(await api(SLOT, {"size": 1024}, as_=world.owner_b101))["requestUpload"]["key"]


async def test_uploads_are_only_for_a_community_you_belong_to(api: Api, world: World) -> None:
    other = {"size": 1024, "c": str(world.b.id)}
    assert code_and_field(await api(SLOT, other, as_=world.owner_a101)) == ("FORBIDDEN", "communityId")
