"""What the file tests share: the object stores' URL-signing secret, a JPEG body and fresh keys; and a
photo uploaded through the app, as a person, for their events."""

from __future__ import annotations

import uuid

import httpx

from domain.people.models import Person
from tests.support import Api, data

SECRET = b"file-url-secret-" + b"y" * 32
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"
PHOTO = b"\xff\xd8\xff\xe0" + b"a-cracked-wall" * 64
UPLOAD = """
mutation U($size: Int!) {
  requestUpload(kind: EVENT_PHOTO, contentType: "image/jpeg", size: $size) { key url method headers }
}
"""


def new_key(ext: str = "jpg") -> str:
    return f"events/2026/11/25/{uuid.uuid4()}.{ext}"


async def upload(api: Api, person: Person) -> str:
    slot = data(await api(UPLOAD, {"size": len(PHOTO)}, as_=person))["requestUpload"]
    async with httpx.AsyncClient() as http:
        stored = await http.request(slot["method"], slot["url"], content=PHOTO, headers=slot["headers"])
    assert stored.status_code == 200, stored.text
    return str(slot["key"])
