"""GraphQL coerces a variable's 100.0 to the Int 100: the query cost must count that `first` as
100 too, not as the default page (a float variable ran a query of cost 20,202 past a limit of 5000)."""

from __future__ import annotations

from tests.support import Api, World, error

RESIDENTS = """
query R($n: Int) { houses(first: $n) { nodes { number residents(first: $n) { person { name } } } } }
"""


async def test_a_whole_float_first_is_counted_as_the_integer_it_runs_as(api: Api, world: World) -> None:
    as_int = await api(RESIDENTS, {"n": 100}, as_=world.operator_a)
    assert error(as_int)["code"] == "QUERY_TOO_COMPLEX"
    as_float = await api(RESIDENTS, {"n": 100.0}, as_=world.operator_a)
    assert as_float.get("errors"), f"ran at cost 20,202: {as_float}"
    assert error(as_float)["code"] == "QUERY_TOO_COMPLEX"
