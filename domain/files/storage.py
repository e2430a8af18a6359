"""Object storage for uploaded files (photos of repairs): one interface, two backends.

Clients never send file bytes through GraphQL. The API hands out a short-lived signed URL to
upload to (an ``UploadSlot``), the app PUTs the bytes there directly, and later reads come
from a signed download URL. The URL's signature fixes the key, the method, the expiry and,
for uploads, the content type and the exact size.

* ``LocalStorage`` (``local_store``, the embedded default) keeps files in a folder; the app
  itself serves the signed URLs (see ``files_http``).
* ``S3Storage`` (``s3_store``) talks to any S3-compatible store (AWS, MinIO, Ceph...) through
  aioboto3.

This module holds what both share: the interface and the checks on keys, types and sizes.
``domain.files.stores.make_storage`` picks one from ``STORAGE_URL``.

Keys are opaque strings such as ``events/2026/11/25/<uuid>.jpg``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

MAX_KEY_LENGTH = 1024  # S3's own limit
MAX_OBJECT_BYTES = 5 * 1024**3  # S3's limit for one PUT
MAX_EXPIRES_IN = 7 * 24 * 3600  # SigV4's limit for presigned URLs
MIN_SECRET_BYTES = 32
META_SUFFIX = ".meta.json"

_KEY_RE = re.compile(r"[A-Za-z0-9/._-]+")
# type/subtype[; param=value]... in printable ASCII, so it can be signed and sent as a header.
_CONTENT_TYPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(;[ -~]*)?")


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
