"""The two WebSocket protocols as their specifications mean them.

graphql-transport-ws: an operation's own errors (a syntax error, an unknown operation name) are
answered with an `error` message for that operation id, and the socket, with every other live
subscription on it, stays open. Strawberry closes it with 4400.

graphql-ws (the legacy protocol of Apollo's subscriptions-transport-ws): a `start` may carry a
query or a mutation too, answered with one `data` and `complete`. Strawberry's handler runs every
`start` as a subscription, so a query was refused, and the refusal masked as INTERNAL.

On both, every message is checked before the handler reads it (``server.ws_messages``), and the
legacy protocol closes with graphql-transport-ws's codes where strawberry's closes with none of
its own or with 1011 (4400 a bad message or frame, 4403 a refused token, 4429 a second
connection_init), so that whatever a client sends is answered, by an `error` or a close code.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from typing import Any, cast

from graphql import GraphQLError, GraphQLFormattedError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived, WebSocketDisconnected
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    CompleteMessage,
    ConnectionInitMessage,
    ErrorMessage,
    OperationMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.unset import UnsetType

from resolvers.context import Context
from schema.build import SharedStrawberryResult
from schema.extensions import INTERNAL_MESSAGE
from server.request_ids import current_request_id
from server.request_limits import RequestRefused, bad_request, log_refusal
from server.ws_messages import GRAPHQL_TRANSPORT_WS, GRAPHQL_WS, Refusal, over_the_limit, refusal_of, second_init

log = logging.getLogger("lingli.errors")

FORBIDDEN = 4403  # graphql-transport-ws's code for a refused token; graphql-ws clients reconnect on it

# What a client offering both gets: the maintained protocol, whose operation errors keep the socket
# and whose 4403 on a refused or expired token graphql-ws clients answer by reconnecting.
PREFERRED = ("graphql-transport-ws", "graphql-ws")


def pick_subprotocol(offered: list[str], served: list[str]) -> str | None:
    """The first of PREFERRED that the client offers and this view serves, in our order, not the client's."""
    return next((p for p in PREFERRED if p in offered and p in served), None)


def refused_error(refused: RequestRefused) -> GraphQLFormattedError:
    """A refused operation as the GraphQL error of its `error` message, like an HTTP refusal."""
    extensions = {**refused.extensions, "requestId": current_request_id.get()}
    return GraphQLError(refused.message, extensions=extensions).formatted


class OperationErrorsKeepTheSocket(BaseGraphQLTransportWSHandler[Context, None]):
    """Also pings: a `ping` message every WS_KEEPALIVE_SECONDS once the connection is acknowledged.
    uvicorn's WebSocket ping frames (every 20 s) are answered by the client's network stack and
    never reach a mini-program's code (wx.connectSocket shows messages, not control frames), and
    WeChat cuts a socket it has heard nothing on for a while in the background. A `ping` is a
    message: the client sees the socket alive (and answers `pong`, as the protocol asks)."""

    pinging: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        interval = getattr(self.view, "keep_alive_interval", None)
        if self.connection_acknowledged and interval and self.pinging is None:
            self.pinging = asyncio.create_task(self._ping_every(float(interval)))

    async def _ping_every(self, interval: float) -> None:
        with suppress(Exception):  # the socket closed meanwhile: nothing to keep alive
            while True:
                await asyncio.sleep(interval)  # a timer, not a wait for some condition
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self.pinging is not None:
            self.pinging.cancel()
            with suppress(BaseException):
                await self.pinging
        await super().shutdown()

    async def _send_result_stream(self, operation: Operation[Context, None], result_source: StreamResult) -> None:
        """Strawberry's, but a result shared by many subscribers (schema.shared_events) goes out as
        the bytes encoded once for all of them, with this operation's id spliced in: the same
        frame strawberry would encode, without encoding it once per subscriber."""
        first = True
        head = '{"id":' + json.dumps(operation.id) + ',"type":"next","payload":'
        raw = self.websocket.ws if isinstance(self.websocket, ASGIWebSocketAdapter) else None
        async for result in result_source:
            if isinstance(result, SharedStrawberryResult) and raw is not None:
                if not operation.completed:  # as Operation.send_operation_message
                    try:
                        await raw.send_text(head + result.shared.payload() + "}")
                    except WebSocketDisconnect as gone:
                        raise WebSocketDisconnected from gone
            elif first and isinstance(result, PreExecutionError):
                await self._handle_pre_execution_error(operation, result)
                return
            elif not isinstance(result, ExecutionResult):
                await self._reject_incremental_delivery(operation)
                return
            else:
                await operation.send_next(result)
            first = False

    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        return None  # never close for one operation's document: answer it with `error`

    async def handle_message(self, message: Message) -> None:
        untyped = cast("dict[str, Any]", message)
        early = untyped.get("type") == "subscribe" and not self.connection_acknowledged
        in_use = untyped.get("type") == "subscribe" and _hashable(untyped.get("id")) in self.operations
        # Before connection_init (4401) and an id in use (4409), strawberry's own close codes.
        refusal = None if early or in_use else refusal_of(untyped, GRAPHQL_TRANSPORT_WS)
        if refusal is None and untyped.get("type") == "subscribe" and not (early or in_use):
            refusal = over_the_limit(untyped, len(self.operations), self.max_subscriptions_per_connection)
        if refusal is None:
            await super().handle_message(message)
            return
        log_refusal(refusal.refused)
        if refusal.operation_id is None:
            await self.websocket.close(refusal.refused.close_code, refusal.refused.message)
            return
        error = refused_error(refusal.refused)
        await self.send_message({"id": refusal.operation_id, "type": "error", "payload": [error]})


