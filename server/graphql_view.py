"""The GraphQL endpoint: HTTP and WebSocket, with the Viewer resolved from the access token."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import time
import weakref
from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Any, cast

from broadcaster import Broadcast
from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from auth.tokens import TokenIssuer
from domain.common.errors import Unauthenticated
from domain.files.storage import Storage
from domain.payments.providers import Providers
from domain.people.accounts import viewer_for_token
from domain.people.phone_proofs import CodeSender
from domain.people.wechat import WechatApi
from realtime.outbox import Publisher
from resolvers.context import Context, OpenSockets
from server import response_media
from server.announcing import announcing
from server.graphiql import page_html
from server.metrics import OPEN_WEBSOCKETS
from server.request_ids import current_request_id
from server.request_limits import (
    RequestRefused,
    bad_request,
    capped,
    check_declared_length,
    decode_json,
    log_refusal,
    not_an_object,
    not_json,
    too_large,
)
from server.ws_protocol import OperationErrorsKeepTheSocket, QueriesAndMutationsToo, pick_subprotocol

log = logging.getLogger("lingli.auth")

# Set while a request's own JSON (a POST body) is parsed: it must be an object (or a batch, a list).
_PARSING_BODY: contextvars.ContextVar[bool] = contextvars.ContextVar("parsing_body", default=False)

# Where get_context leaves a WebSocket's Context in its ASGI scope, for __call__ to find it at the end.
_CONTEXT = "lingli.context"
# An HTTP request's answer, in its ASGI scope: the media type its Accept asks for (None: neither of
# ours), set before anything runs; the status a request error takes under that type, set by
# process_result for run to apply.
_ANSWER_AS = "lingli.answer_as"
_REQUEST_ERROR_STATUS = "lingli.request_error_status"


def bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send the access token as 'Authorization: Bearer <token>'")
    return token.strip()


def refusal(refused: RequestRefused, media_type: str = response_media.JSON) -> JSONResponse:
    """A request refused before it ran, as GraphQL over HTTP answers a request error: no data,
    one error with its code and the request id."""
    extensions = {**refused.extensions, "requestId": current_request_id.get()}
    return JSONResponse(
        {"errors": [{"message": refused.message, "extensions": extensions}]},
        status_code=refused.status,
        headers={**(refused.headers or {}), "Vary": "Accept"},
        media_type=media_type,
    )


class LimitedWebSocketAdapter(ASGIWebSocketAdapter):
    """Strawberry's socket adapter, with each message's size, JSON nesting and shape checked: a
    message past either limit, or one that is no JSON object, closes the socket (1009 too large,
    4400 too deep or no object) on both protocols."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object, None]:
        view = cast("LingliGraphQL", self.view)
        while self.ws.application_state != WebSocketState.DISCONNECTED:
            try:
                text = await self.ws.receive_text()
            except KeyError:
                raise NonTextMessageReceived from None
            except WebSocketDisconnect:
                return
            try:
                view.check_message_size(text)
                message = view.decode_json(text)
                if not isinstance(message, dict):  # both protocols' messages are objects
                    raise not_an_object("A message")
            except json.JSONDecodeError:
                if not ignore_parsing_errors:
                    raise NonJsonMessageReceived from None
                continue
            except RequestRefused as refused:
                log_refusal(refused)
                await self.close(refused.close_code, refused.message)
                return
            yield message


class LingliGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = LimitedWebSocketAdapter
    graphql_transport_ws_handler_class = OperationErrorsKeepTheSocket
    graphql_ws_handler_class = QueriesAndMutationsToo

    def __init__(
        self,
        schema: BaseSchema,
        *,
        issuer: TokenIssuer,
        broadcast: Broadcast,
        publisher: Publisher,
        storage: Storage,
        code_sender: CodeSender,
        graphiql: bool,
        allowed_origins: tuple[str, ...],
        ws_init_timeout: int,
        scope_refresh_seconds: float = 60,
        max_body_bytes: int = 1024 * 1024,
        max_ws_message_bytes: int = 1024 * 1024,
        max_json_depth: int = 32,
        sockets: OpenSockets | None = None,
        payments: Providers | None = None,
        bill_due_days: int = 15,
        position_push_seconds: float = 5,
        wechat: WechatApi | None = None,
        keepalive_seconds: float = 15,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allowed_origins=allowed_origins,
            connection_init_wait_timeout=timedelta(seconds=ws_init_timeout),
            # graphql-ws's "ka" and graphql-transport-ws's `ping` (server/ws_protocol.py), so neither
            # proxies nor a mini-program in the background cut quiet subscriptions.
            keep_alive=True,
            keep_alive_interval=keepalive_seconds,
        )
        self.wechat = wechat
        self.issuer = issuer
        self.broadcast = broadcast
        self.publisher = publisher
        self.storage = storage
        self.payments = payments if payments is not None else Providers()
        self.code_sender = code_sender
        self.scope_refresh_seconds = scope_refresh_seconds
        self.max_body_bytes = max_body_bytes
        self.max_ws_message_bytes = max_ws_message_bytes
        self.max_json_depth = max_json_depth
        self.sockets = sockets if sockets is not None else OpenSockets()
        self.bill_due_days = bill_due_days
        self.position_push_seconds = position_push_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Every mutation of this request (or of this socket, whose operations run in tasks that
        # inherit it) hands what it committed to the subscribers through this publisher.
        with announcing(self.publisher, position_push_seconds=self.position_push_seconds):
            if scope["type"] == "http":
                await self._serve_http(scope, receive, send)
            else:
                OPEN_WEBSOCKETS.inc()
                try:
                    await super().__call__(scope, receive, send)
                finally:
                    OPEN_WEBSOCKETS.dec()
                    context = scope.pop(_CONTEXT, None)
                    if context is not None:
                        self.sockets.leave(context)

    async def _serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A body past the limit is refused at its Content-Length, or as soon as it passes the
        limit while it streams (strawberry reads the body through ``capped``). A GET's query
        string is bounded by the HTTP server (uvicorn: about 64 KiB) and by the document limits."""
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        headers = Headers(scope=scope)
        scope[_ANSWER_AS] = response_media.negotiate(headers.get("accept"))
        try:
            check_declared_length(headers, self.max_body_bytes, setting="MAX_BODY_BYTES")
            await super().__call__(scope, capped(receive, self.max_body_bytes, setting="MAX_BODY_BYTES"), send_tracked)
        except RequestRefused as refused:
            if started:  # cannot happen: the body is read before anything is answered
                raise
            log_refusal(refused)
            # Accepting neither of our types, a refusal is still told, in the default one.
            await refusal(refused, scope[_ANSWER_AS] or response_media.JSON)(scope, receive, send)

    async def pick_websocket_subprotocol(self, request: WebSocket) -> str | None:
        return pick_subprotocol(list(request["subprotocols"]), self.websocket_subprotocols)

    @property
    def graphql_ide_html(self) -> str:
        """Our GraphiQL page, its assets served by this app (server/graphiql.py), not a CDN."""
        return page_html()

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data, max_depth=self.max_json_depth)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry's own refusals (no query, variables that are no object, an unsupported
        content type) are typed JSON like ours, with the request id, not plain text. A GraphQL
        answer goes out as the media type the client accepts, with that type's status."""
        if (
            isinstance(request, Request)
            and request.scope.get(_ANSWER_AS) is None
            and not self._asks_for_graphiql(request)
        ):
            accepted = f"{response_media.GRAPHQL_RESPONSE} or {response_media.JSON}"
            raise bad_request(f"The Accept header must accept {accepted}", 406)
        try:
            response = await super().run(request, context, root_value)
        except HTTPException as error:
            raise bad_request(error.reason, error.status_code) from None
        if isinstance(response, Response) and response.media_type == response_media.JSON:  # not GraphiQL's page
            response.headers["content-type"] = request.scope[_ANSWER_AS]
            response.headers["vary"] = "Accept"
            response.status_code = request.scope.get(_REQUEST_ERROR_STATUS, response.status_code)
        return response

    def _asks_for_graphiql(self, request: Request) -> bool:
        """A browser asking for the IDE's page (Accept: text/html): answered with it, or 404 where it is off."""
        return self.should_render_graphql_ide(self.request_adapter_class(request))

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Under application/graphql-response+json a request error has no `data` and a 4xx status
        (application/json keeps `"data": null` and 200, as its clients have always had it)."""
        body = await super().process_result(request, result)
        if request.scope.get(_ANSWER_AS) == response_media.GRAPHQL_RESPONSE and response_media.is_request_error(result):
            body.pop("data", None)
            request.scope[_REQUEST_ERROR_STATUS] = response_media.request_error_status(result)
        return body

    async def parse_http_body(self, request: Any) -> Any:
        token = _PARSING_BODY.set(request.method != "GET")
        try:
            return await super().parse_http_body(request)
        finally:
            _PARSING_BODY.reset(token)

    def parse_json(self, data: str | bytes) -> Any:
        """A body's (or a query parameter's) JSON: malformed (or not UTF-8) is a typed 400 too,
        and so is a body that is no object: ``null``, ``42``, a string."""
        try:
            value = self.decode_json(data)
        except ValueError:  # json.JSONDecodeError, UnicodeDecodeError
            raise not_json() from None
        if _PARSING_BODY.get() and not isinstance(value, dict | list):
            raise not_an_object()
        return value

    def check_message_size(self, text: str) -> None:
        # Characters first: a UTF-8 encoding is never shorter, and most messages are far below.
        if len(text) > self.max_ws_message_bytes or (
            len(text) * 4 > self.max_ws_message_bytes and len(text.encode()) > self.max_ws_message_bytes
        ):
            raise too_large("The message", self.max_ws_message_bytes, setting="MAX_WS_MESSAGE_BYTES")

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(
            issuer=self.issuer,
            broadcast=self.broadcast,
            storage=self.storage,
            payments=self.payments,
            code_sender=self.code_sender,
            wechat=self.wechat,
            scope_refresh_seconds=self.scope_refresh_seconds,
            bill_due_days=self.bill_due_days,
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
