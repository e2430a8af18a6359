"""The embedded file store: a folder, with HMAC-signed, expiring URLs the app serves itself."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import time
import uuid
import weakref
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlencode

from domain.files.storage import (
    META_SUFFIX,
    MIN_SECRET_BYTES,
    StoredObject,
    UploadSlot,
    validate_content_type,
    validate_expires_in,
    validate_key,
    validate_size,
)


class UploadTooLarge(Exception):
    """The body went past the signed size; reading stopped there."""


class UploadIncomplete(Exception):
    """The body ended before the signed size."""


class AlreadyStored(Exception):
    """An object is stored under this key already: objects are written once, never replaced."""


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
        validate_size(size)
        validate_expires_in(expires_in)
        url, expires = self._url("PUT", key, expires_in, content_type, str(size))
        return UploadSlot(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type, "If-None-Match": "*"},
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    async def download_url(self, key: str, *, expires_in: int) -> str:
        validate_key(key)
        validate_expires_in(expires_in)
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
        ``UploadIncomplete`` if it ends short, ``AlreadyStored`` if the key has an object (write
        once: an attached photo cannot be swapped with the URL that uploaded it), ``KeyConflict``
        if the key's path is taken by a folder or a file on the way. Whatever happens, no
        partial file is left behind.
        """
        path = self.path_for(key)
        validate_content_type(content_type)
        validate_size(size)
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
        if await asyncio.to_thread(path.exists):
            raise AlreadyStored(f"{path.name} is uploaded already")  # before reading any of the body
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
    """Data first, sidecar last: a reader sees no object or the whole one. `link` fails if the
    path exists, so of two uploads racing to one key (in any process) exactly one lands."""
    with open(meta_tmp, "xb") as handle:
        _finish(handle, meta)
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise AlreadyStored(f"{path.name} is uploaded already") from None
    try:
        os.replace(meta_tmp, meta_path)
    except BaseException:
        path.unlink()  # no sidecar, no object: leave the key free for a retry
        raise
