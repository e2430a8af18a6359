"""The one shape of every message on the bus and on a subscription."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from realtime.models import OutboxEvent


@dataclass(frozen=True)
class Envelope:
    cursor: int
    topic: str
    seq: int
    kind: str
    payload: dict[str, Any]

    @classmethod
    def of(cls, event: OutboxEvent) -> Envelope:
        return cls(cursor=event.id, topic=event.topic, seq=event.seq, kind=event.kind, payload=dict(event.payload))

    def encode(self) -> str:
        return json.dumps(
            {"cursor": self.cursor, "topic": self.topic, "seq": self.seq, "kind": self.kind, "payload": self.payload}
        )

    @classmethod
    def decode(cls, message: str) -> Envelope:
        # Every subscriber of a topic decodes the same message: once is enough. Envelopes are
        # read, never changed, so one object can be handed to all of them.
        return _decode(message)


@lru_cache(maxsize=1024)
def _decode(message: str) -> Envelope:
    raw = json.loads(message)
    return Envelope(
        cursor=int(raw["cursor"]),
        topic=str(raw["topic"]),
        seq=int(raw["seq"]),
        kind=str(raw["kind"]),
        payload=raw["payload"],
    )
