"""dashboardCounters: the dashboard pushed again when its figures change, coalesced to at most one
message per community subscription every ``WINDOW`` seconds however many messages arrive.

A timer per subscription, not a periodic job like delivery positions (domain/orders/positions.py):
a position is one row's latest value, claimed and pushed once for every subscriber through the
outbox; the counters are a fresh read of aggregates that no write stores, read only while
someone watches. So each subscription follows its community's topics (alarms, events, devices,
orders, points, parking) as mere ticks, and after a tick re-reads the dashboard — at once if its last read
is a window old, else when the window ends (a throttle with a trailing edge) — and pushes it when
a panel changed. The tick is cleared before the read starts, so a message arriving while it runs
makes one more read: the last message pushed is the dashboard as of after the last change. What
sends no message (meter readings, residents moving) is caught by a read every ``QUIET_REFRESH``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing, suppress
from dataclasses import dataclass

from broadcaster import Broadcast

from domain.ioc import access, dashboard
from domain.ioc.feed import topics
from domain.parking import messages as parking_messages
from domain.people.live_viewer import LiveViewer
from domain.points import messages as points_messages
from realtime import stream

WINDOW = 1.0
QUIET_REFRESH = 30.0


@dataclass(frozen=True)
class Counters:
    changed: list[str]  # the panels that differ from the message before (all of them in the first)
    dashboard: dashboard.Dashboard


class _Ticks:
    """The topics' follower: refreshes the subscriber's viewer as the stream asks, and ticks when
    it changed, so a revoked role ends the subscription without waiting for a figure to change."""

    def __init__(self, live: LiveViewer, tick: Callable[[], None]) -> None:
        self._live = live
        self._tick = tick

    async def refresh(self) -> None:
        before = self._live.viewer
        await self._live.refresh()
        if self._live.viewer != before:
            self._tick()

    def wake_with(self, wake: Callable[[], None] | None) -> None:
        self._live.wake_with(wake)


async def counters(
    broadcast: Broadcast, live: LiveViewer, community_id: int, *, window: float = WINDOW
) -> AsyncGenerator[Counters, None]:
    access.check_read(live.viewer, community_id)
    last = await dashboard.read(community_id)
    yield Counters(changed=dashboard.changed(None, last), dashboard=last)
    read_at = time.monotonic()
    dirty = asyncio.Event()
    failed: list[Exception] = []
    watched = [
        *topics(community_id).values(),
        points_messages.topic(community_id),
        parking_messages.topic(community_id),
    ]

    async def listen() -> None:
        ticks = _Ticks(live, dirty.set)
        try:
            feed = stream.merged(broadcast, dict.fromkeys(watched), visible=lambda _: True, follower=ticks)
            async with aclosing(feed) as messages:
                async for _ in messages:
                    dirty.set()
        except Exception as error:  # noqa: BLE001 - raised by the loop that pushes
            failed.append(error)
            dirty.set()

    listener = asyncio.create_task(listen())
    try:
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(dirty.wait(), timeout=QUIET_REFRESH)
            if failed:
                raise failed[0]
            wait = read_at + window - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)  # the rest of the window: the trailing edge
            dirty.clear()  # from here on, a message makes one more read
            await live.refresh()
            access.check_read(live.viewer, community_id)
            read_at = time.monotonic()
            fresh = await dashboard.read(community_id)
            changed = dashboard.changed(last, fresh)
            if changed:
                last = fresh
                yield Counters(changed=changed, dashboard=fresh)
    finally:
        listener.cancel()
        with suppress(asyncio.CancelledError):
            await listener
