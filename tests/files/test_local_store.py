"""The local object store, served by uvicorn: uploads, downloads, written-once objects, size and type
checks, signed and expiring URLs, and keys checked before any I/O.

Nothing here touches the app's database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from domain.files.local_store import LocalStorage, UploadTooLarge
from domain.files.s3_store import S3Storage
from domain.files.storage import StoredObject
from server.files_http import file_routes
from tests.files.support import JPEG, SECRET, new_key
from tests.support import free_port


@pytest.fixture(autouse=True)
async def clean_database() -> AsyncIterator[None]:
    """Replaces conftest's autouse fixture of the same name: these tests need no database."""
    yield


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


class LocalServer:
    def __init__(self, storage: LocalStorage) -> None:
        self.storage = storage

    def files(self) -> set[str]:
        """Every file under the root, temp files and sidecars included."""
        return {str(p.relative_to(self.storage.root)) for p in self.storage.root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
async def local(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalServer]:
    port = free_port()
    storage = LocalStorage(tmp_path_factory.mktemp("files"), base_url=f"http://127.0.0.1:{port}/", secret=SECRET)
    app = Starlette(routes=file_routes(storage))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    config.load()
    server.lifespan = config.lifespan_class(config)
    await server.startup()  # binds the socket before returning
    loop_task = asyncio.create_task(server.main_loop())
    yield LocalServer(storage)
    server.should_exit = True
    await loop_task
    await server.shutdown()


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def assert_nothing_stored(local: LocalServer, key: str, before: set[str]) -> None:
    assert local.files() == before
    assert not (local.storage.root / key).exists()


async def test_local_upload_then_download(local: LocalServer, http: httpx.AsyncClient) -> None:
    key = new_key()
    slot = await local.storage.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=60)
    assert slot.url.startswith(f"{local.storage.base_url}/files/{key}?")
    put = await http.request(slot.method, slot.url, headers=slot.headers, content=JPEG)
    assert put.status_code == 200, put.text
    assert put.json() == {"key": key, "size": len(JPEG), "contentType": "image/jpeg"}

    assert await local.storage.stat(key) == StoredObject(size=len(JPEG), content_type="image/jpeg")
    assert (local.storage.root / key).read_bytes() == JPEG
    assert not any(name.endswith(".tmp") for name in local.files())

    got = await http.get(await local.storage.download_url(key, expires_in=60))
    assert got.status_code == 200
    assert got.content == JPEG
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["x-content-type-options"] == "nosniff"


async def test_local_objects_are_written_once_never_replaced(local: LocalServer, http: httpx.AsyncClient) -> None:
    """The URL that uploaded a photo cannot swap it afterwards (it stays valid for minutes)."""
    key = new_key("png")
    first = await local.storage.upload_slot(key, content_type="image/jpeg", size=5, expires_in=60)
    assert (await http.put(first.url, headers=first.headers, content=b"first")).status_code == 200
    again = await http.put(first.url, headers=first.headers, content=b"other")
    other_slot = await local.storage.upload_slot(key, content_type="image/png", size=7, expires_in=60)
    replaced = await http.put(other_slot.url, headers=other_slot.headers, content=b"second!")

    assert_error(again, 412, "ALREADY_UPLOADED")
    assert_error(replaced, 412, "ALREADY_UPLOADED")
    assert await local.storage.stat(key) == StoredObject(size=5, content_type="image/jpeg")
    got = await http.get(await local.storage.download_url(key, expires_in=60))
    assert got.content == b"first"


async def test_local_wrong_content_type_is_415(local: LocalServer, http: httpx.AsyncClient) -> None:
    key, before = new_key(), local.files()
    slot = await local.storage.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=60)
    put = await http.put(slot.url, headers={"Content-Type": "text/html"}, content=JPEG)
    assert_error(put, 415, "UNSUPPORTED_MEDIA_TYPE")
    missing = await http.put(slot.url, content=JPEG)
    assert_error(missing, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_nothing_stored(local, key, before)
    assert await local.storage.stat(key) is None


async def test_local_body_larger_than_signed_is_413(local: LocalServer, http: httpx.AsyncClient) -> None:
    key, before = new_key(), local.files()
    slot = await local.storage.upload_slot(key, content_type="image/jpeg", size=100, expires_in=60)
    declared = await http.put(slot.url, headers=slot.headers, content=b"x" * 101)
    assert_error(declared, 413, "TOO_LARGE")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the server finds out while reading
        for _ in range(3):
            yield b"x" * 60

    streamed = await http.put(slot.url, headers=slot.headers, content=chunks())
    assert_error(streamed, 413, "TOO_LARGE")
    assert_nothing_stored(local, key, before)
    assert await local.storage.stat(key) is None


async def test_local_body_shorter_than_signed_is_400(local: LocalServer, http: httpx.AsyncClient) -> None:
    key, before = new_key(), local.files()
    slot = await local.storage.upload_slot(key, content_type="image/jpeg", size=100, expires_in=60)
    assert_error(await http.put(slot.url, headers=slot.headers, content=b"x" * 99), 400, "INVALID_INPUT")

    async def chunks() -> AsyncIterator[bytes]:
        yield b"x" * 50

    assert_error(await http.put(slot.url, headers=slot.headers, content=chunks()), 400, "INVALID_INPUT")
    assert_nothing_stored(local, key, before)


async def test_write_stops_reading_past_the_signed_size(local: LocalServer) -> None:
    read = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal read
        while True:
            read += 1
            yield b"x" * 1000

    key, before = new_key(), local.files()
    with pytest.raises(UploadTooLarge):
        await local.storage.write(key, endless(), content_type="image/jpeg", size=2500)
    assert read == 3
    assert_nothing_stored(local, key, before)


async def test_local_expired_urls_are_403(local: LocalServer, http: httpx.AsyncClient) -> None:
    # Same folder and secret, but a clock an hour behind: its URLs expired 59 minutes ago.
    past = LocalStorage(
        local.storage.root, base_url=local.storage.base_url, secret=SECRET, clock=lambda: time.time() - 3600
    )
    key, before = new_key(), local.files()
    slot = await past.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=60)
    assert slot.expires_at.timestamp() < time.time()
    assert_error(await http.put(slot.url, headers=slot.headers, content=JPEG), 403, "FORBIDDEN")
    assert_nothing_stored(local, key, before)

    slot = await local.storage.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=60)
    assert (await http.put(slot.url, headers=slot.headers, content=JPEG)).status_code == 200
    assert_error(await http.get(await past.download_url(key, expires_in=60)), 403, "FORBIDDEN")
    # Pushing the expiry forward by hand breaks the signature.
    late = with_query(await past.download_url(key, expires_in=60), expires=str(int(time.time()) + 600))
    assert_error(await http.get(late), 403, "FORBIDDEN")


