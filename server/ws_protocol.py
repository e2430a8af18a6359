"""graphql-transport-ws as the protocol means it: an operation's own errors (a syntax error, an
unknown operation name) are answered with an `error` message for that operation id, and the
socket, with every other live subscription on it, stays open. Strawberry closes it with 4400."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from resolvers.context import Context


class OperationErrorsKeepTheSocket(BaseGraphQLTransportWSHandler[Context, None]):
    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        return None  # never close for one operation's document: answer it with `error`
