"""Event photos through a real S3-compatible server (moto's standalone server), as production runs.

The app's own server is configured with the local store; here the same domain functions the
resolvers call run against S3Storage, with the upload a real HTTP PUT to the presigned URL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from domain.common.errors import InvalidInput
from domain.events import reporting as events
from domain.events.models import Category, Event
from domain.files import service as files
from domain.files.models import FileKind, StoredFile
from domain.files.s3_store import S3Storage
from domain.files.stores import make_storage
from domain.people.accounts import load_viewer
from domain.space.places import Place
from tests.support import World

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture
async def s3(moto_endpoint: str, tmp_path: Path) -> AsyncIterator[S3Storage]:
    url = f"s3://lingli-events-{uuid.uuid4().hex[:8]}?endpoint={moto_endpoint}&region=us-east-1"
    storage = make_storage(url, data_dir=tmp_path, public_base_url="http://unused", secret=b"s" * 32)
    assert isinstance(storage, S3Storage)
    yield storage
    await storage.close()


async def test_a_photo_uploaded_to_s3_is_attached_and_served_by_a_presigned_url(world: World, s3: S3Storage) -> None:
    resident = await load_viewer(world.owner_a101.id)
    stored, slot = await files.request_upload(
        resident, s3, kind=FileKind.EVENT_PHOTO, content_type="image/png", size=len(PNG)
    )
    async with httpx.AsyncClient() as http:
        put = await http.request(slot.method, slot.url, content=PNG, headers=slot.headers)
        assert put.status_code == 200, put.text

        event = await events.report(
            resident,
            s3,
            events.NewEvent(category=Category.ENVIRONMENT, description="Rubbish by the gate", photos=[stored.key]),
            Place(community_id=world.a.id, house_id=world.a101.id),
        )
        attached = await StoredFile.get(key=stored.key)
        assert attached.event_id == event.id and attached.attached_at is not None

        download = await http.get(await s3.download_url(stored.key, expires_in=60))
    assert download.status_code == 200 and download.content == PNG


async def test_a_slot_never_uploaded_to_s3_cannot_be_attached(world: World, s3: S3Storage) -> None:
    resident = await load_viewer(world.owner_a101.id)
    stored, _ = await files.request_upload(resident, s3, kind=FileKind.EVENT_PHOTO, content_type="image/png", size=10)

    with pytest.raises(InvalidInput) as refused:
        await events.report(
            resident,
            s3,
            events.NewEvent(category=Category.NOISE, description="Drilling", photos=[stored.key]),
            Place(community_id=world.a.id),
        )
    assert refused.value.field == "photos"
    assert await Event.all().count() == 0


async def test_a_file_of_another_size_than_promised_is_refused(world: World, s3: S3Storage) -> None:
    resident = await load_viewer(world.owner_a101.id)
    stored, slot = await files.request_upload(
        resident, s3, kind=FileKind.EVENT_PHOTO, content_type="image/png", size=len(PNG)
    )
    # moto does not check presigned signatures (a real S3 refuses this PUT): the attach check must.
    async with httpx.AsyncClient() as http:
        await http.put(slot.url, content=PNG[:100], headers=slot.headers)

    with pytest.raises(InvalidInput, match="not what its slot promised"):
        await events.report(
            resident,
            s3,
            events.NewEvent(category=Category.NOISE, description="Drilling", photos=[stored.key]),
            Place(community_id=world.a.id),
        )
    assert await Event.all().count() == 0


async def test_uploads_never_attached_are_pruned_after_a_day_object_and_row(world: World, s3: S3Storage) -> None:
    resident = await load_viewer(world.owner_a101.id)
    kept_file, kept_slot = await files.request_upload(
        resident, s3, kind=FileKind.EVENT_PHOTO, content_type="image/png", size=len(PNG)
    )
    stale_file, stale_slot = await files.request_upload(
        resident, s3, kind=FileKind.EVENT_PHOTO, content_type="image/png", size=len(PNG)
    )
    async with httpx.AsyncClient() as http:
        for slot in (kept_slot, stale_slot):
            assert (await http.put(slot.url, content=PNG, headers=slot.headers)).status_code == 200
    await events.report(
        resident,
        s3,
        events.NewEvent(category=Category.REPAIR, description="Broken step", photos=[kept_file.key]),
        Place(community_id=world.a.id),
    )
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)

    assert await files.prune_unattached(s3, older_than=timedelta(days=1), now=later) == 1
    assert await files.prune_unattached(s3, older_than=timedelta(days=1), now=later) == 0
    assert await s3.stat(stale_file.key) is None
    assert not await StoredFile.exists(key=stale_file.key)
    assert await s3.stat(kept_file.key) is not None  # attached: kept
    assert await StoredFile.exists(key=kept_file.key)
