"""Object storage for uploaded files (photos of repairs): one interface, two backends.

Clients never send file bytes through GraphQL. The API hands out a short-lived signed URL to
upload to (an ``UploadSlot``), the app PUTs the bytes there directly, and later reads come
from a signed download URL. The URL's signature fixes the key, the method, the expiry and,
for uploads, the content type and the exact size.

* ``LocalStorage`` (the embedded default) keeps files in a folder; the app itself serves the
  signed URLs (see ``files_http``).
* ``S3Storage`` talks to any S3-compatible store (AWS, MinIO, Ceph...) through aioboto3.

Keys are opaque strings such as ``events/2026/11/25/<uuid>.jpg``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import re
import time
import uuid
import weakref
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import aioboto3
from botocore.config import Config
from botocore.exceptions import ClientError

MAX_KEY_LENGTH = 1024  # S3's own limit
MAX_OBJECT_BYTES = 5 * 1024**3  # S3's limit for one PUT
MAX_EXPIRES_IN = 7 * 24 * 3600  # SigV4's limit for presigned URLs
MIN_SECRET_BYTES = 32
META_SUFFIX = ".meta.json"

_KEY_RE = re.compile(r"[A-Za-z0-9/._-]+")
# type/subtype[; param=value]... in printable ASCII, so it can be signed and sent as a header.
_CONTENT_TYPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(;[ -~]*)?")
_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True)
class UploadSlot:
    """Where and how the app uploads one file directly."""

    url: str
    method: str  # "PUT"
    headers: dict[str, str]  # headers the client must send, e.g. {"Content-Type": "image/jpeg"}
    expires_at: datetime


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str


class Storage(Protocol):
    async def upload_slot(self, key: str, *, content_type: str, size: int, expires_in: int) -> UploadSlot: ...

    async def download_url(self, key: str, *, expires_in: int) -> str: ...

    async def stat(self, key: str) -> StoredObject | None: ...  # None when nothing was uploaded
    async def delete(self, key: str) -> None: ...  # nothing there is fine

    async def close(self) -> None: ...


def validate_key(key: str) -> str:
    """A key is path-like: ``[A-Za-z0-9/._-]``, no leading ``/``, no ``..``, no empty segment.

    Stricter than S3 needs, so that a key is also a safe relative path for ``LocalStorage``:
    no segment may start with ``.`` (its temp files do) or end with ``.meta.json`` (its sidecars do).
    """
    if not isinstance(key, str) or not key:
        raise ValueError("file key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"file key is longer than {MAX_KEY_LENGTH} characters")
    if not _KEY_RE.fullmatch(key):
        raise ValueError("file key may only contain A-Z a-z 0-9 / . _ -")
    if key.startswith("/") or ".." in key:
        raise ValueError("file key may not start with '/' or contain '..'")
    for segment in key.split("/"):
        if not segment:
            raise ValueError("file key may not contain an empty segment ('//' or a trailing '/')")
        if segment.startswith("."):
            raise ValueError("file key segments may not start with '.'")
        if segment.endswith(META_SUFFIX):
            raise ValueError(f"file key may not end with {META_SUFFIX!r}")
    return key


def validate_content_type(content_type: str) -> str:
    if not isinstance(content_type, str) or len(content_type) > 255 or not _CONTENT_TYPE_RE.fullmatch(content_type):
        raise ValueError(f"not a valid content type: {content_type!r}")
    return content_type


def _validate_size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_OBJECT_BYTES:
        raise ValueError(f"size must be an integer between 0 and {MAX_OBJECT_BYTES} bytes")
    return size


def _validate_expires_in(expires_in: int) -> int:
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 1 <= expires_in <= MAX_EXPIRES_IN:
        raise ValueError(f"expires_in must be between 1 and {MAX_EXPIRES_IN} seconds")
    return expires_in


# --- local folder -------------------------------------------------------------------------


class UploadTooLarge(Exception):
    """The body went past the signed size; reading stopped there."""


class UploadIncomplete(Exception):
    """The body ended before the signed size."""


class KeyConflict(Exception):
    """The key's path collides with another key's (a file where a folder is needed, or the reverse)."""


@dataclass(frozen=True)
class SignedRequest:
    """The signed parts of a local file URL, as they came in the query string."""

    method: str
    key: str
    expires: str
    sig: str
    content_type: str = ""
    size: str = ""


class LocalStorage:
    """Files in a folder, served by the app itself under ``{base_url}/files/{key}``.

    URLs carry ``expires`` (unix seconds), for uploads ``ct`` and ``size``, and ``sig``: the hex
    HMAC-SHA256 of method, key, expires, ct and size, under a key derived from ``secret``.
    Each file is written atomically (temp file + ``os.replace``) with a ``<file>.meta.json``
    sidecar holding content_type and size; the sidecar is written last, so an object without
    one was never (completely) uploaded.
    """

    def __init__(
        self,
        root: Path,
        *,
        base_url: str,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the file URL secret must be at least {MIN_SECRET_BYTES} bytes")
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        # Domain separation: the same secret may also sign tokens elsewhere.
        self._key = hmac.new(secret, b"lingli/files/v1", hashlib.sha256).digest()
        self._clock = clock
        # One writer per key in this process; an entry lives only while some upload holds it.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    # -- signing --

    def _signature(self, method: str, key: str, expires: str, content_type: str, size: str) -> str:
        message = "\n".join((method, key, expires, content_type, size)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _url(self, method: str, key: str, expires_in: int, content_type: str = "", size: str = "") -> tuple[str, int]:
        expires = int(self._clock()) + expires_in
        query: dict[str, str] = {"expires": str(expires)}
        if method == "PUT":
            query |= {"ct": content_type, "size": size}
        query["sig"] = self._signature(method, key, str(expires), content_type, size)
        return f"{self.base_url}/files/{key}?{urlencode(query)}", expires

    def verify(self, request: SignedRequest) -> bool:
        """True when the signature matches and has not expired (valid up to and including ``expires``)."""
        expected = self._signature(request.method, request.key, request.expires, request.content_type, request.size)
        if not hmac.compare_digest(expected.encode(), request.sig.encode("utf-8", "replace")):
            return False
        try:
            return int(request.expires) >= self._clock()
        except ValueError:
            return False

    # -- Storage --

    async def upload_slot(self, key: str, *, content_type: str, size: int, expires_in: int) -> UploadSlot:
        validate_key(key)
        validate_content_type(content_type)
        _validate_size(size)
        _validate_expires_in(expires_in)
        url, expires = self._url("PUT", key, expires_in, content_type, str(size))
        return UploadSlot(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    async def download_url(self, key: str, *, expires_in: int) -> str:
        validate_key(key)
        _validate_expires_in(expires_in)
        return self._url("GET", key, expires_in)[0]

    async def stat(self, key: str) -> StoredObject | None:
        return await asyncio.to_thread(self._stat, self.path_for(key))

    async def delete(self, key: str) -> None:
        path = self.path_for(key)
        # The sidecar first: without it the object counts as not uploaded (see _stat).
        await asyncio.to_thread(self._meta_path(path).unlink, missing_ok=True)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    async def close(self) -> None:
        return None

    # -- files --

    def path_for(self, key: str) -> Path:
        return self.root / validate_key(key)

    @staticmethod
    def _meta_path(path: Path) -> Path:
        return path.with_name(path.name + META_SUFFIX)

    def _stat(self, path: Path) -> StoredObject | None:
        try:
            meta = json.loads(self._meta_path(path).read_text("utf-8"))
            if not path.is_file():
                return None
            return StoredObject(size=int(meta["size"]), content_type=str(meta["content_type"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    async def write(self, key: str, body: AsyncIterable[bytes], *, content_type: str, size: int) -> StoredObject:
        """Store exactly ``size`` bytes from ``body``, or nothing.

        Raises ``UploadTooLarge`` as soon as the body goes past ``size`` (nothing more is read),
        ``UploadIncomplete`` if it ends short, ``KeyConflict`` if the key's path is taken by a
        folder or a file on the way. Whatever happens, no partial file is left behind.
        """
        path = self.path_for(key)
        validate_content_type(content_type)
        _validate_size(size)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            await self._write(path, body, content_type=content_type, size=size)
        return StoredObject(size=size, content_type=content_type)

    async def _write(self, path: Path, body: AsyncIterable[bytes], *, content_type: str, size: int) -> None:
        try:
            await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as error:
            raise KeyConflict(str(error)) from error
        if await asyncio.to_thread(path.is_dir):
            raise KeyConflict(f"{path.name} is a folder of other files")
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        meta_tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.meta.tmp")
        handle = await asyncio.to_thread(open, tmp, "xb")
        try:
            try:
                received = 0
                pending = bytearray()
                async for chunk in body:
                    received += len(chunk)
                    if received > size:
                        raise UploadTooLarge(f"the body is larger than the signed {size} bytes")
                    pending += chunk
                    if len(pending) >= 1 << 20:
                        await asyncio.to_thread(handle.write, bytes(pending))
                        pending.clear()
                if received < size:
                    raise UploadIncomplete(f"the body has {received} of the signed {size} bytes")
                await asyncio.to_thread(_finish, handle, bytes(pending))
            finally:
                await asyncio.to_thread(handle.close)
            meta = json.dumps({"content_type": content_type, "size": size}).encode()
            await asyncio.to_thread(_publish, path, tmp, meta_tmp, meta, self._meta_path(path))
        finally:
            for leftover in (tmp, meta_tmp):
                with contextlib.suppress(FileNotFoundError):
                    await asyncio.to_thread(leftover.unlink)


def _finish(handle: BinaryIO, data: bytes) -> None:
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


def _publish(path: Path, tmp: Path, meta_tmp: Path, meta: bytes, meta_path: Path) -> None:
    """Data first, sidecar last: a reader sees the old object, no object, or the new one."""
    with open(meta_tmp, "xb") as handle:
        _finish(handle, meta)
    with contextlib.suppress(FileNotFoundError):
        meta_path.unlink()  # an overwrite: until the new sidecar lands, the object does not exist
    os.replace(tmp, path)
    os.replace(meta_tmp, meta_path)


# --- S3 -----------------------------------------------------------------------------------


class S3Storage:
    """Any S3-compatible store, through one lazily opened aioboto3 client.

    Upload URLs sign Content-Type and Content-Length, so S3 refuses a different type or size.
    The bucket is created on first use if it does not exist (``ensure_bucket``).
    """

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key: str | None,
        secret_key: str | None,
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        # No keys given: boto's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile, role...).
        self._session = aioboto3.Session(
            aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
        )
        self._config = Config(
            signature_version="s3v4",
            # Self-hosted stores rarely have wildcard DNS for virtual-hosted buckets.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
        )
        self._client: Any = None
        self._client_cm: Any = None
        self._bucket_ready = False
        self._lock = asyncio.Lock()

    async def _s3(self) -> Any:
        if self._client is not None and self._bucket_ready:
            return self._client
        async with self._lock:
            if self._client is None:
                cm = self._session.client("s3", endpoint_url=self.endpoint_url, config=self._config)
                self._client = await cm.__aenter__()
                self._client_cm = cm
            if not self._bucket_ready:
                await self._ensure_bucket(self._client)
                self._bucket_ready = True
            return self._client

    async def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (safe to call again, and from several processes)."""
        await self._s3()

    async def _ensure_bucket(self, client: Any) -> None:
        try:
            await client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as error:
            if _error_code(error) not in ("404", "NoSuchBucket", "NotFound"):
                raise
        params: dict[str, Any] = {"Bucket": self.bucket}
        if self.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            await client.create_bucket(**params)
        except ClientError as error:
            if _error_code(error) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise

    async def upload_slot(self, key: str, *, content_type: str, size: int, expires_in: int) -> UploadSlot:
        validate_key(key)
        validate_content_type(content_type)
        _validate_size(size)
        _validate_expires_in(expires_in)
        client = await self._s3()
        now = datetime.now(UTC)
        url: str = await client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.bucket, "Key": key, "ContentType": content_type, "ContentLength": size},
            ExpiresIn=expires_in,
            HttpMethod="PUT",
        )
        return UploadSlot(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=now.replace(microsecond=0) + timedelta(seconds=expires_in),
        )

    async def download_url(self, key: str, *, expires_in: int) -> str:
        validate_key(key)
        _validate_expires_in(expires_in)
        client = await self._s3()
        url: str = await client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in, HttpMethod="GET"
        )
        return url

    async def stat(self, key: str) -> StoredObject | None:
        validate_key(key)
        client = await self._s3()
        try:
            head = await client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _error_code(error) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(
            size=int(head["ContentLength"]), content_type=str(head.get("ContentType") or "application/octet-stream")
        )

    async def delete(self, key: str) -> None:
        validate_key(key)
        client = await self._s3()
        await client.delete_object(Bucket=self.bucket, Key=key)  # S3 answers 204 for a missing key too

    async def close(self) -> None:
        async with self._lock:
            cm, self._client, self._client_cm = self._client_cm, None, None
            self._bucket_ready = False
            if cm is not None:
                await cm.__aexit__(None, None, None)


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


