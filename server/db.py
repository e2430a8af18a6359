"""The one tortoise configuration, and the one way migrations are applied."""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.exceptions import DBConnectionError
from tortoise.migrations.api import migrate as _migrate

APP_LABEL = "lingli"
MODEL_MODULES = [
    "domain.common.budgets",
    "domain.space.models",
    "domain.people.models",
    "realtime.models",
    "domain.devices.models",
    "domain.alarms.models",
    "domain.events.models",
    "domain.files.models",
    "domain.bills.models",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def apply_migrations(database_url: str) -> None:
    """Bring the database to the latest migration. Run once, before any worker starts."""
    try:
        await _migrate(config=tortoise_config(database_url))
    finally:
        # An open aiosqlite connection keeps a non-daemon thread alive: always close.
        await Tortoise.close_connections()


# For tortoise's own CLI (`tortoise -c server.db.TORTOISE_ORM makemigrations`): the
# autodetector compares models with the migrations on disk, so an in-memory database does.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")


# What a lost database connection raises: tortoise's, the socket's, and asyncpg's when the server
# ends a connection (terminated by an administrator, shut down, or gone under a transaction).
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    DBConnectionError,
    OSError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
)


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what it was raised from) is the database being out of reach: a
    condition to answer 503, try again, rather than a fault of the code."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, _UNAVAILABLE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
