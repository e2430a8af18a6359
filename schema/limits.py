"""What a GraphQL document may be, checked before anything runs.

Parsing stops at ``max_characters`` (before the lexer reads a character: a 50 MiB comment is
refused at its length) and at ``max_tokens`` (comments count: graphql-core's ``max_tokens``
counts them, even while skipping a run of them). Validation then runs the limits first —
depth, aliases, directives — and only a document within them goes through the specification's
rules (some of which cost more with more fields). These limits are counted here, each fragment
once (see ``Shape``), not by strawberry's QueryDepthLimiter and MaxAliasesLimiter. Each refusal
is a GraphQL error with ``extensions: {"code": "QUERY_TOO_COMPLEX", "limit": <its setting>,
"max": <its value>}``.

In production, errors carry no "Did you mean …?": with introspection off, suggestions would
hand the schema out one guess at a time (the executor hides those of execution: build.py).

Last, the operation's cost (MAX_QUERY_COST): each field costs 1, and a list's fields count as
many times as the list can be long — its `first` (a nested list's, or a page's, up to 100), or
the size its field declares (``list_size``). 30 aliases of ``houses { grid { houses { … } } }``
asked for 8 MB in 8 s; their cost is refused now, before one resolver runs.

A document with several operations must name the one to run (``operationName``): strawberry
would run the first, the specification asks for an error (INVALID_INPUT on ``operationName``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, cast
from weakref import WeakKeyDictionary

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types.execution import ExecutionContext

from domain.common.errors import ErrorCode
from domain.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# Field metadata of a list without `first`: how long it can be, for the query cost ("page": the
# items of a page, as many as the `first` of the field that returned the page).
LIST_SIZE = "lingli_list_size"
PAGE_ITEMS = {LIST_SIZE: "page"}


def list_size(at_most: int) -> dict[str, int]:
    """Metadata of a list field of a known size (``strawberry.field(metadata=list_size(n))``)."""
    return {LIST_SIZE: at_most}


@dataclass(frozen=True)
class QueryLimits:
    """The defaults are GraphQL Armor's, but the depth: the domain's own paths are deeper than
    Armor's 6 (a community's buildings' houses' residents' person's roles is 7).
    Settings reads each from the environment (MAX_QUERY_CHARACTERS, MAX_TOKENS, …)."""

    max_characters: int = 20_000
    max_tokens: int = 1000
    max_depth: int = 10
    max_aliases: int = 15
    max_directives: int = 50
    max_cost: int = 5000


def parse_options(limits: QueryLimits) -> dict[str, int]:
    """graphql-core's parser options for these limits (its max_tokens counts comments)."""
    return {"max_source_length": limits.max_characters, "max_tokens": limits.max_tokens}


def too_complex(message: str, *, limit: str, maximum: int, nodes: Node | None = None) -> GraphQLError:
    return GraphQLError(message, nodes, extensions=_code(limit, maximum))


def operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


class NamedOperationContext(ExecutionContext):
    """Strawberry's execution context, except that a document of several operations has no
    operation unless the request names one: strawberry's own falls back to the first, which then
    runs (``LingliSchema`` builds this one; ``DocumentLimits`` turns the missing name into an error)."""

    @property
    def operation_name(self) -> str | None:
        if self._provided_operation_name is not None:
            return self._provided_operation_name
        found = operations(self.graphql_document) if self.graphql_document else []
        if len(found) != 1 or found[0].name is None:
            return None
        return found[0].name.value


