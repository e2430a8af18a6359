"""An operation that may cost more than MAX_QUERY_COST is refused before anything runs: each
field costs 1, a list's fields count as many times as the list may hold (its `first`, a page's
`first`, or its declared size). Every list field of the schema says how long it may be."""

from __future__ import annotations

import ast
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, parse, validate

from resolvers.root import build_schema
from schema.limits import LIST_SIZE, QueryLimits, cost_errors, parse_options, shape_errors
from tests.conftest import RunningServer
from tests.support import Api, World, data, error

ROOT = Path(__file__).resolve().parents[2]

# The attack of #9: 30 aliases of this took 8 s and returned 8 MB (15 fit the alias limit now).
NESTED_HOUSES = (
    "houses(first: 100) { nodes { grid { houses(first: 100) { grid { houses(first: 100) { number } } } } } }"
)
RESIDENTS = """
query R($n: Int) { houses(first: $n) { nodes { number residents(first: $n) { person { name } } } } }
"""
RESIDENTS_BY_DEFAULT = """
query R($n: Int = 100) { houses(first: $n) { nodes { number residents(first: $n) { person { name } } } } }
"""
THROUGH_FRAGMENTS = """
query { houses(first: 100) { ...Page } }
fragment Page on HouseConnection { nodes { residents(first: 100) { ...Who } } }
fragment Who on Residency { person { name phone } }
"""


def _refused_for_cost(result: dict[str, Any], max_cost: int) -> int:
    refused = error(result)
    assert (refused["code"], refused["limit"], refused["max"]) == ("QUERY_TOO_COMPLEX", "MAX_QUERY_COST", max_cost)
    assert result.get("data") is None
    cost: int = refused["cost"]
    return cost


async def test_aliases_of_nested_lists_are_refused_before_anything_runs(
    api: Api, world: World, server: RunningServer
) -> None:
    attack = "{ " + " ".join(f"a{i}: {NESTED_HOUSES}" for i in range(15)) + " }"
    started = time.perf_counter()
    result = await api(attack, as_=world.operator_a)
    elapsed = time.perf_counter() - started
    assert _refused_for_cost(result, server.settings.max_query_cost) > 15 * 100**3
    assert elapsed < 1, f"{elapsed:.2f} s to refuse"


async def test_the_cost_follows_first_whether_written_or_a_variable(
    api: Api, world: World, server: RunningServer
) -> None:
    # houses, nodes, then per house: number, residents, and per resident: person, name.
    # 10 houses of 10 residents: 1 + 1 + 10 * (1 + 1 + 10 * 2) = 222. 100 of 100: 20,202.
    small = await api(RESIDENTS, {"n": 10}, as_=world.operator_a)
    large = await api(RESIDENTS, {"n": 100}, as_=world.operator_a)
    defaulted = await api(RESIDENTS_BY_DEFAULT, as_=world.operator_a)
    assert len(data(small)["houses"]["nodes"]) == 3
    assert _refused_for_cost(large, server.settings.max_query_cost) == 20_202
    assert _refused_for_cost(defaulted, server.settings.max_query_cost) == 20_202


async def test_fragments_cost_what_they_select_where_they_are_spread(
    api: Api, world: World, server: RunningServer
) -> None:
    # houses, nodes, and per house: residents, and per resident: person, name, phone.
    # 1 + 1 + 100 * (1 + 100 * (1 + 2))
    assert _refused_for_cost(await api(THROUGH_FRAGMENTS, as_=world.operator_a), server.settings.max_query_cost) == (
        30_102
    )


async def test_nothing_runs_for_anyone_past_the_cost(api: Api, server: RunningServer) -> None:
    # Refused as too costly, not as unauthenticated: no resolver ran.
    attack = "{ " + NESTED_HOUSES + " }"
    _refused_for_cost(await api(attack), server.settings.max_query_cost)


def test_every_list_field_says_how_long_it_may_be() -> None:
    """A `first` argument (1-100, default 20) or a declared size (schema.limits.list_size /
    PAGE_ITEMS): nothing is counted as "as long as the data happens to be"."""
    schema = build_schema(production=False)._schema
    unbounded = []
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            wrapped: Any = field.type
            listed = False
            while isinstance(wrapped, GraphQLNonNull | GraphQLList):
                listed = listed or isinstance(wrapped, GraphQLList)
                wrapped = wrapped.of_type
            definition = field.extensions.get("strawberry-definition")
            declared = LIST_SIZE in (getattr(definition, "metadata", None) or {})
            if listed and "first" not in field.args and not declared:
                unbounded.append(f"{type_.name}.{name}")
    assert unbounded == []


def _readme_documents() -> list[str]:
    readme = (ROOT / "README.md").read_text().replace("""'"$1"'""", "13800000001")  # the shell's login helper
    bodies = [json.loads(body)["query"] for body in re.findall(r"""'(\{"query": .*?\})'""", readme)]
    return bodies + re.findall(r"```graphql\n(.*?)```", readme, flags=re.DOTALL)


def _bench_constant(script: str, name: str) -> Any:
    """A constant of a bench/ script, read without running the script (it is no package)."""
    module = ast.parse((ROOT / "bench" / script).read_text())
    for node in module.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"no {name} in bench/{script}")


@pytest.mark.parametrize(
    "document",
    [
        *_readme_documents(),
        *_bench_constant("api_latency.py", "QUERIES").values(),
        _bench_constant("fanout.py", "LINGLI_QUERY") % " house { number }",
    ],
)
def test_the_readme_and_the_benchmarks_stay_within_the_limits(document: str) -> None:
    schema = build_schema(production=False)._schema
    options = parse_options(QueryLimits())
    parsed = parse(document, max_source_length=options["max_source_length"], max_tokens=options["max_tokens"])
    assert validate(schema, parsed) == []
    assert shape_errors(parsed, QueryLimits()) == []
    assert cost_errors(schema, parsed, QueryLimits(), operation_name=None, variables={}) == []
