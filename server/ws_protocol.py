"""The two WebSocket protocols as their specifications mean them.

graphql-transport-ws: an operation's own errors (a syntax error, an unknown operation name) are
answered with an `error` message for that operation id, and the socket, with every other live
subscription on it, stays open. Strawberry closes it with 4400.

graphql-ws (the legacy protocol of Apollo's subscriptions-transport-ws): a `start` may carry a
query or a mutation too, answered with one `data` and `complete`. Strawberry's handler runs every
`start` as a subscription, so a query was refused, and the refusal masked as INTERNAL.
"""

from __future__ import annotations

import asyncio

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import CompleteMessage, ErrorMessage
from strawberry.types.execution import ExecutionResult, PreExecutionError

from resolvers.context import Context

# What a client offering both gets: the maintained protocol, whose operation errors keep the socket
# and whose 4403 on a refused or expired token graphql-ws clients answer by reconnecting.
PREFERRED = ("graphql-transport-ws", "graphql-ws")


def pick_subprotocol(offered: list[str], served: list[str]) -> str | None:
    """The first of PREFERRED that the client offers and this view serves, in our order, not the client's."""
    return next((p for p in PREFERRED if p in offered and p in served), None)


class OperationErrorsKeepTheSocket(BaseGraphQLTransportWSHandler[Context, None]):
    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        return None  # never close for one operation's document: answer it with `error`


class QueriesAndMutationsToo(BaseGraphQLWSHandler[Context, None]):
    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        """Strawberry's, with ``schema.stream`` (any operation: a query or a mutation yields one
        result) in place of ``schema.subscribe`` (subscriptions only). The same schema runs it, so
        the viewer, the limits and the masking are those of every other operation."""
        try:
            results = await self.schema.stream(
                query=query,
                variable_values=variables,
                operation_name=operation_name,
                context_value=self.context,
                root_value=self.root_value,
            )
            self.subscriptions[operation_id] = results
            first = True
            async for result in results:
                if first and isinstance(result, PreExecutionError):
                    assert result.errors
                    payload = result.errors[0].formatted
                    await self.send_message(ErrorMessage(type="error", id=operation_id, payload=payload))
                    return
                if not isinstance(result, ExecutionResult):  # @defer / @stream: not enabled in our schema
                    payload = GraphQLError("Incremental delivery is not supported over graphql-ws").formatted
                    await self.send_message(ErrorMessage(type="error", id=operation_id, payload=payload))
                    return
                await self.send_data_message(result, operation_id)
                first = False
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        except asyncio.CancelledError:  # stopped by the client, or the socket closed
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        finally:
            # Over, whichever way: it no longer counts towards the limit, and its id is free again.
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)
