"""Uploaded objects are written once, through the app's local store: a short upload leaves nothing, racing
uploads land once, and an upload that failed after linking its data can be retried."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import httpx

from domain.files.local_store import LocalStorage
from domain.files.storage import META_SUFFIX
from tests.conftest import RunningServer
from tests.events.support import JPEG, UPLOAD
from tests.support import Api, World, data


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


async def test_an_upload_that_failed_after_linking_the_data_can_be_retried(
    api: Api, world: World, server: RunningServer
) -> None:
    slot = await _slot(api, world)
    # A real fault at the last step: the sidecar's name is taken by a folder with something in it,
    # so renaming the sidecar into place fails after the data file was linked (as a full disk would).
    assert isinstance(server.storage, LocalStorage)
    data_path = server.storage.path_for(slot["key"])
    blocker = data_path.with_name(data_path.name + META_SUFFIX)
    blocker.mkdir(parents=True)
    (blocker / "in-the-way").write_bytes(b"")
    async with httpx.AsyncClient() as http:
        failed = await http.put(slot["url"], content=JPEG, headers=slot["headers"])
        assert not data_path.exists()  # the data file was unlinked again: the key stays free
        shutil.rmtree(blocker)
        retried = await http.put(slot["url"], content=JPEG, headers=slot["headers"])
    assert failed.status_code >= 500
    assert retried.status_code == 200, retried.text
    assert await server.storage.stat(slot["key"]) is not None
    assert _leftovers(server) == []
