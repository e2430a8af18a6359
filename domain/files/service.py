"""Upload slots and attachments: which files may be uploaded, and proof that they were.

The app never carries the bytes: it hands out a short-lived signed URL for one object of a
declared type and size, and accepts the object's key on an event only once storage holds
exactly that — the uploader's own file, not attached yet, the promised size and type.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.functions import Sum

from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput
from domain.files import access
from domain.files.models import FileKind, StoredFile
from domain.files.storage import Storage, UploadSlot, validate_key

UPLOAD_SECONDS = 300
DOWNLOAD_SECONDS = 300
MAX_FILES_PER_ENTRY = 9
KEY_LENGTH = 200  # StoredFile.key
# Slots handed out but never attached, per person per day: enough for any report, and a
# ceiling on what one account can make the store hold.
MAX_OPEN_UPLOADS = 50
# What one community's files may take in storage, attached or waiting to be.
COMMUNITY_STORAGE_BYTES = 20 * 1024**3


@dataclass(frozen=True)
class UploadLimits:
    """What one kind of file may be: its content types, its largest size in bytes."""

    content_types: frozenset[str]
    max_size: int


_IMAGES = ("image/jpeg", "image/png", "image/webp", "image/heic")
UPLOAD_LIMITS: dict[FileKind, UploadLimits] = {
    FileKind.EVENT_PHOTO: UploadLimits(frozenset(_IMAGES), max_size=10 * 1024 * 1024),
    FileKind.PRODUCT_PHOTO: UploadLimits(frozenset(_IMAGES), max_size=10 * 1024 * 1024),
    FileKind.POST_PHOTO: UploadLimits(frozenset(_IMAGES), max_size=10 * 1024 * 1024),
}


async def request_upload(
    viewer: Viewer, storage: Storage, *, kind: FileKind, content_type: str, size: int, community_id: int | None = None
) -> tuple[StoredFile, UploadSlot]:
    person, community = access.check_upload(viewer, community_id)
    limits = UPLOAD_LIMITS[kind]
    if content_type not in limits.content_types:
        allowed = ", ".join(sorted(limits.content_types))
        raise InvalidInput(f"A {kind.value} is one of: {allowed}", field="contentType")
    if not 0 < size <= limits.max_size:
        raise InvalidInput(f"A {kind.value} is 1 byte to {limits.max_size // (1024 * 1024)} MiB", field="size")
    now = datetime.now(UTC)
    waiting = await access.own_uploads(viewer).filter(attached_at__isnull=True, created_at__gte=now - timedelta(days=1))
    if len(waiting) >= MAX_OPEN_UPLOADS:
        raise Conflict(
            f"You have {MAX_OPEN_UPLOADS} uploads not attached to anything in the last day: attach or wait",
            field="kind",
        )
    if await stored_bytes(community) + size > COMMUNITY_STORAGE_BYTES:
        raise Conflict("This community's file storage is full: ask its operators", field="size")
    extension = mimetypes.guess_extension(content_type) or ""
    key = f"{kind.value.lower()}/{now:%Y/%m/%d}/{uuid.uuid4().hex}{extension}"
    slot = await storage.upload_slot(key, content_type=content_type, size=size, expires_in=UPLOAD_SECONDS)
    stored = await StoredFile.create(
        key=key, kind=kind, content_type=content_type, size=size, uploader_id=person, community_id=community
    )
    return stored, slot


async def stored_bytes(community_id: int) -> int:
    """What a community's files take (or will, once uploaded): summed by the database."""
    rows = await StoredFile.filter(community_id=community_id).annotate(total=Sum("size")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


async def uploaded(viewer: Viewer, storage: Storage, keys: list[str], *, field: str) -> list[StoredFile]:
    """The files behind these keys, checked: the viewer's own slots, not attached yet, and in
    storage with the size and type that were promised. Call before the transaction that
    attaches them (storage is a network call)."""
    own = access.own_uploads(viewer)
    if len(keys) > MAX_FILES_PER_ENTRY:
        raise InvalidInput(f"At most {MAX_FILES_PER_ENTRY} files at a time", field=field)
    if len(set(keys)) != len(keys):
        raise InvalidInput("The same file twice", field=field)
    for key in keys:
        if not _well_formed(key):
            raise InvalidInput(f"{key[:40]!r}… is not a file key from requestUpload", field=field)
    files = {f.key: f for f in await own.filter(key__in=keys)}
    checked = []
    for key in keys:
        stored = files.get(key)
        if stored is None:
            raise InvalidInput(f"No upload of yours with key {key}: ask for an upload slot first", field=field)
        if stored.attached_at is not None:
            raise Conflict(f"The file {key} is attached already", field=field)
        found = await storage.stat(key)
        if found is None:
            raise InvalidInput(f"Nothing was uploaded for {key} yet", field=field)
        if found.size != stored.size or found.content_type != stored.content_type:
            raise InvalidInput(
                f"The file {key} is not what its slot promised ({stored.content_type}, {stored.size} bytes)",
                field=field,
            )
        checked.append(stored)
    return checked


def _well_formed(key: str) -> bool:
    if len(key) > KEY_LENGTH:
        return False
    try:
        validate_key(key)
    except ValueError:
        return False
    return True


async def attach(
    files: list[StoredFile], *, field: str, event_id: int | None = None, entry_id: int | None = None
) -> None:
    """Inside the transaction of what they are attached to (an event's; without an event, the
    caller links them itself: a product's photos). Conditional, so two requests attaching one
    file cannot both win."""
    now = datetime.now(UTC)
    for stored in files:
        changed = await StoredFile.filter(id=stored.id, attached_at__isnull=True).update(
            event_id=event_id, entry_id=entry_id, attached_at=now
        )
        if changed != 1:
            raise Conflict(f"The file {stored.key} is attached already", field=field)


async def prune_unattached(storage: Storage, *, older_than: timedelta, now: datetime | None = None) -> int:
    """The periodic clean-up: slots handed out and never attached are deleted, object and row.
    Attached files stay as long as their event."""
    cutoff = (now or datetime.now(UTC)) - older_than
    stale = await StoredFile.filter(attached_at__isnull=True, created_at__lt=cutoff).order_by("id").limit(500)
    pruned = 0
    for stored in stale:
        # The row first, and only while unattached: an attach racing this one either wins (the
        # file stays, object and all) or finds no row and fails with nothing written.
        if await StoredFile.filter(id=stored.id, attached_at__isnull=True).delete():
            await storage.delete(stored.key)
            pruned += 1
    return pruned
