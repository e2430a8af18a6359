"""The Schema class: one answer per request over HTTP, limits on every document, errors masked.

It is built from roots it is handed (see ``resolvers.root``), so this layer knows types, not fields' resolvers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from schema.common import AWARE_DATETIME, FEN, Fen
from schema.extensions import MaskUnexpectedErrors, PerOperationContext
from schema.limits import DocumentLimits, NamedOperationContext, QueryLimits
from schema.shared_events import SharedEventExecutor

log = logging.getLogger("lingli.graphql")


class SuggestionlessExecutor(SharedEventExecutor):
    """Production's executor: no "Did you mean …?" in errors found while executing either (a
    variable's unknown enum value, an unknown field of an input object)."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        return super().build(*args, **{**kwargs, "hide_suggestions": True})


class LingliSchema(strawberry.Schema):
    def _create_execution_context(
        self,
        query: str | None,
        allowed_operation_types: Iterable[OperationType],
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionContext:
        """Strawberry's, but a document of several operations runs none unless one is named."""
        return NamedOperationContext(
            query=query,
            schema=self,
            allowed_operations=allowed_operation_types,
            context=context_value,
            root_value=root_value,
            variables=variable_values,
            provided_operation_name=operation_name,
            operation_extensions=operation_extensions,
        )

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """One answer per request: a subscription (a stream) is refused here, with a 400 that
        says so, instead of failing inside execution. Subscriptions use the WebSocket."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES) - {OperationType.SUBSCRIPTION}
        return await super().execute(
            query, variable_values, context_value, root_value, operation_name, allowed, operation_extensions
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client errors are routine: one INFO line each. Unexpected ones were already logged,
        with their traceback and request id, by MaskUnexpectedErrors."""
        for error in errors:
            code = (error.extensions or {}).get("code", "GRAPHQL")
            log.info("%s: %s", code, error.message)


def build_schema(
    *, query: type, mutation: type, subscription: type, production: bool, limits: QueryLimits = QueryLimits()
) -> strawberry.Schema:
    """The Schema of the given roots (resolvers.root merges each noun's part), with its limits.
    Production hides "Did you mean …?" suggestions, as it hides introspection."""
    extensions: list[Any] = [
        MaskUnexpectedErrors,
        PerOperationContext,
    ]
    if production:
        extensions.append(DisableIntrospection)
    # Last: its validation runs the rules the others added (DisableIntrospection's).
    extensions.append(lambda: DocumentLimits(limits, hide_suggestions=production))
    return LingliSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=extensions,
        execution_context_class=SuggestionlessExecutor if production else SharedEventExecutor,
        scalar_overrides={datetime: AWARE_DATETIME, Fen: FEN},
    )
