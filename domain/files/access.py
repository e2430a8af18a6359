"""Every "may" of files: anyone logged in may ask for an upload slot; a file is attached only by
whoever uploaded it.

Who may see an attached file (a photo, and the URL signed for it) is the noun it is attached
to: an event's photos are read through ``domain.events.access.readable_photos``. Files know
events by foreign key only.
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.common.guards import require_person
from domain.files.models import StoredFile


def check_upload(viewer: Viewer) -> int:
    """Who is asking for an upload slot (any person logged in)."""
    return require_person(viewer)


def own_uploads(viewer: Viewer) -> QuerySet[StoredFile]:
    """The files this viewer uploaded: the only ones they may attach, and their quota."""
    return StoredFile.filter(uploader_id=require_person(viewer))