# --- choosing one ---------------------------------------------------------------------------


def make_storage(storage_url: str, *, data_dir: Path, public_base_url: str, secret: bytes) -> Storage:
    """``""`` or ``"local"``: files under ``data_dir / "files"``, served by the app at ``public_base_url``.

    ``s3://[access_key:secret_key@]bucket?endpoint=http://127.0.0.1:9000&region=us-east-1``: an
    S3-compatible store (no endpoint: AWS; region defaults to us-east-1). Without keys in the
    URL, boto's usual chain applies (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile, role).
    """
    if storage_url in ("", "local"):
        return LocalStorage(Path(data_dir) / "files", base_url=public_base_url, secret=secret)
    parts = urlsplit(storage_url)
    if parts.scheme != "s3":
        raise ValueError("storage URL must be 'local' or 's3://bucket?endpoint=...&region=...'")
    bucket = parts.netloc.rpartition("@")[2]
    if not _BUCKET_RE.fullmatch(bucket) or parts.path not in ("", "/"):
        raise ValueError(f"not a valid S3 bucket name in the storage URL: {bucket!r}")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    unknown = set(query) - {"endpoint", "region"}
    if unknown:
        raise ValueError(f"unknown storage URL parameter(s): {', '.join(sorted(unknown))}")
    endpoint = query.get("endpoint", [""])[-1] or None
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ValueError("the storage URL's endpoint must be an http(s) URL")
    access_key = unquote(parts.username) if parts.username else None
    secret_key = unquote(parts.password) if parts.password else None
    if (access_key is None) != (secret_key is None):
        raise ValueError("the storage URL must give both the access key and the secret key, or neither")
    return S3Storage(
        bucket=bucket,
        endpoint_url=endpoint,
        region=query.get("region", [""])[-1] or "us-east-1",
        access_key=access_key,
        secret_key=secret_key,
    )
