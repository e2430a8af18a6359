"""The one tortoise configuration, and the one way migrations are applied."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
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
    "domain.shops.models",
    "domain.payments.models",
    "domain.orders.models",
    "domain.bills.models",
    "domain.points.models",
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
