"""Files uploaded by the apps straight to object storage; the row is the app's record of them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.people.models import Person


class FileKind(StrEnum):
    EVENT_PHOTO = "EVENT_PHOTO"
    PRODUCT_PHOTO = "PRODUCT_PHOTO"
    POST_PHOTO = "POST_PHOTO"


class StoredFile(Model):
    """Made when an upload slot is handed out. Attached (``attached_at``) once the object is in
    storage with the size and type that were promised: to an event (and the timeline entry it came
    with), or to what a higher noun links it from (a product's photos: domain/shops)."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    kind = fields.CharEnumField(FileKind, max_length=20)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    uploader: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="files", on_delete=fields.RESTRICT
    )
    uploader_id: int
    # Whose storage it counts against (null: uploaded before files were counted per community).
    community: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "lingli.Community", related_name="files", null=True, on_delete=fields.CASCADE
    )
    community_id: int | None
    event: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "lingli.Event", related_name="files", null=True, on_delete=fields.CASCADE
    )
    event_id: int | None
    entry: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "lingli.EventEntry", related_name="files", null=True, on_delete=fields.CASCADE
    )
    entry_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    attached_at = fields.DatetimeField(null=True)

    class Meta:
        table = "stored_file"
