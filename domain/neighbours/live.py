"""The viewer of a running ``neighbourActivity`` subscription, with the groups whose posts they
read: read when it starts, and again before the next message whenever a group was created or a
membership changed (those messages travel the same topic, in order), or the viewer changed."""

from __future__ import annotations

from collections.abc import Callable

from domain.neighbours import access
from domain.neighbours.messages import GROUPS_CHANGED
from domain.people.live_viewer import LiveViewer
from realtime.envelope import Envelope


class NeighbourFollower:
    def __init__(self, live: LiveViewer, community_id: int) -> None:
        self.live = live
        self.community_id = community_id
        self.groups: frozenset[int] = frozenset()
        self._stale = True
        self._read_for: object = None

    def wake_with(self, wake: Callable[[], None] | None) -> None:
        self.live.wake_with(wake)

    async def refresh(self) -> None:
        await self.live.refresh()
        if self._stale or self._read_for is not self.live.viewer:
            self._stale = False
            self._read_for = self.live.viewer
            try:
                self.groups = await access.readable_group_ids(self.live.viewer, self.community_id)
            except Exception:
                self._stale = True  # not read (the database is out of reach): the stream's next try reads it
                raise

    def visible(self, envelope: Envelope) -> bool:
        if envelope.kind in GROUPS_CHANGED:
            self._stale = True  # whose posts the viewer reads may have changed: read again before the next
        return access.may_receive(self.live.viewer, self.groups, envelope.payload)
