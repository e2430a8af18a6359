"""Schema extensions: masking of unexpected errors, and fresh DataLoaders per operation."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable

from graphql.error import GraphQLError
from graphql.language import ArgumentNode, DocumentNode, Node, ObjectFieldNode, VariableDefinitionNode, VariableNode
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from domain.common.errors import DomainError, InvalidInput, ResumeRequired, TimeWithoutZone
from realtime.stream import StreamInterrupted

log = logging.getLogger("lingli.errors")

INTERNAL_MESSAGE = "Internal error: it has been logged, quote the requestId when you report it."


def is_expected(error: GraphQLError) -> bool:
    """Our typed errors and GraphQL's own (syntax, validation, limits) reach the client as they are."""
    # graphql-core wraps a bad variable value (a date that is no date, an unknown enum) in a
    # GraphQLError of its own: that too is the client's mistake, described for the client.
    return error.original_error is None or isinstance(error.original_error, DomainError | GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Everything unexpected is logged with its request id and reaches the client as INTERNAL."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error), error_message=INTERNAL_MESSAGE)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        document = self.execution_context.graphql_document
        return super()._process_errors(
            [_name_the_field(_resumable(_operation_refusal(error)), document) for error in errors]
        )

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "-")
        log.error(
            "unexpected error in %s (request %s)",
            ".".join(str(p) for p in error.path or []) or "operation",
            request_id,
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL", "requestId": request_id}
        return masked


class PerOperationContext(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        await self.execution_context.context.start_operation()
        yield


def _resumable(error: GraphQLError) -> GraphQLError:
    """A stream that could not go on (realtime knows no GraphQL, nor the domain's errors) is the
    client's to resume: RESUME_REQUIRED with its cursor, not INTERNAL."""
    if not isinstance(error.original_error, StreamInterrupted):
        return error
    resume = ResumeRequired(error.original_error.cursor)
    return GraphQLError(resume.message, error.nodes, error.source, error.positions, error.path, original_error=resume)


def _operation_refusal(error: GraphQLError) -> GraphQLError:
    """Strawberry's refusal of the operation a request names (no operation of that name; a type
    the transport does not run) is the client's mistake. Over HTTP strawberry's view answers it
    with a 400; on a socket it arrives here as an error with that cause: INVALID_INPUT, as there."""
    cause = error.original_error
    if isinstance(cause, CannotGetOperationTypeError):
        refused = InvalidInput(error.message, field="operationName")
    elif isinstance(cause, InvalidOperationTypeError):
        refused = InvalidInput(error.message)
    else:
        return error
    return GraphQLError(refused.message, error.nodes, original_error=refused)


# graphql-core's words for a bad variable value: "Variable '$input' has invalid value at .a[0].b: …"
_VARIABLE_ERROR = re.compile(r"^Variable '\$(?P<name>\w+)' has invalid value(?: at (?P<path>[^:]*))?:")


def _name_the_field(error: GraphQLError, document: DocumentNode | None) -> GraphQLError:
    """A scalar cannot know where its value stands: the error that carries a TimeWithoutZone is
    given the field (``extensions.field`` and its message), from the variable's name and path or
    the literal's place in the document."""
    cause: BaseException | None = error.original_error
    while isinstance(cause, GraphQLError):
        cause = cause.original_error
    if not isinstance(cause, TimeWithoutZone):
        return error
    field: str | None = None
    node = error.nodes[0] if error.nodes else None
    if isinstance(node, VariableDefinitionNode) and (match := _VARIABLE_ERROR.match(error.message)):
        # Named as the argument it is passed to (the variable's own name where that is unclear).
        name = match["name"]
        used = _names_down_to(document, lambda n: isinstance(n, VariableNode) and n.name.value == name)
        field = (".".join(used) if used else name) + (match["path"] or "").strip()
    elif node is not None and document is not None:
        names = _names_down_to(document, lambda n: n is node)
        field = ".".join(names) if names else None
    if field is None:
        return error
    named = cause.at(field)
    return GraphQLError(named.message, error.nodes, original_error=named)


def _names_down_to(root: Node | None, target: Callable[[Node], bool]) -> list[str] | None:
    """The argument and input field names from ``root`` down to the first node that is ``target``."""
    if root is None:
        return None
    if target(root):
        return []
    for key in root.keys:
        child = getattr(root, key, None)
        for item in child if isinstance(child, list | tuple) else [child]:
            if isinstance(item, Node) and not isinstance(item, VariableDefinitionNode):  # usages only
                below = _names_down_to(item, target)
                if below is not None:
                    named = isinstance(root, ArgumentNode | ObjectFieldNode)
                    return [root.name.value, *below] if named else below  # type: ignore[attr-defined]
    return None
