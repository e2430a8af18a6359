"""The one tortoise configuration, and the one way migrations are applied."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import BaseORMException
from tortoise.migrations.api import migrate as _migrate
from tortoise.migrations.executor import MigrationExecutor

from server.settings import SettingsError

APP_LABEL = "lingli"
MODEL_MODULES = [
    "domain.common.budgets",
    "domain.space.models",
    "domain.people.models",
    "domain.notifications.models",
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
    "domain.neighbours.models",
    "domain.notices.models",
    "domain.parking.models",
]


async def _keep_session(connection: asyncpg.Connection) -> None:
    """What a pooled PostgreSQL connection needs on release: nothing more than asyncpg's own rollback of
    an open transaction. Its default reset is one more round trip per release (`RESET ALL; UNLISTEN *;
    pg_advisory_unlock_all()…`: 14% of a telemetry request's time under py-spy) for session state we
    never make: no SET, no LISTEN, only transaction-scoped advisory locks."""


def _connection(database_url: str) -> str | dict[str, Any]:
    if not database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return database_url
    config = expand_db_url(database_url)
    config["credentials"]["reset"] = _keep_session
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
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


class DatabaseUnusable(SettingsError):
    """Nobody answers at DATABASE_URL, it refuses us, or its schema is behind the code: the
    process must not start (one line, exit code 2, as for any other unusable setting)."""


# What connecting can fail with: nobody listens or no such host (OSError), a slow host
# (TimeoutError), PostgreSQL refusing the login or the database (asyncpg), SQLite unable to open
# its file, and tortoise's wrappings of those.
_CANNOT_CONNECT = (OSError, TimeoutError, asyncpg.PostgresError, sqlite3.Error, BaseORMException)


def shown(database_url: str) -> str:
    """The URL without its password, fit for a log line or an error."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", database_url)


async def check_reachable(database_url: str) -> None:
    """Connect and ask ``SELECT 1``: a database nobody answers at is a ``DatabaseUnusable``, not a
    traceback from the first query."""
    try:
        if database_url.startswith("sqlite"):
            # Opened here first, without aiosqlite: its worker thread, after a failed open, may
            # outlive the event loop and print a traceback of its own at exit.
            sqlite3.connect(expand_db_url(database_url)["credentials"]["file_path"]).close()
        await Tortoise.init(config=tortoise_config(database_url))
        await connections.get("default").execute_query("SELECT 1")
    except _CANNOT_CONNECT as error:
        raise DatabaseUnusable(f"DATABASE_URL {shown(database_url)}: cannot connect ({error})") from None
    finally:
        await Tortoise.close_connections()


async def check_migrated(database_url: str) -> None:
    """The database answers and every migration of this code is applied; else a one-line
    ``DatabaseUnusable`` that says to run `lingli migrate` first."""
    await check_reachable(database_url)
    config = tortoise_config(database_url)
    try:
        await Tortoise.init(config=config)
        steps = await MigrationExecutor(connections.get("default"), config["apps"]).plan()
    finally:
        await Tortoise.close_connections()
    pending = [step.migration.name for step in steps if not step.backward]
    if pending:
        raise DatabaseUnusable(
            f"DATABASE_URL {shown(database_url)} lacks {len(pending)} migration(s) of this code "
            f"(from {pending[0]}): run `lingli migrate` first"
        )


async def apply_migrations(database_url: str) -> None:
    """Bring the database to the latest migration. Run once, before any worker starts."""
    await check_reachable(database_url)
    try:
        await _migrate(config=tortoise_config(database_url))
    finally:
        # An open aiosqlite connection keeps a non-daemon thread alive: always close.
        await Tortoise.close_connections()


# For tortoise's own CLI (`tortoise -c server.db.TORTOISE_ORM makemigrations`): the
# autodetector compares models with the migrations on disk, so an in-memory database does.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
