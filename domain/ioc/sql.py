"""One aggregate statement, one round trip: the panels that tortoise's querysets cannot say in
one query (a UNION of groupings, a meter's reading at three instants) are written in SQL that
SQLite and PostgreSQL both run. Written with ``?`` placeholders; PostgreSQL's are numbered."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tortoise import connections

_PLACEHOLDER = re.compile(r"\?")


async def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        numbers = itertools.count(1)
        sql = _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql)
    return [dict(row) for row in await connection.execute_query_dict(sql, params)]
