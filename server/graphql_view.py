"""The GraphQL endpoint: HTTP and WebSocket, with the Viewer resolved from the access token."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from datetime import timedelta
from typing import Any

from broadcaster import Broadcast
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema

from auth.tokens import TokenIssuer
from domain.common.errors import Unauthenticated
from domain.files.storage import Storage
from domain.people.accounts import viewer_for_token
from realtime.outbox import Publisher, publishing_to
from resolvers.context import Context, OpenSockets
from server.request_ids import current_request_id

log = logging.getLogger("lingli.auth")

# Where get_context leaves a WebSocket's Context in its ASGI scope, for __call__ to find it at the end.
_CONTEXT = "lingli.context"


def bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send the access token as 'Authorization: Bearer <token>'")
    return token.strip()


class LingliGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: BaseSchema,
        *,
        issuer: TokenIssuer,
        broadcast: Broadcast,
        publisher: Publisher,
        storage: Storage,
        graphiql: bool,
        allowed_origins: tuple[str, ...],
        ws_init_timeout: int,
        scope_refresh_seconds: float = 60,
        sockets: OpenSockets | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allowed_origins=allowed_origins,
            connection_init_wait_timeout=timedelta(seconds=ws_init_timeout),
            keep_alive=True,  # pings, so proxies do not cut quiet subscriptions
            keep_alive_interval=15,
        )
        self.issuer = issuer
        self.broadcast = broadcast
        self.publisher = publisher
        self.storage = storage
        self.scope_refresh_seconds = scope_refresh_seconds
        self.sockets = sockets if sockets is not None else OpenSockets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Every mutation of this request (or of this socket, whose operations run in tasks that
        # inherit it) hands what it committed to the subscribers through this publisher.
        with publishing_to(self.publisher):
            try:
                await super().__call__(scope, receive, send)
            finally:
                context = scope.pop(_CONTEXT, None)
                if context is not None:
                    self.sockets.leave(context)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(
            issuer=self.issuer,
            broadcast=self.broadcast,
            storage=self.storage,
            scope_refresh_seconds=self.scope_refresh_seconds,
            request_id=current_request_id.get(),
            request=request,
            response=response,
        )
        if isinstance(request, WebSocket):
            request.scope[_CONTEXT] = context
        if isinstance(request, Request):
            try:
                token = bearer_token(request.headers.get("authorization"))
                if token:
                    viewer, claims = await viewer_for_token(self.issuer, token)
                    context.authenticate(viewer, claims, token)
            except Unauthenticated as error:
                context.auth_error = error
        return context

    async def on_ws_connect(self, context: Context) -> dict[str, Any]:
        """graphql-transport-ws: the token comes in connection_init; a bad one closes with 4403."""
        params = context.connection_params or {}
        try:
            raw = params.get("Authorization") or params.get("authorization")
            if raw is not None and not isinstance(raw, str):
                raise Unauthenticated("Authorization must be the text 'Bearer <access token>'")
            token = bearer_token(raw) if raw else params.get("token")
            if not isinstance(token, str) or not token:
                raise Unauthenticated("connection_init needs {'Authorization': 'Bearer <access token>'}")
            viewer, claims = await viewer_for_token(self.issuer, token)
        except Unauthenticated as error:
            log.info("websocket refused: %s", error.message)
            raise ConnectionRejectionError({"code": error.code.value, "message": error.message}) from None
        context.authenticate(viewer, claims, token)
        context.websocket = True
        if isinstance(context.request, WebSocket):
            _close_at_expiry(context.request, claims.expires_at)
        # A logout, a revoked role or a move, on any process, reaches its subscriptions at once.
        self.sockets.join(context)
        return {"personId": str(viewer.person_id)}


def _close_at_expiry(websocket: WebSocket, expires_at: int) -> None:
    """When the access token expires, close with 4403: graphql-ws clients then reconnect with a
    fresh token and resume their subscriptions from their cursors, missing nothing."""
    socket = weakref.ref(websocket)  # the timer must not keep a closed connection alive

    async def close() -> None:
        live = socket()
        if live is not None:
            with contextlib.suppress(RuntimeError, OSError):  # closed by the client meanwhile
                await live.close(code=4403, reason="Access token expired")

    delay = max(0.0, expires_at - time.time())
    asyncio.get_running_loop().call_later(delay, lambda: asyncio.ensure_future(close()))
