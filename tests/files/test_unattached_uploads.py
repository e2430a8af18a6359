"""Only your own unattached uploads can be attached; unattached ones are pruned from the local store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.events.models import Event
from domain.files.models import StoredFile
from domain.files.service import prune_unattached
from tests.conftest import RunningServer
from tests.events.support import REPORT, report, upload
from tests.support import Api, World, error


async def test_only_your_own_unattached_uploads_can_be_attached(api: Api, world: World) -> None:
    theirs = await upload(api, world.owner_b101)
    mine = await upload(api, world.owner_a101)

    stolen = await api(
        REPORT,
        {"input": {"communityId": str(world.a.id), "category": "NOISE", "description": "x", "photos": [theirs]}},
        as_=world.owner_a101,
    )
    assert error(stolen)["field"] == "photos"
    await report(api, world, world.owner_a101, photos=[mine])
    reused = await api(
        REPORT,
        {"input": {"communityId": str(world.a.id), "category": "NOISE", "description": "x", "photos": [mine]}},
        as_=world.owner_a101,
    )
    assert (error(reused)["code"], error(reused)["field"]) == ("CONFLICT", "photos")
    assert await Event.all().count() == 1


async def test_the_local_store_prunes_unattached_uploads_too(api: Api, world: World, server: RunningServer) -> None:
    key = await upload(api, world.owner_a101)
    storage = server.storage
    assert await storage.stat(key) is not None

    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert await prune_unattached(storage, older_than=timedelta(days=1), now=later) == 1
    assert await storage.stat(key) is None
    assert await StoredFile.all().count() == 0
