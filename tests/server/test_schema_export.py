"""The committed schema.graphql is the schema the code serves: clients can diff it in review."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLInputObjectType, GraphQLObjectType

from resolvers.root import build_schema
from server.schema_export import sdl

COMMITTED = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == sdl(), "schema changed: run `make schema` and commit schema.graphql"


def test_every_field_and_type_has_a_description() -> None:
    missing = []
    for name, gql_type in build_schema(production=False)._schema.type_map.items():
        if name.startswith("__") or not isinstance(gql_type, GraphQLObjectType | GraphQLInputObjectType):
            continue
        if not gql_type.description:
            missing.append(name)
        missing += [f"{name}.{f}" for f, field in gql_type.fields.items() if not field.description]
    assert missing == [], missing
