"""The S3 object store, against moto's standalone S3 server, and the STORAGE_URL that picks a store.

Nothing here touches the app's database. Signature and expiry rejection is tested against the
local store only (tests/files/test_local_store.py): moto's S3 server does not check presigned signatures."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from domain.files.local_store import LocalStorage
from domain.files.s3_store import S3Storage
from domain.files.storage import StoredObject
from domain.files.stores import make_storage
from tests.files.support import JPEG, SECRET, new_key


@pytest.fixture(autouse=True)
async def clean_database() -> AsyncIterator[None]:
    """Replaces conftest's autouse fixture of the same name: these tests need no database."""
    yield


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture
async def s3(moto_endpoint: str, tmp_path: Path) -> AsyncIterator[S3Storage]:
    url = f"s3://lingli-{uuid.uuid4().hex[:12]}?endpoint={moto_endpoint}&region=us-east-1"
    storage = make_storage(url, data_dir=tmp_path, public_base_url="http://unused", secret=SECRET)
    assert isinstance(storage, S3Storage)
    yield storage
    await storage.close()


async def test_s3_upload_stat_download(s3: S3Storage, http: httpx.AsyncClient) -> None:
    key = new_key()
    slot = await s3.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=300)
    assert slot.method == "PUT"
    assert slot.headers == {"Content-Type": "image/jpeg", "If-None-Match": "*"}
    assert 290 <= slot.expires_at.timestamp() - time.time() <= 301
    signed_headers = parse_qs(urlsplit(slot.url).query)["X-Amz-SignedHeaders"][0].split(";")
    assert {"content-type", "content-length"} <= set(signed_headers)  # a real S3 refuses another type or size

    put = await http.request(slot.method, slot.url, headers=slot.headers, content=JPEG)
    assert put.status_code == 200, put.text

    assert await s3.stat(key) == StoredObject(size=len(JPEG), content_type="image/jpeg")
    got = await http.get(await s3.download_url(key, expires_in=60))
    assert got.status_code == 200
    assert got.content == JPEG
    assert got.headers["content-type"] == "image/jpeg"


async def test_s3_objects_are_written_once_never_replaced(s3: S3Storage, http: httpx.AsyncClient) -> None:
    key = new_key()
    slot = await s3.upload_slot(key, content_type="image/jpeg", size=len(JPEG), expires_in=60)
    assert (await http.put(slot.url, headers=slot.headers, content=JPEG)).status_code == 200

    again = await http.put(slot.url, headers=slot.headers, content=JPEG[::-1])

    assert again.status_code == 412  # PreconditionFailed: If-None-Match: *
    # The header is signed, so a real S3 refuses the URL without it (moto checks no signatures).
    assert "if-none-match" in parse_qs(urlsplit(slot.url).query)["X-Amz-SignedHeaders"][0].split(";")
    got = await http.get(await s3.download_url(key, expires_in=60))
    assert got.content == JPEG


async def test_s3_stat_of_nothing_is_none(s3: S3Storage) -> None:
    assert await s3.stat(new_key()) is None


async def test_s3_creates_a_bucket_outside_us_east_1_once(moto_endpoint: str) -> None:
    bucket = f"lingli-{uuid.uuid4().hex[:12]}"
    storage = S3Storage(bucket=bucket, endpoint_url=moto_endpoint, region="eu-west-1", access_key="k", secret_key="s")
    try:
        await storage.ensure_bucket()
        await storage.ensure_bucket()
        assert await storage.stat(new_key()) is None
    finally:
        await storage.close()
    # A second process finding the bucket already there is fine too.
    again = S3Storage(bucket=bucket, endpoint_url=moto_endpoint, region="eu-west-1", access_key="k", secret_key="s")
    try:
        await again.ensure_bucket()
    finally:
        await again.close()


def test_make_storage(tmp_path: Path) -> None:
    for url in ("", "local"):
        local = make_storage(url, data_dir=tmp_path, public_base_url="https://api.example/", secret=SECRET)
        assert isinstance(local, LocalStorage)
        assert local.root == tmp_path / "files"
        assert local.base_url == "https://api.example"

    s3 = make_storage(
        "s3://photos?endpoint=http://127.0.0.1:9000&region=eu-west-1",
        data_dir=tmp_path,
        public_base_url="",
        secret=SECRET,
    )
    assert isinstance(s3, S3Storage)
    assert (s3.bucket, s3.endpoint_url, s3.region) == ("photos", "http://127.0.0.1:9000", "eu-west-1")
    aws = make_storage("s3://ak:sk%2F1@photos", data_dir=tmp_path, public_base_url="", secret=SECRET)
    assert isinstance(aws, S3Storage)
    assert (aws.endpoint_url, aws.region) == (None, "us-east-1")

    for bad in ("ftp://x", "s3://", "s3://Photos", "s3://photos/sub", "s3://photos?endpont=http://x", "s3://ak@photos"):
        with pytest.raises(ValueError):
            make_storage(bad, data_dir=tmp_path, public_base_url="", secret=SECRET)
