"""Every String a client sends, checked in one place before any resolver runs.

Each String argument and input field declares its longest value where it is declared: the column
it is stored in (``stored_in``: a CharField's ``max_length``, free text's ``FREE_TEXT_MAX``), or, for
what is never stored as sent (a password, a key, a cursor), a bound and its reason (``at_most``).
``guard_string_inputs`` walks the built schema and wraps each field that takes a String, anywhere
in its arguments (inside input objects and lists too): a NUL (PostgreSQL refuses it in text), a
lone surrogate (JSON can carry "\\ud800"; no database can store it) or a value past its length is
INVALID_INPUT naming its place before anything is read or written: the argument, then the input
fields and list items down to it (``metric``, ``readings[0].metric``), where a mutation's one
``input`` object is left out, as the domain's own errors name its fields (``name``,
``photos[0]``). A String without a declared length fails the build, so none can be forgotten,
and a declared column that does not exist (or holds no text) fails the import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_nullable_type,
)
from tortoise import fields
from tortoise.models import Model

from domain.common.errors import InvalidInput
from domain.common.text import FREE_TEXT_MAX

_INPUT = "input"  # a mutation's one input object: its fields are named on their own
_LENGTH = "lingli_max_length"  # the metadata key of a String's declared length
_DEFINITION = "strawberry-definition"  # where strawberry keeps its field or argument on graphql-core's
# json.loads keeps an escaped surrogate that has no partner as it is (a valid pair becomes one
# character): any surrogate left in a str is a lone one.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class MaxLength:
    characters: int
    why: str  # the column it is stored in, or why it is bounded so


def stored_in(model: type[Model], field: str) -> dict[str, MaxLength]:
    """The metadata of a String stored in ``model.field``: as long as the column holds."""
    column = model._meta.fields_map.get(field)
    where = f"{model.__name__}.{field}"
    if isinstance(column, fields.CharField):
        return {_LENGTH: MaxLength(column.max_length, where)}
    if isinstance(column, fields.TextField):
        return {_LENGTH: MaxLength(FREE_TEXT_MAX, f"{where} (free text)")}
    raise TypeError(f"{where} is no text column")


def at_most(characters: int, why: str) -> dict[str, MaxLength]:
    """The metadata of a String never stored as sent: its longest sensible value, and why."""
    return {_LENGTH: MaxLength(characters, why)}


# Keys, refresh tokens and one-time codes are looked up by their hash; what this API gives out is
# at most 46 characters (auth.keys, auth.tokens). The bound is far past that, so that a wrong
# credential of any usual size (an access token sent as a key) is still refused as a wrong one.
SECRET = at_most(1024, "a key, token or code this API gave out")
# Page cursors (base64 of "id:<id>") and live cursors (an event id) are a few dozen characters.
CURSOR = at_most(100, "a cursor this API gave out")


def declared_length(place: GraphQLArgument | GraphQLInputField) -> MaxLength | None:
    """The length a String argument or input field declared (None: it declared none)."""
    definition = (place.extensions or {}).get(_DEFINITION)
    metadata: Mapping[str, Any] = getattr(definition, "metadata", None) or {}
    length = metadata.get(_LENGTH)
    return length if isinstance(length, MaxLength) else None


Check = Callable[[Any, str], None]


def _text(limit: int) -> Check:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, str):
            return
        if "\x00" in value:
            raise InvalidInput(f"{where} contains a NUL character", field=where)
        if _SURROGATE.search(value):
            raise InvalidInput(f"{where} is not valid Unicode text (a lone surrogate)", field=where)
        if len(value) > limit:
            raise InvalidInput(f"{where} is longer than {limit} characters", field=where)

    return check


def _items(inner: Check) -> Check:
    def check(value: Any, where: str) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if item is not None:
                    inner(item, f"{where}[{index}]")

    return check


def _fields(checks: dict[str, Check]) -> Check:
    def check(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for name, field_check in checks.items():
                if (item := value.get(name)) is not None:
                    field_check(item, f"{where}.{name}" if where else name)

    return check


class _Checks:
    """The check of each input type, built once per schema."""

    def __init__(self) -> None:
        self._objects: dict[str, Check | None] = {}

    def of(self, type_: GraphQLInputType, place: GraphQLArgument | GraphQLInputField, owner: str) -> Check | None:
        """What checks a value of ``type_`` taken at ``place`` (None: it holds no String)."""
        type_ = get_nullable_type(type_)  # type: ignore[assignment]
        if isinstance(type_, GraphQLList):
            inner = self.of(type_.of_type, place, owner)
            return _items(inner) if inner else None
        if isinstance(type_, GraphQLInputObjectType):
            return self._object(type_)
        if getattr(type_, "name", None) != "String":
            return None  # ids are parsed by resolvers.ids; enums and numbers are GraphQL's to check
        length = declared_length(place)
        if length is None:
            raise TypeError(f"{owner} takes a String of no declared length: give it stored_in(…) or at_most(…)")
        return _text(length.characters)

    def _object(self, type_: GraphQLInputObjectType) -> Check | None:
        if type_.name not in self._objects:
            self._objects[type_.name] = None  # an input type that holds itself is checked down to there
            checks = {
                name: check
                for name, field in type_.fields.items()
                if (check := self.of(field.type, field, f"{type_.name}.{name}"))
            }
            self._objects[type_.name] = _fields(checks) if checks else None
        return self._objects[type_.name]


def _checked(resolve: Callable[..., Any], checks: dict[str, Check]) -> Callable[..., Any]:
    def resolve_checked(source: Any, info: Any, **arguments: Any) -> Any:
        for name, check in checks.items():
            if (value := arguments.get(name)) is not None:
                check(value, "" if name == _INPUT else name)
        return resolve(source, info, **arguments)

    return resolve_checked


def guard_string_inputs(schema: GraphQLSchema) -> None:
    """Every field of ``schema`` that takes a String checks them all before its resolver (for a
    subscription: before it subscribes)."""
    checks = _Checks()
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            taken = {
                argument: check
                for argument, arg in field.args.items()
                if (check := checks.of(arg.type, arg, f"{type_.name}.{name}({argument}:)"))
            }
            if taken:
                _guard(field, taken)


def _guard(field: GraphQLField, checks: dict[str, Check]) -> None:
    if field.subscribe is not None:
        field.subscribe = _checked(field.subscribe, checks)
    else:
        field.resolve = _checked(field.resolve or default_field_resolver, checks)
