"""The one migration set builds, on an empty database of either backend, exactly the schema the models describe.

The session's database starts empty and is brought up by `db.apply_migrations`, the
code `lingli migrate` runs; on `--db=postgres` that is a freshly created PostgreSQL database.
"""

from __future__ import annotations

from tortoise import Tortoise, connections
from tortoise.migrations.autodetector import MigrationAutodetector

from server.db import MODEL_MODULES, tortoise_config
from tests.conftest import RunningServer


async def _columns(backend: str, table: str) -> set[str]:
    conn = connections.get("default")
    if backend == "sqlite":
        rows = await conn.execute_query_dict(f'PRAGMA table_info("{table}")')
        return {r["name"] for r in rows}
    rows = await conn.execute_query_dict(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        [table],
    )
    return {r["column_name"] for r in rows}


async def test_migrated_tables_and_columns_match_the_models(server: RunningServer, backend: str) -> None:
    apps = Tortoise.apps
    assert apps is not None
    models = list(apps.get_models_iterable())
    assert {m.__module__ for m in models} == set(MODEL_MODULES)
    for model in models:
        expected = set(model._meta.fields_db_projection.values())
        assert await _columns(backend, model._meta.db_table) == expected, model.__name__


async def test_models_have_no_changes_missing_from_the_migrations(server: RunningServer) -> None:
    apps = Tortoise.apps
    assert apps is not None
    config = tortoise_config(server.settings.database_url)["apps"]
    writers = await MigrationAutodetector(apps, config).changes()
    assert writers == [], "models changed without a migration: run `tortoise -c server.db.TORTOISE_ORM makemigrations`"
