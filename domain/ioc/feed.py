"""iocFeed: one stream of a community's alarms, events, device status and orders, for its office.

Each source is its own topic with its own replay (``realtime.stream.merged``). The cursor a
client gets names where it is in each of them, ``<alarms>.<events>.<devices>.<orders>`` (outbox
ids), so a resume replays each topic after its own position: a plain cursor could not say that an
event of one topic committed before an alarm delivered first is still to come. A plain number
(an outbox id from any feed) is accepted too and resumes every source after it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from enum import StrEnum

from broadcaster import Broadcast

from domain.alarms import messages as alarm_messages
from domain.common.errors import InvalidInput, ResumeRequired
from domain.devices import messages as device_messages
from domain.events import messages as event_messages
from domain.ioc import access
from domain.orders import messages as order_messages
from domain.people.live_viewer import LiveViewer
from realtime import stream
from realtime.envelope import Envelope
from realtime.models import OutboxEvent

MAX_CURSOR = 2**63 - 1


class Source(StrEnum):
    ALARM = "ALARM"
    EVENT = "EVENT"
    DEVICE = "DEVICE"
    ORDER = "ORDER"


def topics(community_id: int) -> dict[Source, str]:
    """Each source's topic, in the cursor's order."""
    return {
        Source.ALARM: alarm_messages.topic(community_id),
        Source.EVENT: event_messages.topic(community_id),
        Source.DEVICE: device_messages.status_topic(community_id),
        Source.ORDER: order_messages.topic(community_id),
    }


@dataclass(frozen=True)
class Item:
    source: Source
    cursor: str  # where the feed is in every source after this item
    envelope: Envelope


def parse_cursor(after: str | None) -> list[int] | None:
    """A feed cursor (four numbers) or a plain one (the same for every source); None: from now."""
    if after is None:
        return None
    parts = after.split(".")
    if len(parts) not in (1, len(Source)) or not all(p.isascii() and p.isdigit() for p in parts):
        raise InvalidInput("after is a cursor from an earlier message of this feed", field="after")
    numbers = [int(p) for p in parts]
    if any(n > MAX_CURSOR for n in numbers):
        raise InvalidInput("after is a cursor from an earlier message of this feed", field="after")
    return numbers * len(Source) if len(numbers) == 1 else numbers


async def feed(
    broadcast: Broadcast, live: LiveViewer, community_id: int, after: str | None
) -> AsyncGenerator[Item, None]:
    access.check_watch(live.viewer, community_id)
    positions = parse_cursor(after)
    if positions is None:
        # From now: every source after the newest event there is, so the first cursor is complete.
        newest = await OutboxEvent.all().order_by("-id").first()
        positions = [newest.id if newest else 0] * len(Source)
    by_topic = dict(zip(topics(community_id).values(), positions, strict=True))
    source_of = {topic: source for source, topic in topics(community_id).items()}

    def visible(envelope: Envelope) -> bool:
        return access.may_receive(live.viewer, community_id, envelope.payload)

    try:
        async with aclosing(stream.merged(broadcast, dict(by_topic), visible=visible, follower=live)) as merged:
            async for envelope in merged:
                by_topic[envelope.topic] = envelope.cursor
                yield Item(source_of[envelope.topic], _cursor(by_topic), envelope)
    except stream.StreamInterrupted as interrupted:
        if interrupted.cursor is not None:
            by_topic[interrupted.topic] = max(by_topic[interrupted.topic], interrupted.cursor)
        raise ResumeRequired(_cursor(by_topic)) from interrupted


def _cursor(by_topic: dict[str, int]) -> str:
    return ".".join(str(n) for n in by_topic.values())
