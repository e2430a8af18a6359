"""Schema extensions: masking of unexpected errors, and fresh DataLoaders per operation."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from domain.common.errors import DomainError

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
