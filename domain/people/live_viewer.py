"""The viewer of a running subscription, kept current.

A subscription can run for as long as its access token lives (15 minutes). Its viewer is read
when it starts; a role revoked or a household left meanwhile must not keep the messages coming
for that long. So the stream asks `refresh()` before each message, and the viewer is read again
from the database when it is older than `every` seconds (60 by default: a bound, not a query
per message per subscriber). A session logged out meanwhile ends the subscription.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from auth.viewer import Viewer
from domain.common.errors import Unauthenticated
from domain.people.accounts import load_viewer
from domain.people.models import AuthSession


class LiveViewer:
    def __init__(self, viewer: Viewer, *, every: float, on_change: Callable[[Viewer], None] | None = None) -> None:
        """``on_change``: told of a viewer that changed, so what else reads it (the connection's
        context: nested fields, loaders, the sharing scope) follows too."""
        self.viewer = viewer
        self._every = every
        self._on_change = on_change
        self._read_at = time.monotonic()

    async def refresh(self) -> None:
        if self.viewer.person_id is None or time.monotonic() - self._read_at < self._every:
            return
        self._read_at = time.monotonic()
        session = self.viewer.session
        if session is not None and not await AuthSession.filter(id=session, revoked_at=None).exists():
            raise Unauthenticated("This session has ended: log in again")
        fresh = await load_viewer(self.viewer.person_id, session=session)
        if fresh != self.viewer:
            self.viewer = fresh
            if self._on_change is not None:
                self._on_change(fresh)