class QueriesAndMutationsToo(BaseGraphQLWSHandler[Context, None]):
    async def handle(self) -> None:
        """Strawberry's, but a frame that is no JSON (or no text) closes with 4400 as on
        graphql-transport-ws, instead of being ignored (no JSON) or closing with 1002 (binary)."""
        try:
            try:
                async for message in self.websocket.iter_json():
                    await self.handle_message(cast("OperationMessage", message))
            except NonTextMessageReceived:
                await self._close(bad_request("WebSocket message type must be text"))
            except NonJsonMessageReceived:
                await self._close(bad_request("WebSocket message must be valid JSON"))
        except WebSocketDisconnected:
            pass
        finally:
            if self.keep_alive_task:
                self.keep_alive_task.cancel()
                with suppress(BaseException):
                    await self.keep_alive_task
            await self.cleanup()

    async def handle_message(self, message: OperationMessage) -> None:
        untyped = cast("dict[str, Any]", message)
        if untyped.get("type") == "start" and not self.connection_acknowledged:
            await super().handle_message(message)  # strawberry closes with 4401
            return
        refusal = refusal_of(untyped, GRAPHQL_WS)
        if refusal is None and untyped.get("type") == "start" and untyped["id"] not in self.tasks:
            refusal = over_the_limit(untyped, len(self.tasks), self.max_subscriptions_per_connection)
        if refusal is None:
            await super().handle_message(message)
        elif refusal.operation_id is None:
            await self._close(refusal.refused)
        else:
            await self._answer(refusal)

    async def _answer(self, refusal: Refusal) -> None:
        assert refusal.operation_id is not None
        log_refusal(refusal.refused)
        # As a `start` with a good payload would, this one replaces the operation of its id.
        await self.cleanup_operation(refusal.operation_id)
        error = refused_error(refusal.refused)
        await self.send_message(ErrorMessage(type="error", id=refusal.operation_id, payload=error))

    async def _close(self, refused: RequestRefused) -> None:
        log_refusal(refused)
        await self.websocket.close(code=refused.close_code, reason=refused.message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Strawberry's, with graphql-transport-ws's close codes: 4429 for a second
        connection_init (strawberry's ran on_ws_connect again and started a second keep-alive),
        4400 for a payload that is no object (strawberry's: 1000, as if all were well), 4403 for a
        refused token (strawberry's: 1011, "the server broke"), after the connection_error."""
        if self.connection_acknowledged:
            await self._close(second_init())
            return
        payload = cast("dict[str, Any]", message).get("payload")
        if payload is not None and not isinstance(payload, dict):
            refused = bad_request("The connection_init payload must be an object", field="payload")
            await self.send_message({"type": "connection_error", "payload": dict(refused.extensions)})
            await self._close(refused)
            return
        self.context.connection_params = payload
        try:
            ack_payload = await self.view.on_ws_connect(self.context)
        except ConnectionRejectionError as rejected:
            await self.send_message({"type": "connection_error", "payload": rejected.payload})
            await self.websocket.close(code=FORBIDDEN, reason="Forbidden")
            return
        if isinstance(ack_payload, UnsetType) or ack_payload is None:
            await self.send_message({"type": "connection_ack"})
        else:
            await self.send_message({"type": "connection_ack", "payload": ack_payload})
        self.connection_acknowledged = True
        if self.keep_alive:
            self.keep_alive_task = asyncio.create_task(self.handle_keep_alive())

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
        except Exception:
            # Unexpected: logged with its request id and answered masked, never a task that dies
            # unanswered ("Task exception was never retrieved").
            request_id = current_request_id.get()
            log.exception("unexpected error in a graphql-ws operation (request %s)", request_id)
            masked = GraphQLError(INTERNAL_MESSAGE, extensions={"code": "INTERNAL", "requestId": request_id})
            with suppress(Exception):  # the socket may be what failed
                await self.send_message(ErrorMessage(type="error", id=operation_id, payload=masked.formatted))
        finally:
            # Over, whichever way: it no longer counts towards the limit, and its id is free again.
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)


def _hashable(value: object) -> object:
    """An id as a dict key: one that is a list or an object is no operation's (and is refused)."""
    return value if isinstance(value, str | int | float | bool | None) else None