async def test_local_tampered_upload_urls_are_403(local: LocalServer, http: httpx.AsyncClient) -> None:
    key, before = new_key(), local.files()
    slot = await local.storage.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=60)
    sig = parse_qs(urlsplit(slot.url).query)["sig"][0]
    flipped = ("0" if sig[0] != "0" else "1") + sig[1:]
    tampered = [
        with_query(slot.url, sig=flipped),
        with_query(slot.url, sig=""),
        with_query(slot.url, size=str(len(JPEG) + 1)),
        with_query(slot.url, ct="text/html"),
        slot.url.split("?")[0],
        slot.url.replace(key, new_key()),  # someone else's key
    ]
    for url in tampered:
        headers = {"Content-Type": "text/html"} if "ct=text" in url else slot.headers
        body = JPEG + b"!" if f"size={len(JPEG) + 1}" in url else JPEG
        assert_error(await http.put(url, headers=headers, content=body), 403, "FORBIDDEN")
    assert_nothing_stored(local, key, before)


async def test_local_download_signature_is_checked(local: LocalServer, http: httpx.AsyncClient) -> None:
    key = new_key()
    slot = await local.storage.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=60)
    assert (await http.put(slot.url, headers=slot.headers, content=JPEG)).status_code == 200
    url = await local.storage.download_url(key, expires_in=60)
    assert (await http.get(url)).status_code == 200

    assert_error(await http.get(with_query(url, sig="ab" * 32)), 403, "FORBIDDEN")
    assert_error(await http.get(url.split("?")[0]), 403, "FORBIDDEN")
    assert_error(await http.get(slot.url), 403, "FORBIDDEN")  # an upload URL does not read
    other = await local.storage.download_url(new_key(), expires_in=60)
    assert_error(await http.get(other.replace(other.split("/files/")[1].split("?")[0], key)), 403, "FORBIDDEN")


async def test_local_download_of_nothing_is_404(local: LocalServer, http: httpx.AsyncClient) -> None:
    key = new_key()
    assert await local.storage.stat(key) is None
    assert_error(await http.get(await local.storage.download_url(key, expires_in=60)), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "key",
    [
        "events/../secret.jpg",
        "../etc/passwd",
        "/etc/passwd",
        "events//a.jpg",
        "events/a.jpg/",
        "events/.hidden",
        "events/a b.jpg",
        "events/a.jpg.meta.json",
        "events/ä.jpg",
        "",
        "k" * 1025,
    ],
)
async def test_invalid_keys_are_refused(key: str, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, base_url="http://127.0.0.1:1", secret=SECRET)
    s3 = S3Storage(
        bucket="never-used", endpoint_url="http://127.0.0.1:1", region="us-east-1", access_key="k", secret_key="s"
    )
    for backend in (storage, s3):  # validated before any I/O
        with pytest.raises(ValueError):
            await backend.upload_slot(key, content_type="image/jpeg", size=1, expires_in=60)
        with pytest.raises(ValueError):
            await backend.download_url(key, expires_in=60)
        with pytest.raises(ValueError):
            await backend.stat(key)
    await s3.close()


async def test_slot_arguments_are_checked(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, base_url="http://127.0.0.1:1", secret=SECRET)
    key = new_key()
    for kwargs in (
        {"content_type": "image/jpeg\r\nX-Evil: 1", "size": 1, "expires_in": 60},
        {"content_type": "jpeg", "size": 1, "expires_in": 60},
        {"content_type": "image/jpeg", "size": -1, "expires_in": 60},
        {"content_type": "image/jpeg", "size": 1, "expires_in": 0},
    ):
        with pytest.raises(ValueError):
            await storage.upload_slot(key, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        LocalStorage(tmp_path, base_url="http://x", secret=b"short")
