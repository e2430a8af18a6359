"""The viewer of a running subscription, kept current.

A subscription can run for as long as its access token lives (15 minutes). Its viewer is read
when it starts; a role revoked or a household left meanwhile must not keep the messages coming.
Every such change says so on the `viewers` topic (domain/people/messages.py), and the process
holding the subscription marks its viewer stale and wakes its stream at once (`reread()`). The
stream asks `refresh()` when woken and before each message, which reads the viewer again from the
database when it is stale, or in any case older than `every` seconds (60 by default: a safety net
for a message the bus lost, not a query per message per subscriber). A session logged out
meanwhile ends the subscription with UNAUTHENTICATED.
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
        self._due = time.monotonic() + every
        self._stale = False
        self._wake: Callable[[], None] | None = None

    def wake_with(self, wake: Callable[[], None] | None) -> None:
        """The running stream's wake (realtime.stream), or None once it ended."""
        self._wake = wake

    def reread(self) -> None:
        """The person's roles, homes or session changed: read them again now (the stream is woken
        and refreshes), and in any case before the next message. Synchronous, so it holds before
        any message published after the change reaches the stream."""
        self._stale = True
        if self._wake is not None:
            self._wake()

    async def refresh(self) -> None:
        if not self._stale and time.monotonic() < self._due:
            return
        if self.viewer.person_id is None:
            return
        # Cleared before reading: a change told while the read runs marks it stale again.
        self._stale = False
        self._due = time.monotonic() + self._every
        session = self.viewer.session
        try:
            ended = session is not None and not await AuthSession.filter(id=session, revoked_at=None).exists()
            fresh = None if ended else await load_viewer(self.viewer.person_id, session=session)
        except Exception:
            self._stale = True  # not read (the database is out of reach): the stream's next try reads it
            raise
        if fresh is None:
            raise Unauthenticated("This session has ended: log in again")
        if fresh != self.viewer:
            self.viewer = fresh
            if self._on_change is not None:
                self._on_change(fresh)
