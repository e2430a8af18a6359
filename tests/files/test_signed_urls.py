"""The local store's signed URLs, handed out by the app, do only what they were signed for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from tests.events.support import report_about as report
from tests.files.support import PHOTO
from tests.support import Api, World, data

UPLOAD = """
mutation U($type: String!, $size: Int!) {
  requestUpload(kind: EVENT_PHOTO, contentType: $type, size: $size) { key url method headers }
}
"""


async def _chunks(body: bytes, size: int = 100) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_local_file_urls_do_only_what_they_were_signed_for(api: Api, world: World) -> None:
    me = world.owner_a101
    slot = data(await api(UPLOAD, {"type": "image/jpeg", "size": len(PHOTO)}, as_=me))["requestUpload"]
    other = data(await api(UPLOAD, {"type": "image/jpeg", "size": len(PHOTO)}, as_=me))["requestUpload"]
    base, _, query = slot["url"].partition("?")
    prefix = base[: base.index("/files/") + len("/files/")]
    jpeg = {"Content-Type": "image/jpeg"}
    async with httpx.AsyncClient() as http:
        # Another key with this signature, traversal, a case-changed type: refused before any byte is kept.
        assert (
            await http.put(f"{other['url'].partition('?')[0]}?{query}", content=PHOTO, headers=jpeg)
        ).status_code == 403
        assert (await http.put(f"{prefix}..%2F..%2Fjwt_secret?{query}", content=PHOTO, headers=jpeg)).status_code == 400
        assert (await http.put(slot["url"], content=PHOTO, headers={"Content-Type": "Image/JPEG"})).status_code == 415
        # No Content-Length (chunked): one byte too many is refused and stores nothing.
        too_long = await http.put(slot["url"], content=_chunks(PHOTO + b"!"), headers=jpeg)
        assert too_long.status_code == 413
        assert (await http.put(slot["url"], content=_chunks(PHOTO[:-1]), headers=jpeg)).status_code == 400
        # The signed PUT URL is no GET URL.
        assert (await http.get(slot["url"])).status_code == 403
        assert (await http.put(slot["url"], content=_chunks(PHOTO), headers=jpeg)).status_code == 200

    key = slot["key"]
    event = await report(api, world, me, world.a101, photos=[key])
    [photo] = data(await api("query E($id: ID!) { event(id: $id) { photos { url } } }", {"id": event["id"]}, as_=me))[
        "event"
    ]["photos"]
    get_base, _, get_query = photo["url"].partition("?")
    async with httpx.AsyncClient() as http:
        fetched = await http.get(photo["url"])
        assert (fetched.status_code, fetched.content) == (200, PHOTO)
        assert fetched.headers["x-content-type-options"] == "nosniff"
        # A GET signature neither uploads nor reads another key.
        assert (await http.put(photo["url"], content=b"x" * len(PHOTO), headers=jpeg)).status_code == 403
        assert (await http.get(f"{other['url'].partition('?')[0]}?{get_query}")).status_code == 403
        assert (await http.get(f"{get_base}.meta.json?{get_query}")).status_code in (400, 403)
