"""Finding one row through an access query, so an invisible row is simply not found."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.queryset import QuerySet

from domain.common.errors import Conflict, InvalidInput, NotFound

M = TypeVar("M", bound=Model)


async def get_visible(queryset: QuerySet[M], pk: int, *, what: str, field: str) -> M:
    row = await queryset.get_or_none(id=pk)
    if row is None:
        raise NotFound(f"No {what} with id {pk} that you can see", field=field)
    return row


async def lock(model: type[Model], pk: int) -> None:
    """Serialise the check-then-write that follows against concurrent twins on the same row.

    SELECT ... FOR UPDATE on PostgreSQL (held until the transaction ends); SQLite runs
    one writer at a time anyway, and tortoise leaves the clause out there.
    """
    await model.filter(pk=pk).select_for_update().first()


def given(**filters: Any) -> dict[str, Any]:
    """The filters the client actually gave: None means "not filtered on"."""
    return {key: value for key, value in filters.items() if value is not None}


def only_known(changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            f"These fields cannot be changed here: {', '.join(sorted(unknown))}", field=sorted(unknown)[0]
        )


async def create_or_conflict(model: type[M], message: str, *, field: str, **values: Any) -> M:
    """Create, turning a unique-constraint failure (a concurrent twin won) into a typed CONFLICT."""
    try:
        return await model.create(**values)
    except IntegrityError:
        raise Conflict(message, field=field) from None


async def save_or_conflict(row: Model, message: str, *, field: str, update_fields: list[str] | None = None) -> None:
    """Save, turning a unique-constraint failure into a typed CONFLICT on ``field``."""
    try:
        await row.save(update_fields=update_fields)
    except IntegrityError:
        raise Conflict(message, field=field) from None
