"""What people say on the bus: that a viewer changed. Pure.

One topic for the whole installation: every process follows it, and applies each message to the
WebSockets it holds of that person (server/app.py `follow_viewers`, resolvers/context.py
`OpenSockets`). Recorded in the transaction of the change, so it is sent after commit like every
event, and re-sent by the outbox sweep if the bus missed it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ViewerMessage(StrEnum):
    # A logout, or a spent refresh token presented again: the session's sockets close (4403).
    SESSION_ENDED = "SESSION_ENDED"
    # A membership granted or revoked, a move in or out (what accounts.load_viewer reads):
    # the person's running subscriptions read their viewer again before their next message.
    SCOPE_CHANGED = "SCOPE_CHANGED"


def topic() -> str:
    return "viewers"


def session_ended(person_id: int, session: str) -> dict[str, Any]:
    return {"person_id": person_id, "session": session}


def scope_changed(person_id: int) -> dict[str, Any]:
    return {"person_id": person_id}