class DocumentLimits(SchemaExtension):
    def __init__(self, limits: QueryLimits, *, hide_suggestions: bool = False) -> None:
        self.limits = limits
        self.hide_suggestions = hide_suggestions

    def on_operation(self) -> Iterator[None]:
        # The parser's own limits (strawberry's ParseOptions names only max_tokens).
        cast("dict[str, Any]", self.execution_context.parse_options).update(parse_options(self.limits))
        yield

    def on_parse(self) -> Iterator[None]:
        # A document read lately is not parsed again: a thousand subscribers of one document hold
        # one syntax tree (its tokens and locations are most of a subscription's memory), not a
        # thousand. graphql-core never changes a document; only parsed ones are kept.
        context = self.execution_context
        key = (context.query, tuple(sorted(context.parse_options.items()))) if context.query else None
        if key is not None and context.graphql_document is None:
            context.graphql_document = _PARSED.get(key)
        yield
        for error in context.pre_execution_errors or []:
            self._type_parse_error(error, context.query or "")
        if key is not None and context.graphql_document is not None and not context.pre_execution_errors:
            _PARSED.put(key, context.graphql_document)

    def _type_parse_error(self, error: GraphQLError, query: str) -> None:
        """A parse stopped by a limit gets the limit's code (graphql-core raises a syntax error)."""
        if len(query) > self.limits.max_characters:
            error.message = f"The document is longer than {self.limits.max_characters} characters"
            error.extensions = _code("MAX_QUERY_CHARACTERS", self.limits.max_characters)
        elif f"more than {self.limits.max_tokens} tokens" in error.message:
            error.extensions = _code("MAX_TOKENS", self.limits.max_tokens)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        # Strawberry validates only when nothing has yet: these results stand.
        if context.pre_execution_errors is None and context.graphql_document is not None:
            try:
                context.pre_execution_errors = self._validate(context, context.graphql_document)
            except RecursionError:  # fragments nested past what Python follows: the parser's own refusal
                context.pre_execution_errors = [
                    too_complex(
                        "The document is nested too deeply", limit="MAX_QUERY_DEPTH", maximum=self.limits.max_depth
                    )
                ]
        yield

    def _validate(self, context: ExecutionContext, document: DocumentNode) -> list[GraphQLError]:
        found = operations(document)
        if len(found) > 1 and context.operation_name is None:
            return [
                GraphQLError(
                    f"The document has {len(found)} operations: name the one to run in operationName",
                    extensions={"code": ErrorCode.INVALID_INPUT.value, "field": "operationName"},
                )
            ]
        schema = context.schema._schema  # graphql-core's schema: what strawberry validates with
        rules = (*context.validation_rules, MaybeNullValidationRule, OneOfInputValidationRule)
        valid = _VALID_DOCUMENTS.setdefault(schema, _Recent())
        key = (self.limits, self.hide_suggestions, rules, context.query or "")
        if key not in valid:
            if errors := shape_errors(document, self.limits):
                return errors
            if errors := validate(schema, document, rules, hide_suggestions=self.hide_suggestions):
                return errors
            valid.add(key)
        # The cost depends on the variables (`first: $n`): counted every time.
        return cost_errors(
            schema, document, self.limits, operation_name=context.operation_name, variables=context.variables or {}
        )


class _Recent:
    """The documents that passed the shape limits and the specification's rules lately: both depend
    on the document's text alone, and validating costs a fifth of a small mutation's time. Only
    valid documents are kept (an error object is never shared between answers), at most
    ``size``, the least recently seen going first."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._keys: OrderedDict[Hashable, None] = OrderedDict()

    def __contains__(self, key: Hashable) -> bool:
        if key in self._keys:
            self._keys.move_to_end(key)
            return True
        return False

    def add(self, key: Hashable) -> None:
        self._keys[key] = None
        if len(self._keys) > self.size:
            self._keys.popitem(last=False)


class _RecentDocuments:
    """The documents parsed lately, by text and parse options: at most ``size``, the least
    recently seen going first."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._documents: OrderedDict[Hashable, DocumentNode] = OrderedDict()

    def get(self, key: Hashable) -> DocumentNode | None:
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
        return document

    def put(self, key: Hashable, document: DocumentNode) -> None:
        self._documents[key] = document
        if len(self._documents) > self.size:
            self._documents.popitem(last=False)


_PARSED = _RecentDocuments()


# Per graphql-core schema (tests build many; a weak key lets each go with its schema).
_VALID_DOCUMENTS: WeakKeyDictionary[GraphQLSchema, _Recent] = WeakKeyDictionary()


