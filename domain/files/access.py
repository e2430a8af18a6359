"""Every "may" of files: residents and staff of a community may ask for an upload slot, counted
against that community's storage; a file is attached only by whoever uploaded it.

Who may see an attached file (a photo, and the URL signed for it) is the noun it is attached
to: an event's photos are read through ``domain.events.access.readable_photos``. Files know
events by foreign key only.
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.common.errors import Forbidden, InvalidInput
from domain.common.guards import require_person
from domain.files.models import StoredFile


def check_upload(viewer: Viewer, community_id: int | None) -> tuple[int, int]:
    """Who is asking for an upload slot, and for which community's storage: a person who lives
    or works there. An account that belongs nowhere (just registered, no house, no role) has
    nothing to report yet and gets no storage. ``community_id`` chooses among several."""
    person = require_person(viewer)
    mine = viewer.member_community_ids
    if viewer.is_platform_admin and community_id is not None:
        return person, community_id
    if community_id is not None:
        if community_id not in mine:
            raise Forbidden("Uploads are for the residents and staff of that community", field="communityId")
        return person, community_id
    if len(mine) == 1:
        return person, next(iter(mine))
    if not mine:
        raise Forbidden("Uploads are for the residents and staff of a community: move in or join one first")
    raise InvalidInput("You belong to several communities: name the one this file is for", field="communityId")


def own_uploads(viewer: Viewer) -> QuerySet[StoredFile]:
    """The files this viewer uploaded: the only ones they may attach, and their quota."""
    return StoredFile.filter(uploader_id=require_person(viewer))
