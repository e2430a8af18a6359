"""Object storage for uploaded files (photos of repairs): one interface, two backends.

Clients never send file bytes through GraphQL. The API hands out a short-lived signed URL to
upload to (an ``UploadSlot``), the app PUTs the bytes there directly, and later reads come
from a signed download URL. The URL's signature fixes the key, the method, the expiry and,
for uploads, the content type and the exact size.

* ``LocalStorage`` (``local_store``, the embedded default) keeps files in a folder; the app
  itself serves the signed URLs (see ``files_http``).
* ``S3Storage`` (``s3_store``) talks to any S3-compatible store (AWS, MinIO, Ceph...) through
  aioboto3.

This module holds what both share: the interface, the checks on keys, types and sizes, and
``make_storage``, which picks one from ``STORAGE_URL``.

Keys are opaque strings such as ``events/2026/11/25/<uuid>.jpg``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

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


def validate_size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_OBJECT_BYTES:
        raise ValueError(f"size must be an integer between 0 and {MAX_OBJECT_BYTES} bytes")
    return size


def validate_expires_in(expires_in: int) -> int:
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 1 <= expires_in <= MAX_EXPIRES_IN:
        raise ValueError(f"expires_in must be between 1 and {MAX_EXPIRES_IN} seconds")
    return expires_in


# --- local folder -------------------------------------------------------------------------


def make_storage(storage_url: str, *, data_dir: Path, public_base_url: str, secret: bytes) -> Storage:
    """``""`` or ``"local"``: files under ``data_dir / "files"``, served by the app at ``public_base_url``.

    ``s3://[access_key:secret_key@]bucket?endpoint=http://127.0.0.1:9000&region=us-east-1``: an
    S3-compatible store (no endpoint: AWS; region defaults to us-east-1). Without keys in the
    URL, boto's usual chain applies (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profile, role).
    """
    # Imported here: each backend imports this module for the interface and the checks.
    from domain.files.local_store import LocalStorage
    from domain.files.s3_store import S3Storage

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
