"""Cases generated from the built schema: every place a root field takes a value of some scalar
(an argument, or an input field inside one, lists and nesting included), and a valid document
that sends a chosen value there, with every other required argument filled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
    print_ast,
)
from graphql.pyutils import Undefined
from graphql.utilities import ast_from_value

from resolvers.root import build_schema

SCHEMA: GraphQLSchema = build_schema(production=False)._schema

# Where a list stands on a path: its first item.
ITEM = 0

_SAMPLES: dict[str, Any] = {
    "ID": "1",
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "Decimal": Decimal("1"),
    "Date": date(2026, 1, 1),
    "DateTime": datetime(2026, 1, 1, tzinfo=UTC),
}


@dataclass(frozen=True)
class Taken:
    """One place a root field takes a value: ``argument``, then ``path`` (input field names, and
    ``ITEM`` for a list's first item) down to the scalar."""

    operation: str  # query, mutation or subscription
    name: str
    field: GraphQLField
    argument: str
    path: tuple[str | int, ...]

    @property
    def where(self) -> str:
        """As errors name it: ``readings[0].metric``; the fields of a mutation's ``input`` on their
        own (``photos[0]``, ``residency.houseId``)."""
        where = "" if self.argument == "input" else self.argument
        for step in self.path:
            where += f"[{step}]" if isinstance(step, int) else f".{step}" if where else step
        return where

    @property
    def leaf(self) -> str:
        """The last name on the way (the argument's, or its input field's)."""
        names = [p for p in self.path if isinstance(p, str)]
        return names[-1] if names else self.argument

    @property
    def place(self) -> GraphQLArgument | GraphQLInputField:
        """The argument, or the input field, that takes the value."""
        place: GraphQLArgument | GraphQLInputField = self.field.args[self.argument]
        for step in self.path:
            if isinstance(step, str):
                named = get_named_type(place.type)
                assert isinstance(named, GraphQLInputObjectType)
                place = named.fields[step]
        return place

    def __str__(self) -> str:
        return f"{self.name}.{self.where}"


def _paths(type_: GraphQLInputType, scalar: str, seen: frozenset[str]) -> list[tuple[str | int, ...]]:
    if is_non_null_type(type_):
        return _paths(type_.of_type, scalar, seen)
    if is_list_type(type_):
        return [(ITEM, *rest) for rest in _paths(type_.of_type, scalar, seen)]
    named: GraphQLNamedType = get_named_type(type_)
    if named.name == scalar:
        return [()]
    if not is_input_object_type(named) or named.name in seen:
        return []
    assert isinstance(named, GraphQLInputObjectType)
    return [
        (name, *rest)
        for name, field in named.fields.items()
        for rest in _paths(field.type, scalar, seen | {named.name})
    ]


def taken(scalar: str, operations: tuple[str, ...] = ("query", "mutation", "subscription")) -> list[Taken]:
    """Every place a root field of these operations takes a ``scalar``."""
    roots = {"query": SCHEMA.query_type, "mutation": SCHEMA.mutation_type, "subscription": SCHEMA.subscription_type}
    cases = []
    for operation in operations:
        root = roots[operation]
        assert isinstance(root, GraphQLObjectType)
        for name, field in root.fields.items():
            for argument, arg in field.args.items():
                for path in _paths(arg.type, scalar, frozenset()):
                    cases.append(Taken(operation, name, field, argument, path))
    return cases


def sample(
    type_: GraphQLInputType, path: tuple[str | int, ...] | None = None, value: Any = None, *, every: bool = False
) -> Any:
    """A value of ``type_``, every required field filled (``every``: every field); with a ``path``,
    ``value`` at its end."""
    if is_non_null_type(type_):
        return sample(type_.of_type, path, value, every=every)
    if path == ():
        return value
    if is_list_type(type_):
        return [sample(type_.of_type, path[1:] if path else None, value, every=every)]
    named = get_named_type(type_)
    if isinstance(named, GraphQLInputObjectType):
        filled = {
            name: sample(field.type, every=every)
            for name, field in named.fields.items()
            if every or (is_non_null_type(field.type) and field.default_value is Undefined)
        }
        if path:
            step = path[0]
            assert isinstance(step, str)
            filled[step] = sample(named.fields[step].type, path[1:], value, every=every)
        return filled
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values.values())).value
    return _SAMPLES.get(named.name, "x")


def as_json(value: Any) -> Any:
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def _selection(field: GraphQLField) -> str:
    return " { __typename }" if isinstance(get_named_type(field.type), GraphQLObjectType | GraphQLInterfaceType) else ""


def as_variable(case: Taken, value: Any, *, every: bool = False) -> tuple[str, dict[str, Any]]:
    """A document passing ``value`` (at the case's path) as the variable ``$v``, and the other
    required arguments (``every``: all of them, every input field filled) as variables too."""
    field = case.field
    others = {
        name: sample(arg.type, every=every)
        for name, arg in field.args.items()
        if name != case.argument and (every or (is_non_null_type(arg.type) and arg.default_value is Undefined))
    }
    declared = "".join(f", $a_{name}: {field.args[name].type}" for name in others)
    passed = "".join(f", {name}: $a_{name}" for name in others)
    document = (
        f"{case.operation} Q($v: {field.args[case.argument].type}{declared}) "
        f"{{ {case.name}({case.argument}: $v{passed}){_selection(field)} }}"
    )
    variables = {"v": sample(field.args[case.argument].type, case.path, value, every=every)}
    variables.update({f"a_{name}": v for name, v in others.items()})
    return document, as_json(variables)


def as_literal(case: Taken, value: Any) -> str:
    """The same, every argument written in the document."""
    field = case.field
    values = {
        name: sample(arg.type)
        for name, arg in field.args.items()
        if name != case.argument and is_non_null_type(arg.type) and arg.default_value is Undefined
    }
    values[case.argument] = sample(field.args[case.argument].type, case.path, value)
    literals = ", ".join(
        f"{name}: {print_ast(ast_from_value(v, field.args[name].type))}"  # type: ignore[arg-type]
        for name, v in values.items()
    )
    return f"{case.operation} {{ {case.name}({literals}){_selection(field)} }}"