def shape_errors(document: DocumentNode, limits: QueryLimits) -> list[GraphQLError]:
    """Refusals for depth, aliases and directives (before the specification's rules run)."""
    shape = Shape(document)
    errors = [
        too_complex(
            f"'{name}' exceeds maximum operation depth of {limits.max_depth}",
            limit="MAX_QUERY_DEPTH",
            maximum=limits.max_depth,
            nodes=operation,
        )
        for name, operation in shape.named_operations()
        if shape.depth(operation) > limits.max_depth
    ]
    if (aliases := sum(shape.aliases(o) for o in shape.operations)) > limits.max_aliases:
        errors.append(
            too_complex(
                f"{aliases} aliases found. Allowed: {limits.max_aliases}",
                limit="MAX_ALIASES",
                maximum=limits.max_aliases,
            )
        )
    if (directives := sum(shape.directives(o) for o in shape.operations)) > limits.max_directives:
        errors.append(
            too_complex(
                f"{directives} directives found. Allowed: {limits.max_directives}",
                limit="MAX_DIRECTIVES",
                maximum=limits.max_directives,
            )
        )
    return errors


def cost_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: QueryLimits,
    *,
    operation_name: str | None,
    variables: dict[str, Any],
) -> list[GraphQLError]:
    """The refusal of an operation that costs more than MAX_QUERY_COST (of a valid document)."""
    chosen = [o for o in operations(document) if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1:
        return []  # no such operation: graphql-core says so
    cost = Cost(schema, document, variables).of(chosen[0])
    if cost <= limits.max_cost:
        return []
    refused = too_complex(
        f"The query costs {cost}, more than {limits.max_cost}: each field costs 1, and the fields of a list "
        "as many times as it can hold (its `first`). Ask for smaller pages",
        limit="MAX_QUERY_COST",
        maximum=limits.max_cost,
        nodes=chosen[0],
    )
    refused.extensions = {**(refused.extensions or {}), "cost": cost}
    return [refused]


def _code(limit: str, maximum: int) -> dict[str, Any]:
    return {"code": ErrorCode.QUERY_TOO_COMPLEX.value, "limit": limit, "max": maximum}


Owner = OperationDefinitionNode | FragmentDefinitionNode | FieldNode | InlineFragmentNode


class Shape:
    """A document's depth, aliases and directives, each fragment worked out once.

    Counted as executed, a fragment spread twice counts twice — but it is walked once: a
    document of fragments that each spread the next twice is 2^n fields wide in ~10 n tokens,
    and strawberry's own depth and alias limiters walk every one of them (18 such fragments, a
    kilobyte, took them 2.5 s; 30 would take hours).
    """

    def __init__(self, document: DocumentNode) -> None:
        self.operations = operations(document)
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._depths: dict[str, int] = {}
        self._aliases: dict[str, int] = {}
        self._directives: dict[str, int] = {}

    def named_operations(self) -> Iterator[tuple[str, OperationDefinitionNode]]:
        for operation in self.operations:
            yield (operation.name.value if operation.name else "anonymous"), operation

    def depth(self, owner: Owner) -> int:
        """Fields nested in fields, as strawberry's QueryDepthLimiter counts them: ``{ me { id } }``
        is 1; introspection fields are not counted."""
        deepest = 0
        for selection in _selections(owner):
            if isinstance(selection, FieldNode):
                leaf = selection.selection_set is None or selection.name.value.startswith("__")
                depth = 0 if leaf else 1 + self.depth(selection)
            elif isinstance(selection, InlineFragmentNode):
                depth = self.depth(selection)
            else:
                depth = self._once(self._depths, selection.name.value, self.depth)
            deepest = max(deepest, depth)
        return deepest

    def aliases(self, owner: Owner) -> int:
        count = 0
        for selection in _selections(owner):
            if isinstance(selection, FieldNode):
                count += (1 if selection.alias else 0) + self.aliases(selection)
            elif isinstance(selection, InlineFragmentNode):
                count += self.aliases(selection)
            else:
                count += self._once(self._aliases, selection.name.value, self.aliases)
        return count

    def directives(self, owner: Owner) -> int:
        count = len(owner.directives or ())
        for selection in _selections(owner):
            if isinstance(selection, FieldNode | InlineFragmentNode):
                count += self.directives(selection)
            else:
                count += len(selection.directives or ())
                count += self._once(self._directives, selection.name.value, self.directives)
        return count

    def _once(self, memo: dict[str, int], name: str, measure: Callable[[Owner], int]) -> int:
        """A fragment's measure, worked out at its first spread."""
        if name not in memo:
            memo[name] = 0  # while it is worked out: a fragment spread within itself adds nothing
            fragment = self.fragments.get(name)  # (the specification's rules refuse both, later)
            if fragment is not None:
                memo[name] = measure(fragment)
        return memo[name]


def _selections(owner: Owner) -> tuple[FieldNode | InlineFragmentNode | FragmentSpreadNode, ...]:
    selection_set = owner.selection_set
    return (
        cast("tuple[FieldNode | InlineFragmentNode | FragmentSpreadNode, ...]", selection_set.selections)
        if selection_set
        else ()
    )


class Cost:
    """What an operation may cost at most: 1 per field, times the length of each list it sits in.

    A list's length is its `first` (nested lists: 1-100, default 20), the `first` of the field
    that returned its page (``PAGE_ITEMS``: a connection's ``nodes``), or the size its field
    declares (``list_size``); a list that says nothing counts as the largest page, 100.
    ``__typename`` and introspection cost 1. A fragment is worked out once per page size.
    """

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._defaults: dict[str, Any] = {}
        self._memo: dict[tuple[str, int | None], int] = {}

    def of(self, operation: OperationDefinitionNode) -> int:
        for definition in operation.variable_definitions or ():
            if isinstance(definition.default_value, IntValueNode):
                self._defaults[definition.variable.name.value] = int(definition.default_value.value)
        root = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }[operation.operation]
        return self._selections(operation, root, None) if root else 0

    def _selections(self, owner: Owner, parent: GraphQLNamedType | None, page: int | None) -> int:
        total = 0
        fields: dict[str, GraphQLField] = getattr(parent, "fields", {})
        for selection in _selections(owner):
            if isinstance(selection, FieldNode):
                field = fields.get(selection.name.value)
                total += 1 if field is None else self._field(selection, field, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                total += self._selections(
                    selection, self.schema.get_type(condition.name.value) if condition else parent, page
                )
            else:
                total += self._spread(selection.name.value, page)
        return total

    def _spread(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key not in self._memo:
            self._memo[key] = 0  # a fragment spread within itself adds nothing (and is refused anyway)
            fragment = self.fragments.get(name)
            if fragment is not None:
                condition = self.schema.get_type(fragment.type_condition.name.value)
                self._memo[key] = self._selections(fragment, condition, page)
        return self._memo[key]

    def _field(self, node: FieldNode, field: GraphQLField, page: int | None) -> int:
        named, is_list = _unwrap(field.type)
        first = self._first(node, field)
        if node.selection_set is None or node.name.value.startswith("__"):
            return 1
        if not is_list:  # a page, or one object: its lists are as long as its `first`
            return 1 + self._selections(node, named, first)
        return 1 + (first or self._declared(field, page)) * self._selections(node, named, None)

    def _first(self, node: FieldNode, field: GraphQLField) -> int | None:
        if "first" not in field.args:
            return None
        value: Any = field.args["first"].default_value
        for argument in node.arguments or ():
            if argument.name.value == "first":
                value = self._value(argument.value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # GraphQL takes 100.0 for an Int, and runs it as 100: so do we
        if not isinstance(value, int) or isinstance(value, bool):
            value = DEFAULT_PAGE_SIZE  # null: the default page (anything else GraphQL refuses)
        return int(min(max(value, 1), MAX_PAGE_SIZE))  # past either end the field refuses to run

    def _value(self, node: Any) -> Any:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            name = node.name.value
            return self.variables[name] if name in self.variables else self._defaults.get(name)
        return None

    @staticmethod
    def _declared(field: GraphQLField, page: int | None) -> int:
        strawberry_field = field.extensions.get("strawberry-definition")
        size = (getattr(strawberry_field, "metadata", None) or {}).get(LIST_SIZE)
        if size == "page":
            return page or MAX_PAGE_SIZE
        return size if isinstance(size, int) else MAX_PAGE_SIZE


def _unwrap(type_: Any) -> tuple[GraphQLNamedType, bool]:
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, is_list
