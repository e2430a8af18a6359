"""The homes of a running subscription's viewer, kept with it: which buildings and units their
houses are in is what a live notice's targets name (access.may_receive)."""

from __future__ import annotations

from collections.abc import Callable

from auth.viewer import Viewer
from domain.notices.access import Home
from domain.people.live_viewer import LiveViewer
from domain.space.models import House


async def homes_of(viewer: Viewer) -> tuple[Home, ...]:
    since = dict(viewer.homes_since)
    rows = await House.filter(id__in=sorted(since)).values("id", "unit_id", "building_id", "community_id")
    return tuple(Home(r["id"], r["unit_id"], r["building_id"], r["community_id"], since[r["id"]]) for r in rows)


class Households:
    """A stream follower (realtime.stream.Follower): the live viewer, and their homes read again
    whenever the houses they live in change."""

    def __init__(self, live: LiveViewer) -> None:
        self.live = live
        self.homes: tuple[Home, ...] = ()
        self._read_for: object = None

    @property
    def viewer(self) -> Viewer:
        return self.live.viewer

    async def refresh(self) -> None:
        await self.live.refresh()
        if self._read_for != self.live.viewer.homes_since:
            self.homes = await homes_of(self.live.viewer)
            self._read_for = self.live.viewer.homes_since

    def wake_with(self, wake: Callable[[], None] | None) -> None:
        self.live.wake_with(wake)
