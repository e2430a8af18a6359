"""Nested queries are batched: the number of SQL statements does not grow with the data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from domain.people.models import ResidencyKind
from server.request_ids import current_request_id
from tests.support import Api, World, data, make_house, make_resident

# Every list says how long it may be: the query cost limit counts what they may hold (1277 here).
NESTED = """
query Nested {
  communities(first: 1) {
    nodes {
      name
      buildings(first: 2) {
        name
        units(first: 2) { name }
        houses(first: 20) {
          number
          grid { name }
          residents(first: 3) { kind person { name phone idNumber tags memberships(first: 2) { role } } }
        }
      }
      grids(first: 2) { name staff(first: 3) { role person { name } } }
    }
  }
}
"""


class _StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if current_request_id.get() == "-":
            return  # not a request's statement: a periodic job of one of the apps the tests run
        message = record.getMessage().lstrip().upper()
        if message.startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.statements.append(record.getMessage())


@contextmanager
def counting_sql() -> Iterator[_StatementCounter]:
    """Counts the statements tortoise sends, from its own query log."""
    logger = logging.getLogger("tortoise.db_client")
    counter = _StatementCounter()
    old_level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(old_level)


async def _statements_for_nested_query(api: Api, token: str) -> tuple[int, int]:
    with counting_sql() as counter:
        result = data(await api(NESTED, token=token))
    houses = sum(len(b["houses"]) for c in result["communities"]["nodes"] for b in c["buildings"])
    return len(counter.statements), houses


async def test_nested_query_statement_count_does_not_grow_with_houses(api: Api, world: World) -> None:
    from tests.support import token_for

    token = await token_for(api.issuer, world.operator_a)
    small_count, small_houses = await _statements_for_nested_query(api, token)

    for n in range(12):
        house = await make_house(world.a2, grid=world.g2, number=f"9{n:02d}")
        await make_resident(house, name=f"Resident {n}")
        await make_resident(house, name=f"Family {n}", kind=ResidencyKind.FAMILY)

    large_count, large_houses = await _statements_for_nested_query(api, token)
    assert large_houses == small_houses + 12
    # N+1 would add a statement per house (12 or more). A level's loaders may send their batch in
    # two when PostgreSQL answers the level above it at two moments: a few statements either way.
    assert large_count <= small_count + 4, (
        f"{small_count} statements for {small_houses} houses, {large_count} for {large_houses}"
    )
    # One per edge level plus the viewer's own look-ups: a fixed, small number.
    assert small_count <= 24
