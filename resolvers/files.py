"""Upload slots: where a client PUTs a file before attaching it by its key."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.files import service as files
from domain.files.models import FileKind
from resolvers.context import Context
from resolvers.ids import parse_optional_id
from schema.files import ContentType, UploadSlot


async def request_upload(
    info: Info[Context, None],
    kind: FileKind,
    content_type: ContentType,
    size: int,
    community_id: strawberry.ID | None = None,
) -> UploadSlot:
    stored, slot = await files.request_upload(
        info.context.viewer(),
        info.context.storage,
        kind=kind,
        content_type=content_type,
        size=size,
        community_id=parse_optional_id(community_id, "communityId"),
    )
    return UploadSlot(
        key=stored.key,
        url=slot.url,
        method=slot.method,
        headers=slot.headers,  # type: ignore[arg-type]  # JSON is a NewType over object
        expires_at=slot.expires_at,
    )


@strawberry.type
class Mutation:
    request_upload: UploadSlot = strawberry.field(
        resolver=request_upload,
        description="Residents and staff: a short-lived URL to PUT one file to storage, counted against the "
        "community's storage (communityId: which, if you belong to several); attach it afterwards by its key",
    )
