"""What a WebSocket message must be before either protocol acts on it.

Strawberry's handlers read a message's fields as their types promise (``message["payload"]["query"]``)
and pass on whatever they find: a `start` without a payload raised KeyError and dropped the
socket; a query that is a number failed in the parser, in a task nobody answered. Here every part
a client can send is checked first, in one place for both protocols:

- a message that is none of the protocol's (no type, an unknown one) or an operation message
  without a usable id has nobody to answer: the socket closes with 4400 and a reason;
- an operation with a usable id but a malformed payload is that operation's mistake: an `error`
  for its id, INVALID_INPUT naming the field (as over HTTP), and the socket lives on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.common.errors import ErrorCode
from server.request_limits import RequestRefused, bad_request

# Clients number their operations ("1", "2", …) or use UUIDs. An id is echoed in every message
# of its operation and in close reasons, which RFC 6455 caps at 123 bytes.
MAX_OPERATION_ID_BYTES = 64


@dataclass(frozen=True)
class Protocol:
    """The message types of one protocol: those that start and stop an operation, and all it knows."""

    start: str
    stop: str
    types: frozenset[str]


GRAPHQL_WS = Protocol("start", "stop", frozenset({"connection_init", "start", "stop", "connection_terminate"}))
GRAPHQL_TRANSPORT_WS = Protocol(
    "subscribe", "complete", frozenset({"connection_init", "ping", "pong", "subscribe", "complete"})
)


@dataclass(frozen=True)
class Refusal:
    """Why a message is refused, and the operation to answer (None: close the socket instead)."""

    refused: RequestRefused
    operation_id: str | None


def refusal_of(message: Mapping[str, object], protocol: Protocol) -> Refusal | None:
    """None for a message the protocol's handler may act on as it is."""
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in protocol.types:
        # Not echoed: the type could be anything, of any length.
        return Refusal(bad_request(f"Unknown message type: not one of {_listed(protocol)}", field="type"), None)
    if kind not in (protocol.start, protocol.stop):
        return None
    id = message.get("id")
    if not isinstance(id, str) or not 0 < len(id.encode()) <= MAX_OPERATION_ID_BYTES:
        why = f"A {kind} needs an id: text of 1 to {MAX_OPERATION_ID_BYTES} bytes"
        return Refusal(bad_request(why, field="id"), None)
    if kind == protocol.start and (refused := payload_refusal(message.get("payload"))) is not None:
        return Refusal(refused, id)
    return None


def payload_refusal(payload: object) -> RequestRefused | None:
    """An operation's payload as GraphQL over HTTP asks of a request body, its fields named as sent."""
    if not isinstance(payload, dict):
        return bad_request("The payload must be an object with the query", field="payload")
    query = payload.get("query")
    if not isinstance(query, str) or not query:
        return bad_request("The query must be the text of a GraphQL document", field="payload.query")
    for name in ("variables", "extensions"):
        if payload.get(name) is not None and not isinstance(payload[name], dict):
            return bad_request(f"{name} must be an object", field=f"payload.{name}")
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return bad_request("operationName must be text", field="payload.operationName")
    return None


def over_the_limit(message: Mapping[str, object], running: int, limit: int | None) -> Refusal | None:
    """A new operation (checked by ``refusal_of``) past the number a socket may run at once:
    refused with a code to switch on (strawberry's answer is a bare message). Its id is new."""
    if limit is None or running < limit:
        return None
    why = f"At most {limit} operations run at once on one socket: complete one first"
    refused = RequestRefused(why, status=429, code=ErrorCode.RATE_LIMITED, close_code=4429)
    return Refusal(refused, str(message["id"]))


def second_init() -> RequestRefused:
    """A connection_init on a socket that had one: graphql-transport-ws's 4429, on both protocols."""
    return RequestRefused("Too many initialisation requests", status=429, code=ErrorCode.INVALID_INPUT, close_code=4429)


def _listed(protocol: Protocol) -> str:
    return ", ".join(sorted(protocol.types))
