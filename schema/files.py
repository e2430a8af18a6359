"""GraphQL types and enums of files: photos and upload slots."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.files import models as fm
from domain.files.models import FileKind as FileKind
from domain.files.service import DOWNLOAD_SECONDS
from domain.files.storage import Storage
from schema.string_inputs import stored_in

# Arguments of resolvers.files and resolvers.events, with their lengths.
ContentType = Annotated[
    str,
    strawberry.argument(
        description="The file's type, e.g. image/jpeg", metadata=stored_in(fm.StoredFile, "content_type")
    ),
]
PHOTO_KEYS = stored_in(fm.StoredFile, "key")
PhotoKeys = Annotated[
    list[str] | None, strawberry.argument(description="Keys of files you uploaded", metadata=PHOTO_KEYS)
]

strawberry.enum(FileKind, description="What a file is for: decides the types and size allowed")


@strawberry.type(description="A photo on an event; its URL is signed for you and short-lived")
class Photo:
    key: str = strawberry.field(description="The storage key it was uploaded under")
    content_type: str = strawberry.field(description="image/jpeg, image/png…")
    size: int = strawberry.field(description="Bytes")
    entry_id: strawberry.ID | None = strawberry.field(description="The timeline entry it came with")

    @classmethod
    def from_row(cls, row: fm.StoredFile) -> Photo:
        entry = strawberry.ID(str(row.entry_id)) if row.entry_id else None
        return cls(key=row.key, content_type=row.content_type, size=row.size, entry_id=entry)

    @strawberry.field(description=f"A presigned GET URL, valid {DOWNLOAD_SECONDS} s")
    async def url(self, info: Info) -> str:
        storage: Storage = info.context.storage
        return await storage.download_url(self.key, expires_in=DOWNLOAD_SECONDS)


@strawberry.type(description="Where to PUT the file: straight to storage, before `expiresAt`")
class UploadSlot:
    key: str = strawberry.field(description="Attach the file by this key (`photos: [key]`) once uploaded")
    url: str = strawberry.field(description="The presigned URL")
    method: str = strawberry.field(description="PUT")
    headers: strawberry.scalars.JSON = strawberry.field(description="Headers to send with it, exactly")
    expires_at: datetime = strawberry.field(description="The URL stops working then")
